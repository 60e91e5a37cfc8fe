package dev.baton.cli;

import dev.baton.api.DashboardCodeJson;
import dev.baton.api.client.BrokerClient;
import java.io.File;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
    name = "dashboard",
    description = {
      "Print a link to the broker's live dashboard (and open it with --open).",
      "The link carries a one-time code, asked for over the Unix socket: it works once, for 60 s,",
      "and becomes a browser session (an HttpOnly cookie) until the broker restarts. The dashboard",
      "is served on the broker's TCP listener (server.tcp, or 'baton serve --tcp 127.0.0.1:PORT')."
    },
    mixinStandardHelpOptions = true)
final class DashboardCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin ClientOptions client;

  @Option(
      names = "--open",
      description = "Open the link with xdg-open when a graphical session is present.")
  boolean open;

  @Override
  public Integer call() {
    DashboardCodeJson code;
    try (BrokerClient broker = client.client()) {
      code = broker.call("POST", "/v1/dashboard/codes", Map.of(), DashboardCodeJson.class);
    }
    PrintWriter out = spec.commandLine().getOut();
    out.println(code.url());
    out.flush();
    if (open) {
      String why = openInBrowser(code.url());
      if (why != null) {
        PrintWriter err = spec.commandLine().getErr();
        err.println("not opened: " + why + "; open the link above in a browser on this machine");
        err.flush();
      }
    }
    return ExitCodes.OK;
  }

  /** Starts xdg-open on the link; returns why not, or null when it was started. */
  private static String openInBrowser(String url) {
    Map<String, String> env = System.getenv();
    if (isBlank(env.get("DISPLAY")) && isBlank(env.get("WAYLAND_DISPLAY"))) {
      return "no graphical session (neither DISPLAY nor WAYLAND_DISPLAY is set)";
    }
    if (!onPath("xdg-open")) {
      return "xdg-open is not on PATH";
    }
    try {
      new ProcessBuilder("xdg-open", url)
          .redirectOutput(ProcessBuilder.Redirect.DISCARD)
          .redirectError(ProcessBuilder.Redirect.DISCARD)
          .start();
      return null;
    } catch (IOException e) {
      return "xdg-open failed: " + e.getMessage();
    }
  }

  private static boolean onPath(String program) {
    String path = System.getenv("PATH");
    if (path == null) {
      return false;
    }
    for (String dir : path.split(File.pathSeparator)) {
      if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, program))) {
        return true;
      }
    }
    return false;
  }

  private static boolean isBlank(String s) {
    return s == null || s.isBlank();
  }
}
