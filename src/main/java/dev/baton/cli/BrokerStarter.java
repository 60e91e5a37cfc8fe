package dev.baton.cli;

import dev.baton.api.client.BrokerClient;
import dev.baton.core.BatonException;
import dev.baton.core.ErrorCode;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Starts a broker in the background when none answers, its log in the data directory. */
final class BrokerStarter {
  static final Duration READY_TIMEOUT = Duration.ofSeconds(60);

  private BrokerStarter() {}

  static boolean answers(ClientOptions client) {
    try (BrokerClient broker = client.client(Duration.ofSeconds(3))) {
      broker.health();
      return true;
    } catch (BatonException e) {
      return false;
    }
  }

  /** Makes sure a broker answers: starts one detached and waits for it. */
  static void ensure(ClientOptions client, PrintWriter err) {
    if (answers(client)) {
      return;
    }
    Path dataDir = client.config().dataDir();
    Path log = dataDir.resolve("broker.log");
    List<String> command = new ArrayList<>();
    if (Tmux.onPath("setsid")) {
      command.add("setsid");
    }
    String launcher = System.getenv("BATON_LAUNCHER");
    if (launcher != null && Files.isExecutable(Path.of(launcher))) {
      command.add(launcher);
    } else {
      command.addAll(List.of(javaBin(), "-jar", ownJar()));
    }
    command.add("serve");
    if (client.socket != null) {
      command.addAll(List.of("--socket", client.socket.toAbsolutePath().toString()));
    }
    if (client.config != null) {
      command.addAll(List.of("--config", client.config.toAbsolutePath().toString()));
    }
    Process process;
    try {
      Files.createDirectories(dataDir);
      process =
          new ProcessBuilder(command)
              .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
              .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
              .redirectErrorStream(true)
              .start();
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot start the broker (" + String.join(" ", command) + ")", e);
    }
    err.println("baton: no broker answered; started one in the background (log: " + log + ")");
    err.flush();
    Instant deadline = Instant.now().plus(READY_TIMEOUT);
    while (Instant.now().isBefore(deadline)) {
      if (answers(client)) {
        return;
      }
      if (!process.isAlive() && process.exitValue() != 0) {
        break;
      }
      pause();
    }
    String why =
        process.isAlive()
            ? "did not answer within " + READY_TIMEOUT.toSeconds() + " s"
            : "exited (exit " + process.exitValue() + ")";
    throw new BatonException(
        ErrorCode.BROKER_UNREACHABLE,
        "the broker started by baton up "
            + why
            + "; see its log "
            + log
            + lastLine(log)
            + ", or start it by hand with 'baton serve'");
  }

  private static String lastLine(Path log) {
    try {
      List<String> lines = Files.readAllLines(log);
      return lines.isEmpty() ? "" : " (it ends: " + lines.get(lines.size() - 1).strip() + ")";
    } catch (IOException e) {
      return "";
    }
  }

  private static void pause() {
    try {
      Thread.sleep(200);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new BatonException(ErrorCode.INTERNAL, "interrupted waiting for the broker");
    }
  }

  private static String javaBin() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  private static String ownJar() {
    try {
      return Path.of(Main.class.getProtectionDomain().getCodeSource().getLocation().toURI())
          .toString();
    } catch (java.net.URISyntaxException e) {
      throw new IllegalStateException("cannot locate baton's jar", e);
    }
  }
}
