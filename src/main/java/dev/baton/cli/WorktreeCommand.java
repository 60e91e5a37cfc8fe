package dev.baton.cli;

import dev.baton.api.Json;
import dev.baton.api.RemovalJson;
import dev.baton.api.WorktreeJson;
import dev.baton.api.WorktreeListJson;
import dev.baton.api.client.BrokerClient;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
    name = "worktree",
    description = {
      "The instances' worktrees: list them, remove one, restore a removed one.",
      "A worktree is removed only when no live instance is on it, nothing in it is uncommitted or",
      "untracked, and every commit on its branch is in its base (merged, rebased, cherry-picked or",
      "squash-merged). --force removes it anyway; every removal first saves the worktree's full",
      "state under refs/baton/saved/<id>/<time>, which 'baton worktree restore' brings back."
    },
    mixinStandardHelpOptions = true,
    subcommands = {
      WorktreeCommand.ListWorktrees.class,
      WorktreeCommand.Remove.class,
      WorktreeCommand.Restore.class
    })
final class WorktreeCommand implements Runnable {
  private static final Duration GIT_TIMEOUT = Duration.ofMinutes(2);

  @Spec CommandSpec spec;

  @Override
  public void run() {
    throw new ParameterException(
        spec.commandLine(), "say what to do: baton worktree list|remove|restore");
  }

  @Command(
      name = "list",
      description = "Each worktree: branch, ahead/behind its base, dirty files, landed, why kept.",
      mixinStandardHelpOptions = true)
  static final class ListWorktrees implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin ClientOptions client;

    @Option(
        names = "--workspace",
        paramLabel = "DIR",
        description = "Any directory of the repository (default: every repository).")
    Path workspace;

    @Option(names = "--removed", description = "Also the removed ones (restorable).")
    boolean removed;

    @Option(names = "--json", description = "Print the broker's JSON answer.")
    boolean json;

    @Override
    public Integer call() {
      WorktreeListJson list;
      try (BrokerClient broker = client.client(GIT_TIMEOUT)) {
        list =
            broker.worktrees(
                workspace == null ? null : workspace.toAbsolutePath().normalize().toString(),
                removed);
      }
      PrintWriter out = spec.commandLine().getOut();
      if (json) {
        out.println(Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(list));
      } else if (list.worktrees().isEmpty()) {
        out.println("no worktrees (make one: eval \"$(baton new developer)\")");
      } else {
        out.print(table(list.worktrees()));
      }
      out.flush();
      return ExitCodes.OK;
    }
  }

  static String table(List<WorktreeJson> worktrees) {
    return Format.table(
        List.of("INSTANCE", "ROLE", "BRANCH", "BASE", "AHEAD/BEHIND", "DIRTY", "LANDED", "KEPT"),
        worktrees.stream()
            .map(
                w ->
                    List.of(
                        w.instance(),
                        w.role(),
                        w.branch(),
                        w.base(),
                        w.removedAt() == null ? "+" + w.ahead() + " -" + w.behind() : "-",
                        w.removedAt() == null
                            ? String.valueOf(w.uncommitted() + w.untracked())
                            : "-",
                        w.removedAt() != null ? "-" : w.landed() ? "yes" : "no",
                        w.removedAt() != null
                            ? "removed, saved as " + w.savedRef()
                            : w.kept().isEmpty() ? "(removable)" : String.join(", ", w.kept())))
            .toList());
  }

  @Command(
      name = "remove",
      description = {
        "Remove an instance's worktree and branch when nothing in it would be lost; else exit 3",
        "and say why. Its full state is saved first under refs/baton/saved/<id>/<time>."
      },
      mixinStandardHelpOptions = true)
  static final class Remove implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin ClientOptions client;

    @Parameters(paramLabel = "ID", description = "The instance whose worktree goes.")
    String instance;

    @Option(
        names = "--force",
        description =
            "Remove it although it holds work not in its base (uncommitted, untracked, commits); all of it is saved first.")
    boolean force;

    @Override
    public Integer call() {
      RemovalJson removal;
      try (BrokerClient broker = client.client(GIT_TIMEOUT)) {
        removal = broker.removeWorktree(instance, force);
      }
      PrintWriter out = spec.commandLine().getOut();
      out.println(
          "removed "
              + removal.path()
              + " and branch "
              + removal.branch()
              + (removal.forced() ? " although it held " + String.join(", ", removal.kept()) : ""));
      out.println(
          "saved as "
              + removal.savedRef()
              + "; 'baton worktree restore "
              + removal.instance()
              + "' brings it back");
      out.flush();
      return ExitCodes.OK;
    }
  }

  @Command(
      name = "restore",
      description = {
        "Make a removed worktree again from its newest saved state (or --ref), uncommitted",
        "changes and untracked files included, on its own branch."
      },
      mixinStandardHelpOptions = true)
  static final class Restore implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin ClientOptions client;

    @Parameters(paramLabel = "ID", description = "The instance whose worktree comes back.")
    String instance;

    @Option(
        names = "--ref",
        paramLabel = "REF",
        description = "A saved state, e.g. refs/baton/saved/<id>/<time> (default: the newest).")
    String ref;

    @Override
    public Integer call() {
      WorktreeJson w;
      try (BrokerClient broker = client.client(GIT_TIMEOUT)) {
        w = broker.restoreWorktree(instance, ref);
      }
      PrintWriter out = spec.commandLine().getOut();
      out.println(
          "restored "
              + w.path()
              + " on "
              + w.branch()
              + " ("
              + (w.uncommitted() + w.untracked())
              + " dirty files, +"
              + w.ahead()
              + " -"
              + w.behind()
              + " "
              + w.base()
              + ")");
      out.flush();
      return ExitCodes.OK;
    }
  }
}
