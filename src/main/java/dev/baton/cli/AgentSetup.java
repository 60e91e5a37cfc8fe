package dev.baton.cli;

import dev.baton.core.BatonException;
import dev.baton.core.ErrorCode;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;

/**
 * Runs {@code baton setup claude|codex|gemini} for a new worktree, so that hooks and the MCP server
 * are there when the agent starts, and keeps the files it writes out of git's view (in the
 * repository's {@code info/exclude}), so that they alone never keep the worktree from being
 * removed.
 */
final class AgentSetup {
  /** The agents baton can set up, and the files in the worktree their setup writes. */
  static final Map<String, List<String>> FILES =
      Map.of(
          "claude", List.of(".claude/settings.local.json", ".mcp.json"),
          "codex", List.of(".codex/hooks.json", ".codex/config.toml"),
          "gemini", List.of(".gemini/settings.json"),
          "none", List.of());

  private AgentSetup() {}

  /** Checks the {@code --agent} value before anything is registered. */
  static String agent(CommandLine.Model.CommandSpec spec, String agent) {
    String a = agent == null ? "claude" : agent.strip().toLowerCase(java.util.Locale.ROOT);
    if (!FILES.containsKey(a)) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "unknown agent '" + agent + "'; use claude, codex, gemini or none");
    }
    return a;
  }

  /** Sets the agent up in the worktree, writing what setup says to {@code out}. */
  static void run(ClientOptions client, String agent, Path worktree, String role, PrintWriter out) {
    Object command =
        switch (agent) {
          case "claude" -> new SetupCommand.Claude();
          case "codex" -> new SetupCodex();
          case "gemini" -> new SetupGemini();
          default -> null;
        };
    if (command == null) {
      return;
    }
    List<String> args = new ArrayList<>(List.of(worktree.toString(), "--role", role));
    if (client.socket != null) {
      args.addAll(List.of("--socket", client.socket.toString()));
    }
    if (client.config != null) {
      args.addAll(List.of("--config", client.config.toString()));
    }
    CommandLine setup = new CommandLine(command);
    setup.setOut(out);
    setup.setErr(out);
    setup.setExecutionExceptionHandler(
        (e, c, p) -> {
          throw e;
        });
    int exit = setup.execute(args.toArray(String[]::new));
    if (exit != ExitCodes.OK) {
      throw new BatonException(
          ErrorCode.INTERNAL,
          "baton setup "
              + agent
              + " "
              + worktree
              + " failed (exit "
              + exit
              + "); run it again by hand to see why");
    }
    exclude(worktree, FILES.get(agent));
  }

  /** Adds the files that git would show as untracked to the repository's info/exclude. */
  static void exclude(Path worktree, List<String> files) {
    List<String> command =
        new ArrayList<>(
            List.of("status", "--porcelain", "--untracked-files=all", "--ignored=no", "--"));
    command.addAll(files);
    List<String> untracked =
        git(worktree, command).stream()
            .filter(l -> l.startsWith("?? "))
            .map(l -> "/" + l.substring(3))
            .toList();
    if (untracked.isEmpty()) {
      return;
    }
    Path common =
        worktree.resolve(
            git(worktree, List.of("rev-parse", "--path-format=absolute", "--git-common-dir"))
                .get(0));
    Path exclude = common.resolve("info").resolve("exclude");
    try {
      Files.createDirectories(exclude.getParent());
      List<String> have = Files.exists(exclude) ? Files.readAllLines(exclude) : List.of();
      StringBuilder add = new StringBuilder();
      if (!have.contains("# baton: files that baton setup writes into worktrees")) {
        add.append("# baton: files that baton setup writes into worktrees\n");
      }
      for (String line : untracked) {
        if (!have.contains(line)) {
          add.append(line).append('\n');
        }
      }
      Files.writeString(
          exclude, add.toString(), StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new BatonException(
          ErrorCode.INTERNAL, "cannot add to " + exclude + ": " + e.getMessage(), e);
    }
  }

  private static List<String> git(Path dir, List<String> args) {
    List<String> command = new ArrayList<>(List.of("git", "-C", dir.toString()));
    command.addAll(args);
    try {
      Process p =
          new ProcessBuilder(command)
              .redirectError(ProcessBuilder.Redirect.DISCARD)
              .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
              .start();
      String out;
      try (InputStream in = p.getInputStream()) {
        out = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      }
      if (p.waitFor() != 0) {
        throw new BatonException(
            ErrorCode.GIT_FAILED,
            String.join(" ", command) + " failed (exit " + p.exitValue() + ")");
      }
      return out.lines().filter(l -> !l.isBlank()).toList();
    } catch (IOException e) {
      throw new BatonException(ErrorCode.GIT_FAILED, "cannot run git: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new BatonException(ErrorCode.GIT_FAILED, "interrupted while running git", e);
    }
  }
}
