package dev.baton.api;

import dev.baton.core.InvalidInputException;
import dev.baton.leases.Holder;
import dev.baton.leases.Lease;
import dev.baton.leases.LeaseConflictException;
import dev.baton.leases.LeaseMode;
import dev.baton.leases.LeaseService;
import dev.baton.leases.PathPattern;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code POST /v1/guard/pre-commit?workspace=DIR&instance=ID}: the git pre-commit guard's question.
 * The body lists the staged paths (both sides of renames), one per line, relative to the worktree's
 * top. A path covered by another instance's exclusive lease refuses the commit (409 {@code
 * lease_conflict}, naming the holders); {@code ?format=text} answers plain text for the hook
 * script.
 */
public final class GuardRoutes {
  private static final int MAX_PATHS = 100_000;

  private final LeaseService leases;
  private final Clock clock;

  public GuardRoutes(LeaseService leases, Clock clock) {
    this.leases = leases;
    this.clock = clock;
  }

  public Router addTo(Router router) {
    return router.add("POST", "/v1/guard/pre-commit", this::preCommit);
  }

  private Reply preCommit(Exchange ex) {
    String workspace = ex.query("workspace");
    if (workspace == null || workspace.isBlank() || !Path.of(workspace).isAbsolute()) {
      throw new InvalidInputException(
          "parameter 'workspace' must be the absolute top of the worktree being committed",
          Map.of("field", "workspace"));
    }
    String instance = ex.query("instance");
    boolean text = "text".equals(ex.query("format"));
    List<Holder> holders = new ArrayList<>();
    Set<String> seen = new LinkedHashSet<>();
    List<Lease> exclusive =
        leases.list(workspace, null).stream()
            .filter(l -> l.mode() == LeaseMode.EXCLUSIVE)
            .filter(l -> instance == null || instance.isBlank() || !l.instance().equals(instance))
            .toList();
    for (String path : paths(ex)) {
      PathPattern staged = PathPattern.literal(path);
      for (Lease l : exclusive) {
        if (l.pattern().overlaps(staged) && seen.add(l.id() + " " + staged.text())) {
          holders.add(Holder.of(l, staged.text(), clock.instant()));
        }
      }
    }
    if (holders.isEmpty()) {
      return text ? Reply.text(200, "ok\n") : Reply.ok(Map.of("ok", true));
    }
    if (!text) {
      throw new LeaseConflictException(
          String.join(", ", holders.stream().map(Holder::requested).distinct().toList()),
          0,
          holders,
          List.of());
    }
    StringBuilder out =
        new StringBuilder("baton: commit refused; files in it are leased to other agents:\n");
    for (Holder h : holders) {
      out.append("  ").append(h.describe()).append('\n');
    }
    out.append(
        "Wait for them, ask them to release, or commit anyway with BATON_GUARD=off git commit ... (or git commit --no-verify).\n");
    return Reply.text(409, out.toString());
  }

  private static List<String> paths(Exchange ex) {
    List<String> paths = new ArrayList<>();
    for (String line : ex.bodyText().split("\n")) {
      String p = line.endsWith("\r") ? line.substring(0, line.length() - 1) : line;
      if (!p.isEmpty()) {
        paths.add(p);
      }
      if (paths.size() > MAX_PATHS) {
        throw new InvalidInputException("more than " + MAX_PATHS + " staged paths", Map.of());
      }
    }
    return paths;
  }
}
