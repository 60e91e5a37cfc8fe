package dev.baton.cli;

import dev.baton.api.HealthJson;
import dev.baton.api.InstanceJson;
import dev.baton.api.InstanceListJson;
import dev.baton.api.Json;
import dev.baton.api.StatusLineFormat;
import dev.baton.api.WorktreeJson;
import dev.baton.api.client.BrokerClient;
import dev.baton.api.client.BrokerUnreachableException;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
    name = "status",
    description = "Show the broker and every instance at a glance.",
    mixinStandardHelpOptions = true)
final class StatusCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin ClientOptions client;

  @ArgGroup(exclusive = true)
  Mode mode = new Mode();

  static final class Mode {
    @Option(names = "--json", description = "Health and instances as JSON.")
    boolean json;

    @Option(
        names = "--tmux",
        description =
            "The tmux status line the broker keeps (instances, their states, leased files,"
                + " lands, urgent messages); '"
                + StatusLineFormat.DOWN
                + "' and exit 4 when no broker answers.")
    boolean tmux;
  }

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    HealthJson health;
    InstanceListJson instances;
    List<WorktreeJson> worktrees = List.of();
    try (BrokerClient broker = client.client()) {
      if (mode.tmux) {
        out.println(broker.statusLine()); // the broker keeps it current; one small request
        out.flush();
        return ExitCodes.OK;
      }
      health = broker.health();
      instances = broker.instances(null, null);
      worktrees = broker.worktrees(null, false).worktrees();
    } catch (BrokerUnreachableException e) {
      if (mode.tmux) {
        out.println(StatusLineFormat.DOWN);
        out.flush();
        return ExitCodes.UNREACHABLE;
      }
      throw e;
    }
    if (mode.json) {
      Map<String, Object> both = new LinkedHashMap<>();
      both.put("health", health);
      both.put("instances", instances.instances());
      both.put("worktrees", worktreeCounts(worktrees));
      out.println(Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(both));
    } else {
      out.print(human(health, instances.instances(), Instant.now()));
      out.print(worktreeLine(worktrees));
    }
    out.flush();
    return ExitCodes.OK;
  }

  /** How many worktrees there are, how many are kept (with work not in their base) and why. */
  static Map<String, Object> worktreeCounts(List<WorktreeJson> worktrees) {
    Map<String, Object> counts = new LinkedHashMap<>();
    long kept = worktrees.stream().filter(w -> !w.kept().isEmpty()).count();
    counts.put("total", worktrees.size());
    counts.put("live", worktrees.stream().filter(WorktreeJson::live).count());
    counts.put("kept", kept);
    counts.put("removable", worktrees.size() - kept);
    counts.put("notLanded", worktrees.stream().filter(w -> !w.landed()).count());
    return counts;
  }

  static String worktreeLine(List<WorktreeJson> worktrees) {
    if (worktrees.isEmpty()) {
      return "";
    }
    Map<String, Object> c = worktreeCounts(worktrees);
    return "  "
        + c.get("total")
        + (worktrees.size() == 1 ? " worktree" : " worktrees")
        + " ("
        + c.get("live")
        + " in use, "
        + c.get("notLanded")
        + " with work not landed, "
        + c.get("removable")
        + " removable): baton worktree list\n";
  }

  static String human(HealthJson h, List<InstanceJson> instances, Instant now) {
    StringBuilder out = new StringBuilder();
    out.append("baton ")
        .append(h.version())
        .append(" running (pid ")
        .append(h.pid())
        .append(", up ")
        .append(Format.duration(java.time.Duration.ofSeconds(h.uptimeSeconds())))
        .append(")\n");
    out.append("  store:     ").append(h.storeLocation()).append('\n');
    out.append("  listening: unix:")
        .append(h.socket())
        .append(h.tcp() == null ? "" : ", http://" + h.tcp())
        .append('\n');
    int n = instances.size();
    out.append("  ")
        .append(n)
        .append(n == 1 ? " instance" : " instances")
        .append(n == 0 ? " (register one: baton register --role developer)" : "")
        .append('\n');
    Map<String, List<InstanceJson>> byWorkspace =
        instances.stream()
            .collect(
                Collectors.groupingBy(InstanceJson::workspace, TreeMap::new, Collectors.toList()));
    byWorkspace.forEach(
        (workspace, list) -> {
          out.append("  ").append(workspace).append('\n');
          List<List<String>> rows =
              list.stream()
                  .map(
                      i ->
                          List.of(
                              Format.roleTag(i.role()),
                              i.id(),
                              i.branch() == null ? "(detached)" : "on " + i.branch(),
                              "seen " + Format.ago(i.lastHeartbeat(), now)))
                  .toList();
          Format.rows(rows).lines().forEach(line -> out.append("    ").append(line).append('\n'));
        });
    return out.toString();
  }
}
