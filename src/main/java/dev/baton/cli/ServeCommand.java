package dev.baton.cli;

import ch.qos.logback.classic.Level;
import dev.baton.config.ConfigLoader;
import dev.baton.config.ConfigPrinter;
import dev.baton.core.Version;
import dev.baton.server.Broker;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
    name = "serve",
    description = {
      "Run the broker in the foreground until SIGTERM or Ctrl-C.",
      "Without a config file it uses SQLite in the data directory and listens on the Unix socket and on 127.0.0.1:8090."
    },
    mixinStandardHelpOptions = true)
final class ServeCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = "--config",
      paramLabel = "FILE",
      description = "Configuration file (default: $BATON_CONFIG or ~/.config/baton/baton.yaml).")
  Path config;

  @Option(
      names = "--store",
      paramLabel = "URL",
      description = "sqlite, sqlite:/path/baton.db or postgresql://user:password@host:5432/db.")
  String store;

  @Option(names = "--socket", paramLabel = "PATH", description = "Unix socket path.")
  Path socket;

  @Option(
      names = "--tcp",
      paramLabel = "HOST:PORT",
      description = "Loopback TCP address, or 'off' (default 127.0.0.1:8090).")
  String tcp;

  @Option(
      names = "--data-dir",
      paramLabel = "DIR",
      description = "Where the SQLite file, the token and the lock live.")
  Path dataDir;

  @Option(
      names = "--print-config",
      description =
          "Print the effective configuration as YAML, saying where each value came from, and exit.")
  boolean printConfig;

  @Override
  public Integer call() {
    ConfigLoader.Loaded loaded =
        ConfigLoader.forThisProcess()
            .load(
                new ConfigLoader.Overrides(
                    config,
                    store,
                    socket == null ? null : socket.toString(),
                    tcp,
                    dataDir == null ? null : dataDir.toAbsolutePath()));
    PrintWriter out = spec.commandLine().getOut();
    if (printConfig) {
      out.print(ConfigPrinter.toYaml(loaded));
      out.flush();
      return ExitCodes.OK;
    }
    ((ch.qos.logback.classic.Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME))
        .setLevel(Level.toLevel(loaded.config().logLevel(), Level.INFO));
    Logger log = LoggerFactory.getLogger(ServeCommand.class);
    loaded.warnings().forEach(w -> log.warn("configuration: {}", w));
    loaded.config().file().ifPresent(f -> log.info("configuration from {}", f));

    Broker broker = Broker.start(loaded.config(), Clock.systemUTC());
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  broker.close();
                  stopped.countDown();
                },
                "baton-shutdown"));
    out.println(
        "baton "
            + Version.current()
            + " ready: unix:"
            + broker.socket()
            + broker.tcpAddress().map(a -> " http://" + a).orElse("")
            + " store "
            + loaded.config().store().describe());
    out.flush();
    try {
      stopped.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return ExitCodes.OK;
  }
}
