package dev.baton.bench;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * What the agents of one fleet measured, per operation: latencies of the answered requests,
 * conflicts (an answer, not an error) and errors with a few samples. One per agent while it runs
 * (not thread-safe), merged with {@link #merge} afterwards.
 */
final class LoadTally {
  private static final int MAX_SAMPLES = 3;

  /**
   * A timed operation of the mix, with the plan's bar on its p99 when it has one.
   *
   * @param barMs NaN when the plan sets no bar
   * @param inclusive true when the bar is "≤", false when it is "<"
   */
  enum Op {
    REGISTER("registration: POST /v1/instances", 1000, false),
    SESSION_START("SessionStart hook", Double.NaN, false),
    MCP_OPEN("MCP initialize, initialized, tools/list", Double.NaN, false),
    LOCK("lock: PreToolUse hook (Edit)", 200, false),
    EDIT_DONE("PostToolUse hook (confirms the lease)", Double.NaN, false),
    TURN_HOOK("UserPromptSubmit / Stop hook", Double.NaN, false),
    MEMORY_WRITE("memory write: decision or progress", 30, true),
    MEMORY_SEARCH("memory search", Double.NaN, false),
    MESSAGE("message to another agent", Double.NaN, false),
    INBOX("inbox read (unread, mark read)", Double.NaN, false),
    HANDOFF("handoff: send until in recipient's inbox", 500, false),
    HANDOFF_ACCEPT("handoff accept (by the recipient)", Double.NaN, false),
    MCP_CALL("MCP tools/call through the gateway", Double.NaN, false);

    final String label;
    final double barMs;
    final boolean inclusive;

    Op(String label, double barMs, boolean inclusive) {
      this.label = label;
      this.barMs = barMs;
      this.inclusive = inclusive;
    }

    boolean hasBar() {
      return !Double.isNaN(barMs);
    }

    String bar() {
      return hasBar() ? (inclusive ? "≤ " : "< ") + Cells.ms(barMs) : "";
    }

    /** True when a p99 of {@code p99Ms} keeps the bar (always true without one). */
    boolean within(double p99Ms) {
      return !hasBar() || (inclusive ? p99Ms <= barMs : p99Ms < barMs);
    }
  }

  private final Map<Op, Latencies> latencies = new EnumMap<>(Op.class);
  private final Map<Op, long[]> conflicts = new EnumMap<>(Op.class);
  private final Map<Op, long[]> errors = new EnumMap<>(Op.class);
  private final Map<Op, List<String>> samples = new EnumMap<>(Op.class);
  private Latencies lag = new Latencies(64);

  LoadTally() {
    for (Op op : Op.values()) {
      latencies.put(op, new Latencies(64));
      conflicts.put(op, new long[1]);
      errors.put(op, new long[1]);
      samples.put(op, new ArrayList<>());
    }
  }

  /** An answered request, conflict answers included. */
  void ok(Op op, long nanos) {
    latencies.get(op).add(nanos);
  }

  /** An answered request that was a conflict: timed like any answer and counted apart. */
  void conflict(Op op, long nanos) {
    latencies.get(op).add(nanos);
    conflicts.get(op)[0]++;
  }

  /** A request that failed (non-2xx other than an expected conflict, a wrong answer, no answer). */
  void error(Op op, String what) {
    errors.get(op)[0]++;
    keep(samples.get(op), Cells.oneLine(what));
  }

  /** Keeps a few errors of each operation, one of each kind (the same text but for numbers). */
  private static void keep(List<String> kept, String sample) {
    String kind = sample.replaceAll("[0-9]+", "N");
    if (kept.size() < MAX_SAMPLES
        && kept.stream().noneMatch(k -> k.replaceAll("[0-9]+", "N").equals(kind))) {
      kept.add(sample);
    }
  }

  /** How late the harness woke an agent after its think time: the client's own scheduling lag. */
  void lag(long nanos) {
    lag.add(nanos);
  }

  Latencies.Summary summary(Op op) {
    return latencies.get(op).summary();
  }

  long conflicts(Op op) {
    return conflicts.get(op)[0];
  }

  long errors(Op op) {
    return errors.get(op)[0];
  }

  long errors() {
    return errors.values().stream().mapToLong(e -> e[0]).sum();
  }

  /** A few errors per operation, each named by the operation's label. */
  List<String> samples() {
    List<String> out = new ArrayList<>();
    samples.forEach((op, list) -> list.forEach(e -> out.add(op.label + ": " + e)));
    return out;
  }

  Latencies.Summary lag() {
    return lag.summary();
  }

  static LoadTally merge(List<LoadTally> parts) {
    LoadTally all = new LoadTally();
    for (Op op : Op.values()) {
      all.latencies.put(op, Latencies.merge(parts.stream().map(p -> p.latencies.get(op)).toList()));
      for (LoadTally p : parts) {
        all.conflicts.get(op)[0] += p.conflicts.get(op)[0];
        all.errors.get(op)[0] += p.errors.get(op)[0];
      }
    }
    for (LoadTally p : parts) {
      p.samples.forEach((op, list) -> list.forEach(e -> keep(all.samples.get(op), e)));
    }
    all.lag = Latencies.merge(parts.stream().map(p -> p.lag).toList());
    return all;
  }
}
