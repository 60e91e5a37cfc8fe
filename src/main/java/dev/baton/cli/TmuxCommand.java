package dev.baton.cli;

import dev.baton.core.BatonException;
import dev.baton.core.ErrorCode;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

@Command(
    name = "tmux",
    description = {
      "The broker's status line in your own tmux: the broker keeps it in",
      "<data-dir>/tmux-status, and tmux shows it with #(cat FILE), no JVM per refresh."
    },
    mixinStandardHelpOptions = true,
    subcommands = {TmuxCommand.Install.class})
final class TmuxCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    throw new ParameterException(spec.commandLine(), "a subcommand is required: install");
  }

  @Command(
      name = "install",
      description = {
        "Print the lines for ~/.tmux.conf that show the broker's status line on the",
        "right of tmux's status bar (status-right, status-interval 2); with --append,",
        "add them to the file once (a marker comment says they are there). Reload with",
        "'tmux source-file ~/.tmux.conf'. 'baton up' sets the same in its own session."
      },
      mixinStandardHelpOptions = true)
  static final class Install implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin BrokerPaths paths;

    @Option(
        names = "--append",
        description =
            "Append the lines to the tmux configuration instead of printing them; refused when"
                + " they are there already.")
    boolean append;

    @Option(
        names = "--file",
        paramLabel = "FILE",
        description = "The tmux configuration to append to (default: ~/.tmux.conf).")
    Path file;

    @Override
    public Integer call() {
      String snippet = TmuxStatus.snippet(paths.load().config().dataDir());
      PrintWriter out = spec.commandLine().getOut();
      if (!append) {
        out.print(snippet);
        out.flush();
        return ExitCodes.OK;
      }
      Path conf = file != null ? file.toAbsolutePath() : home().resolve(".tmux.conf");
      try {
        String old = Files.exists(conf) ? Files.readString(conf, StandardCharsets.UTF_8) : "";
        if (old.contains(TmuxStatus.MARKER)) {
          throw new BatonException(
              ErrorCode.INVALID_REQUEST,
              conf
                  + " has baton's status line already (the line '"
                  + TmuxStatus.MARKER
                  + "'); nothing appended. To change it, remove those lines and run this again",
              Map.of("file", conf.toString()));
        }
        String text = (old.isEmpty() || old.endsWith("\n") ? "" : "\n") + "\n" + snippet;
        Files.writeString(
            conf,
            old.isEmpty() ? snippet : text,
            StandardCharsets.UTF_8,
            StandardOpenOption.CREATE,
            StandardOpenOption.APPEND);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot append to " + conf, e);
      }
      out.println("appended baton's status line to " + conf);
      out.println("reload tmux: tmux source-file " + conf);
      out.flush();
      return ExitCodes.OK;
    }

    /** {@code $HOME}, which tests and users set, else the JVM's idea of it. */
    private static Path home() {
      String home = System.getenv("HOME");
      return Path.of(home != null && !home.isBlank() ? home : System.getProperty("user.home"));
    }
  }
}
