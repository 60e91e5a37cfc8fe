package dev.baton.cli;

import dev.baton.api.client.BrokerClient;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
    name = "deregister",
    description = "Remove an instance from the registry.",
    mixinStandardHelpOptions = true)
final class DeregisterCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin ClientOptions client;

  @Parameters(
      arity = "0..1",
      paramLabel = "ID",
      defaultValue = "${env:BATON_INSTANCE}",
      description = "Instance id (default: $BATON_INSTANCE).")
  String id;

  @Override
  public Integer call() {
    String instance = InstanceIds.required(spec, id);
    try (BrokerClient broker = client.client()) {
      broker.deregister(instance);
    }
    PrintWriter out = spec.commandLine().getOut();
    out.println("deregistered " + instance);
    out.flush();
    return ExitCodes.OK;
  }
}
