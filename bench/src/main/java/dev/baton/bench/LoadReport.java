package dev.baton.bench;

import dev.baton.bench.FleetLoad.FleetResult;
import dev.baton.bench.FleetLoad.StoreResult;
import dev.baton.bench.LoadTally.Op;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/** The load test's markdown: per store, latencies, counts, the machine, and the verdict. */
final class LoadReport {
  /** Agents woken this late (p99) mean the harness, not the broker, set the pace. */
  private static final double LAG_WARNING_MS = 50;

  /** The whole machine this busy (percent of all cores) leaves the figures to the machine. */
  private static final double SATURATED_PERCENT = 90;

  private final LoadOptions options;
  private final Map<String, String> machine;
  private final List<StoreResult> stores;
  private final double minutes;
  private final StringBuilder out = new StringBuilder();

  LoadReport(
      LoadOptions options, Map<String, String> machine, List<StoreResult> stores, double minutes) {
    this.options = options;
    this.machine = machine;
    this.stores = stores;
    this.minutes = minutes;
  }

  String markdown() {
    line("# baton load test: fleets of simulated agents");
    line("");
    machine.forEach((k, v) -> line("- " + k + ": " + v));
    line(
        "- command: `bench/run-load"
            + options.arguments().stream().map(a -> " " + a).collect(Collectors.joining())
            + "`");
    line(
        String.format(
            Locale.ROOT,
            "- per fleet: fresh broker(s) and store, %s, then %d s of work after a %d s ramp;"
                + " think time %d ms on average (uniform 0.5–1.5×); leases.idle-ttl %s; whole"
                + " run %.1f min",
            options.warmupSeconds() == 0
                ? "no warm-up"
                : "an uncounted warm-up fleet of up to 10 agents for "
                    + options.warmupSeconds()
                    + " s",
            options.seconds(),
            options.rampSeconds(),
            options.thinkMs(),
            FleetLoad.IDLE_TTL,
            minutes));
    line("");
    line(
        "Each agent: registers, SessionStart hook, MCP initialize and tools/list; then turns (UserPromptSubmit"
            + " hook, accept handoffs received, 3–8 steps each after a think time, Stop hook) until"
            + " the end. Steps by weight: edit 45 (PreToolUse hook, PostToolUse when granted; a"
            + " quarter of edits on files all agents share), MCP tools/call of `"
            + FleetLoad.TOOL
            + "` through the gateway 15, memory write 12, memory search 10, message 8, inbox read"
            + " 6, handoff 4. Client-side ms over the agent's kept-alive Unix socket connection;"
            + " a denied edit is a conflict (an answer, timed), any other failure an error. The"
            + " downstream server is server-everything over stdio in the gateway's shared pool"
            + " (gateway.stdio-pool: the default). A p99 of fewer than 100 samples is the largest"
            + " sample: the second table gives the counts.");
    for (StoreResult s : stores) {
      store(s);
    }
    return out.toString();
  }

  private void store(StoreResult s) {
    line("");
    line("## " + s.label());
    line("");
    if (s.skipped() != null) {
      line(s.skipped());
      return;
    }
    line(s.describe());
    line("");
    line("p50 / p99 ms:");
    line("");
    header("operation | plan's bar (p99, ms)", s.fleets());
    for (Op op : Op.values()) {
      StringBuilder row = new StringBuilder("| " + op.label + " | " + op.bar() + " |");
      for (FleetResult f : s.fleets()) {
        Latencies.Summary l = f.tally().summary(op);
        String cell = Cells.pair(l.p50(), l.p99());
        if (op.hasBar() && l.count() > 0 && !op.within(l.p99())) {
          cell = "**" + cell + "**";
        }
        row.append(' ').append(cell).append(" |");
      }
      line(row.toString());
    }
    line("");
    line("Answered requests (conflicts among them) and errors:");
    line("");
    header("operation", s.fleets());
    for (Op op : Op.values()) {
      StringBuilder row = new StringBuilder("| " + op.label + " |");
      for (FleetResult f : s.fleets()) {
        LoadTally t = f.tally();
        long c = t.conflicts(op);
        row.append(' ')
            .append(t.summary(op).count())
            .append(c > 0 ? " (" + c + " conflicts)" : "")
            .append(", ")
            .append(t.errors(op))
            .append(t.errors(op) == 1 ? " error" : " errors")
            .append(" |");
      }
      line(row.toString());
    }
    machine(s);
    verdict(s);
  }

  private void machine(StoreResult s) {
    line("");
    line(
        "The machine meanwhile (CPU in % of one core; the harness is the JVM that runs the agents;"
            + " \"woken late\" is how much later than planned an agent's thread woke after its"
            + " think time, the harness's own scheduling lag):");
    line("");
    line(
        "| agents | harness CPU | broker(s) CPU | PostgreSQL CPU | whole machine busy |"
            + " woken late p99 / max ms | load average at the end |");
    line("|---:|---:|---:|---:|---:|---:|---|");
    for (FleetResult f : s.fleets()) {
      FleetHealth h = f.health();
      line(
          String.format(
              Locale.ROOT,
              "| %d | %s | %s | %s | %s of %d | %s | %s |",
              f.agents(),
              Cells.percent(h.harnessCpu()),
              Cells.percent(h.brokerCpu()),
              h.storeCpu() == 0 ? "–" : Cells.percent(h.storeCpu()),
              Cells.percent(h.machineCpu()),
              h.cores() * 100,
              Cells.pair(f.tally().lag().p99(), f.tally().lag().max()),
              h.loadAverage()));
    }
  }

  private void verdict(StoreResult s) {
    line("");
    Integer largest = null;
    String firstFailure = null;
    for (FleetResult f : s.fleets()) {
      List<String> failed = failures(f);
      if (failed.isEmpty()) {
        if (largest == null || f.agents() > largest) {
          largest = f.agents();
        }
      } else if (firstFailure == null) {
        firstFailure = f.agents() + " agents: " + String.join("; ", failed);
      }
    }
    line(
        "**Largest fleet within the plan's bars (lock < 200 ms, handoff < 500 ms, registration"
            + " < 1 s, memory write ≤ 30 ms at p99, no errors): "
            + (largest == null ? "none of the fleets measured" : largest + " agents")
            + ".**"
            + (firstFailure == null ? "" : " First failure at " + firstFailure + "."));
    for (FleetResult f : s.fleets()) {
      harness(f).ifPresent(w -> line("\n" + w));
      if (!f.tally().samples().isEmpty()) {
        line("");
        line("Errors at " + f.agents() + " agents (samples):");
        f.tally().samples().forEach(e -> line("- " + e));
      }
    }
  }

  /** What keeps a fleet from meeting the bars; empty when it meets them. */
  static List<String> failures(FleetResult f) {
    List<String> failed = new ArrayList<>();
    for (Op op : Op.values()) {
      if (!op.hasBar()) {
        continue;
      }
      Latencies.Summary l = f.tally().summary(op);
      if (l.count() == 0) {
        failed.add(op.label + ": not measured (no answered request)");
      } else if (!op.within(l.p99())) {
        failed.add(op.label + " p99 " + Cells.ms(l.p99()) + " ms, bar " + op.bar() + " ms");
      }
    }
    if (f.tally().errors() > 0) {
      failed.add(f.tally().errors() + " failed requests");
    }
    return failed;
  }

  /** A warning when the client side, not the broker, may have set the figures. */
  private static java.util.Optional<String> harness(FleetResult f) {
    FleetHealth h = f.health();
    double lag = f.tally().lag().p99();
    boolean late = lag > LAG_WARNING_MS;
    boolean saturated = h.machineCpu() > SATURATED_PERCENT * h.cores();
    if (!late && !saturated) {
      return java.util.Optional.empty();
    }
    return java.util.Optional.of(
        String.format(
            Locale.ROOT,
            "Warning, %d agents: %s%s; the figures include client-side delay and are an upper"
                + " bound of the broker's own.",
            f.agents(),
            late ? "the harness woke agents late (p99 " + Cells.ms(lag) + " ms)" : "",
            saturated
                ? (late ? " and " : "")
                    + "the whole machine was busy ("
                    + Cells.percent(h.machineCpu())
                    + " % of "
                    + h.cores() * 100
                    + " %, harness "
                    + Cells.percent(h.harnessCpu())
                    + " %)"
                : ""));
  }

  private void header(String first, List<FleetResult> fleets) {
    StringBuilder h = new StringBuilder("| " + first + " |");
    StringBuilder rule = new StringBuilder("|---|" + (first.contains("|") ? "---|" : ""));
    for (FleetResult f : fleets) {
      h.append(' ').append(f.agents()).append(" agents |");
      rule.append("---:|");
    }
    line(h.toString());
    line(rule.toString());
  }

  private void line(String s) {
    out.append(s).append('\n');
  }
}
