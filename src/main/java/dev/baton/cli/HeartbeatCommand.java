package dev.baton.cli;

import dev.baton.api.RegistrationJson;
import dev.baton.api.client.BrokerClient;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
    name = "heartbeat",
    description = "Tell the broker an instance is alive.",
    mixinStandardHelpOptions = true)
final class HeartbeatCommand implements Callable<Integer> {
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
    RegistrationJson r;
    try (BrokerClient broker = client.client()) {
      r = broker.heartbeat(instance);
    }
    PrintWriter out = spec.commandLine().getOut();
    out.println(
        r.instance().id()
            + " alive, expires "
            + Format.in(r.instance().expiresAt(), Instant.now())
            + "; heartbeat again within "
            + Format.duration(Duration.ofMillis(r.heartbeatIntervalMs())));
    out.flush();
    return ExitCodes.OK;
  }
}
