package dev.baton.cli;

import dev.baton.api.CoverageJson;
import dev.baton.api.LeaseJson;
import dev.baton.api.client.BrokerClient;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
    name = "who",
    description = "Who holds or covers these paths.",
    mixinStandardHelpOptions = true)
final class WhoCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin ClientOptions client;

  @Parameters(
      arity = "1..*",
      paramLabel = "PATH",
      description = "Files or directories, relative to the current directory.")
  List<String> paths;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    Instant now = Instant.now();
    try (BrokerClient broker = client.client()) {
      for (String path : paths) {
        CoverageJson coverage = broker.check(null, Leases.absolute(path));
        if (coverage.free()) {
          out.println(Format.safe(coverage.path()) + ": free");
        } else {
          out.println(Format.safe(coverage.path()) + ":");
          for (LeaseJson l : coverage.leases()) {
            out.println("  " + Leases.line(l, now));
          }
        }
      }
    }
    out.flush();
    return ExitCodes.OK;
  }
}
