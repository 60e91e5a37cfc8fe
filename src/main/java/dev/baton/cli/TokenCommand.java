package dev.baton.cli;

import dev.baton.config.BatonConfig;
import dev.baton.core.BatonException;
import dev.baton.core.ErrorCode;
import dev.baton.server.DataDirectory;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(
    name = "token",
    description = {
      "Print the bearer token TCP clients must send (Authorization: Bearer <token>).",
      "The broker creates it on first start, 0600 in its data directory."
    },
    mixinStandardHelpOptions = true)
final class TokenCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin ClientOptions client;

  @Override
  public Integer call() {
    BatonConfig config = client.config();
    if (!Files.exists(config.tokenFile())) {
      throw new BatonException(
          ErrorCode.INTERNAL,
          "no token yet at " + config.tokenFile() + ": start the broker once with 'baton serve'");
    }
    String token;
    try {
      token = DataDirectory.readToken(config.tokenFile());
    } catch (IOException e) {
      throw new BatonException(ErrorCode.INTERNAL, "cannot read the token: " + e.getMessage(), e);
    }
    PrintWriter out = spec.commandLine().getOut();
    out.println(token);
    out.flush();
    return ExitCodes.OK;
  }
}
