package dev.baton.cli;

import dev.baton.api.FleetSessionBody;
import dev.baton.core.BatonException;
import dev.baton.core.ErrorCode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The tmux server a fleet lives on: the default one, or {@code tmux -L SOCKET} when {@code
 * --tmux-socket} or {@code $BATON_TMUX_SOCKET} names one (tests use a server of their own).
 */
final class Tmux {
  /** What a program printed and how it ended. */
  record Result(int exit, String out, String err) {
    boolean ok() {
      return exit == 0;
    }
  }

  private final String socket;

  private Tmux(String socket) {
    this.socket = socket == null || socket.isBlank() ? null : socket;
  }

  /** The server named by the option, else by {@code $BATON_TMUX_SOCKET}, else tmux's default. */
  static Tmux of(String option) {
    return new Tmux(option != null ? option : System.getenv("BATON_TMUX_SOCKET"));
  }

  String socket() {
    return socket;
  }

  /** Whether tmux is installed (on PATH). */
  static boolean installed() {
    return onPath("tmux");
  }

  /** Whether {@code program} is an executable on PATH (or an executable path). */
  static boolean onPath(String program) {
    if (program.contains("/")) {
      return java.nio.file.Files.isExecutable(Path.of(program));
    }
    String path = System.getenv().getOrDefault("PATH", "");
    for (String dir : path.split(":")) {
      if (!dir.isEmpty() && java.nio.file.Files.isExecutable(Path.of(dir, program))) {
        return true;
      }
    }
    return false;
  }

  /** The command line {@code tmux [-L SOCKET] ARGS}. */
  List<String> command(List<String> args) {
    List<String> command = new ArrayList<>(List.of("tmux"));
    if (socket != null) {
      command.addAll(List.of("-L", socket));
    }
    command.addAll(args);
    return command;
  }

  /** Runs tmux and returns its trimmed output, or fails with what tmux said. */
  String run(String... args) {
    Result r = exec(command(List.of(args)), null);
    if (!r.ok()) {
      throw new BatonException(
          ErrorCode.INTERNAL,
          "tmux " + String.join(" ", args) + " failed (exit " + r.exit() + "): " + r.err().strip());
    }
    return r.out().strip();
  }

  /** Runs tmux and says whether it succeeded. */
  /** The fleet's session as the broker knows it: this tmux server's socket path and the name. */
  FleetSessionBody fleetSession(String session) {
    return new FleetSessionBody(
        run("display-message", "-p", "-t", "=" + session + ":", "#{socket_path}"), session);
  }

  boolean ok(String... args) {
    return exec(command(List.of(args)), null).ok();
  }

  /** Runs a program to its end, in {@code dir} (or here), without input. */
  static Result exec(List<String> command, Path dir) {
    ProcessBuilder pb = new ProcessBuilder(command);
    if (dir != null) {
      pb.directory(dir.toFile());
    }
    pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
    try {
      Process p = pb.start();
      var err = java.util.concurrent.CompletableFuture.supplyAsync(() -> read(p.getErrorStream()));
      String out = read(p.getInputStream());
      int exit = p.waitFor();
      return new Result(exit, out, err.join());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot run " + String.join(" ", command), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new BatonException(ErrorCode.INTERNAL, "interrupted running " + command.get(0));
    }
  }

  private static String read(java.io.InputStream in) {
    try (in) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
