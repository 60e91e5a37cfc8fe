package dev.baton.cli;

import dev.baton.config.BatonConfig;
import dev.baton.config.ConfigLoader;
import dev.baton.core.BatonException;
import dev.baton.core.ErrorCode;
import dev.baton.integrations.SystemdUnit;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

@Command(
    name = "service",
    description = {
      "Keep the broker running as a systemd user service, restarted when it fails.",
      "The unit: $XDG_CONFIG_HOME/systemd/user/baton.service (or in ~/.config/)."
    },
    mixinStandardHelpOptions = true,
    subcommands = {ServiceCommand.Install.class, ServiceCommand.Uninstall.class})
final class ServiceCommand implements Runnable {
  /** Variables the broker reads that a systemd service does not inherit from this shell. */
  private static final List<String> NOT_CARRIED =
      List.of(
          "BATON_STORE",
          "BATON_TCP",
          "BATON_LOG_LEVEL",
          "STORE_POOL",
          "STDIO_POOL",
          "HTTP_POOL",
          "WS_POOL",
          "BATON_JAVA_OPTS");

  @Spec CommandSpec spec;

  @Override
  public void run() {
    throw new ParameterException(
        spec.commandLine(), "a subcommand is required: install or uninstall");
  }

  static Path unitFile() {
    return SystemdUnit.directory(ConfigLoader.forThisProcess().configHome())
        .resolve(SystemdUnit.NAME);
  }

  @Command(
      name = "install",
      description = {
        "Write the systemd user unit that runs 'baton serve' and restarts it when it",
        "fails. It names the socket, data directory and configuration file as the",
        "broker resolves them here, and this JVM and jar by absolute path, so it needs",
        "nothing from your shell. Prints the systemctl and loginctl commands that",
        "start it. An existing unit that differs is kept unless --force."
      },
      mixinStandardHelpOptions = true)
  static final class Install implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin BrokerPaths paths;

    @Option(names = "--force", description = "Replace an existing unit that differs.")
    boolean force;

    @Option(names = "--print", description = "Print the unit instead of writing it.")
    boolean print;

    @Override
    public Integer call() {
      BatonConfig config = paths.load().config();
      String text =
          SystemdUnit.render(
              serveCommand(config), config.server().shutdownTimeout().plus(Duration.ofSeconds(10)));
      PrintWriter out = spec.commandLine().getOut();
      if (print) {
        out.print(text);
        out.flush();
        return ExitCodes.OK;
      }
      Path file = unitFile();
      SystemdUnit.Outcome outcome = SystemdUnit.install(file, text, force);
      out.println(
          switch (outcome) {
            case WRITTEN -> "wrote " + file;
            case UNCHANGED -> file + " is already this unit; left it as it was";
            case REPLACED -> "replaced " + file;
          });
      out.println(
          "It runs 'baton serve' on unix:"
              + config.server().socket()
              + " with its data in "
              + config.dataDir()
              + config.file().map(f -> " and the configuration " + f).orElse("")
              + ".");
      out.println("Start it now and at every login:");
      out.println("  systemctl --user daemon-reload && systemctl --user enable --now baton");
      if (outcome == SystemdUnit.Outcome.REPLACED) {
        out.println("  systemctl --user restart baton    # if it was running: use the new unit");
      }
      out.println("Keep it running while you are logged out, and start it at boot:");
      out.println("  loginctl enable-linger " + System.getProperty("user.name"));
      out.println("Its log: journalctl --user -u baton -f");
      out.flush();
      warnAboutShellSettings();
      return ExitCodes.OK;
    }

    private void warnAboutShellSettings() {
      Map<String, String> env = System.getenv();
      List<String> set = NOT_CARRIED.stream().filter(env::containsKey).toList();
      if (!set.isEmpty()) {
        PrintWriter err = spec.commandLine().getErr();
        err.println(
            "baton: note: the service does not see "
                + String.join(", ", set)
                + " from this shell; put the settings into the configuration file, or add"
                + " Environment= lines with 'systemctl --user edit baton'");
        err.flush();
      }
    }
  }

  @Command(
      name = "uninstall",
      description = {
        "Remove the unit 'baton service install' wrote, and the link that enabled it.",
        "Prints the systemctl commands that stop the broker it started."
      },
      mixinStandardHelpOptions = true)
  static final class Uninstall implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--force", description = "Remove the unit even if baton did not write it.")
    boolean force;

    @Override
    public Integer call() {
      Path file = unitFile();
      SystemdUnit.Removed removed = SystemdUnit.uninstall(file, force);
      PrintWriter out = spec.commandLine().getOut();
      if (removed == null) {
        out.println("no unit at " + file + "; nothing to remove");
      } else {
        out.println(
            "removed "
                + removed.unit()
                + (removed.enabledLink() == null ? "" : " and " + removed.enabledLink()));
        out.println("Stop the broker it started and let systemd forget the unit:");
        out.println("  systemctl --user stop baton; systemctl --user daemon-reload");
      }
      out.flush();
      return ExitCodes.OK;
    }
  }

  /**
   * {@code java -jar baton.jar serve ...} by absolute paths: this JVM and the jar this code was
   * loaded from (the launcher runs {@code target/baton.jar}, which a rebuild replaces in place).
   */
  static List<String> serveCommand(BatonConfig config) {
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    Path jar;
    try {
      jar =
          Path.of(ServiceCommand.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    } catch (java.net.URISyntaxException e) {
      throw new IllegalStateException("cannot tell where baton's jar is: " + e.getMessage(), e);
    }
    if (!Files.isRegularFile(jar) || !jar.getFileName().toString().endsWith(".jar")) {
      throw new BatonException(
          ErrorCode.INVALID_REQUEST,
          "a service needs baton's jar, and this baton runs from "
              + jar
              + "; run 'baton service install' through the ./baton launcher or java -jar baton.jar");
    }
    List<String> command = new ArrayList<>();
    command.addAll(List.of(java.toString(), "-XX:+ExitOnOutOfMemoryError", "-jar"));
    command.addAll(List.of(jar.toAbsolutePath().toString(), "serve"));
    command.addAll(List.of("--socket", config.server().socket().toString()));
    command.addAll(List.of("--data-dir", config.dataDir().toString()));
    config.file().ifPresent(f -> command.addAll(List.of("--config", f.toString())));
    return command;
  }
}
