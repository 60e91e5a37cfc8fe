package dev.baton.bench;

import static dev.baton.bench.Cells.ms;
import static dev.baton.bench.Cells.pair;
import static dev.baton.bench.Cells.triple;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The markdown report: machine, settings, and one table per benchmark with backends side by side.
 */
final class Report {
  private static final double BAR_MS = 30;
  private static final double LEASE_BAR_MS = 200;
  private static final double LEASE_GOAL_MS = 2;
  private static final int LEASE_GOAL_INSTANCES = 50;
  private static final double HOOK_GOAL_MS = 15;
  private static final double NOISE_PERCENT = 10;

  private final BenchOptions options;
  private final Map<String, String> machine;
  private final List<Bench.BackendRun> runs;
  private final List<String> skipped;
  private final double minutes;
  private final StringBuilder out = new StringBuilder();

  Report(
      BenchOptions options,
      Map<String, String> machine,
      List<Bench.BackendRun> runs,
      List<String> skipped,
      double minutes) {
    this.options = options;
    this.machine = machine;
    this.runs = runs;
    this.skipped = skipped;
    this.minutes = minutes;
  }

  String markdown() {
    line("# baton benchmark report");
    line("");
    machine.forEach((k, v) -> line("- " + k + ": " + v));
    for (Bench.BackendRun r : runs) {
      line("- " + r.backend().label() + " store: " + r.backend().describe());
    }
    line(
        "- command: `bench/run"
            + options.arguments().stream().map(a -> " " + a).collect(Collectors.joining())
            + "`");
    line(
        String.format(
            Locale.ROOT,
            "- settings: heartbeat every %d ms, %d s warm-up + %d s measured per instance count %s;"
                + " %d registrations per transport after %d uncounted; %d cold and %d warm starts;"
                + " %d uncounted JIT warm-up heartbeats per broker",
            options.interval().toMillis(),
            options.warmup().toSeconds(),
            options.duration().toSeconds(),
            options.instances(),
            options.registrations(),
            RegistrationLoad.warmup(options.registrations()),
            options.starts(),
            options.starts(),
            options.jitWarmup()));
    line(
        String.format(
            Locale.ROOT,
            "- lease settings: %s instances, %s warm-up + %s measured per row and variant, at"
                + " most %d acquisitions per row, %d hot files, paced variant one round trip per"
                + " instance every %s; hook settings: %d processes per path after %d uncounted",
            options.leaseInstances(),
            seconds(options.leaseWarmup()),
            seconds(options.leaseDuration()),
            options.leaseMaxOps(),
            options.hotFiles(),
            seconds(options.leaseInterval()),
            options.hookCalls(),
            options.hookWarmup()));
    skipped.forEach(s -> line("- **" + s + "**"));
    line(String.format(Locale.ROOT, "- whole run: %.1f min", minutes));
    for (Bench.BackendRun r : runs) {
      if (r.failure() != null) {
        line("- **" + r.backend().label() + " run failed:** " + r.failure());
      }
      r.problems().forEach(p -> line("- **" + r.backend().label() + ":** " + p));
    }
    double noise = busiestOtherCpu();
    line(
        String.format(
            Locale.ROOT,
            "- other processes on the machine: at most %.0f%% of one core in any measured window%s",
            noise,
            noise > NOISE_PERCENT
                ? " — **the figures may be disturbed; run again on a quiet machine**"
                : ""));
    if (options.runs("heartbeat")) {
      heartbeats();
    }
    if (options.runs("registration")) {
      registrations();
    }
    if (options.runs("startup") && options.starts() > 0) {
      startup();
    }
    if (options.runs("lease")) {
      leases();
    }
    if (options.runs("hook")) {
      hooks();
    }
    return out.toString();
  }

  private void heartbeats() {
    line("");
    line(
        String.format(
            Locale.ROOT,
            "## 1. Heartbeats: N instances, each one store write every %d ms",
            options.interval().toMillis()));
    line("");
    line(
        String.format(
            Locale.ROOT,
            "Client-side latency in ms from the *scheduled* send time to the answer (fixed-rate"
                + " schedule, so queueing delay is counted), each instance on its own kept-alive"
                + " Unix-socket connection; %d s measured per row after %d s of uncounted warm-up."
                + " The plan's bar: p99 ≤ %.0f ms.",
            options.duration().toSeconds(),
            options.warmup().toSeconds(),
            BAR_MS));
    line("");
    StringBuilder head = new StringBuilder("| instances | writes/s offered |");
    StringBuilder rule = new StringBuilder("|---:|---:|");
    for (Bench.BackendRun r : runs) {
      String l = r.backend().label();
      head.append(" ").append(l).append(" p50 | p99 | max | p99 ≤ 30 ms |");
      rule.append("---:|---:|---:|:---:|");
    }
    line(head.toString());
    line(rule.toString());
    for (int i = 0; i < options.instances().size(); i++) {
      int index = i;
      StringBuilder row = new StringBuilder("| " + options.instances().get(i) + " | ");
      row.append(
              String.format(
                  Locale.ROOT,
                  "%.0f",
                  options.instances().get(i) * 1000.0 / options.interval().toMillis()))
          .append(" |");
      for (Bench.BackendRun r : runs) {
        HeartbeatLoad.Result h = index < r.heartbeats().size() ? r.heartbeats().get(index) : null;
        if (h == null) {
          row.append(" – | – | – | – |");
          continue;
        }
        Latencies.Summary s = h.fromSchedule();
        boolean met = s.count() > 0 && s.p99() <= BAR_MS && h.errors() == 0 && h.unsent() == 0;
        row.append(" ")
            .append(ms(s.p50()))
            .append(" | ")
            .append(ms(s.p99()))
            .append(" | ")
            .append(ms(s.max()))
            .append(" | ")
            .append(met ? "yes" : "**no**")
            .append(" |");
      }
      line(row.toString());
    }
    line("");
    line("Details (ms unless stated):");
    line("");
    headerWithBackends("instances | measure");
    for (int i = 0; i < options.instances().size(); i++) {
      int index = i;
      String n = options.instances().get(i) + " | ";
      Function<Function<HeartbeatLoad.Result, String>, List<String>> cells =
          f -> cells(r -> index < r.heartbeats().size() ? f.apply(r.heartbeats().get(index)) : "–");
      row(
          n + "writes measured / errors / not sent",
          cells.apply(h -> h.fromSchedule().count() + " / " + h.errors() + " / " + h.unsent()));
      row(
          n + "writes/s achieved",
          cells.apply(h -> String.format(Locale.ROOT, "%.1f", h.achievedPerSecond())));
      row(
          n + "from schedule: p90 / p99.9 / mean",
          cells.apply(
              h ->
                  triple(
                      h.fromSchedule().p90(), h.fromSchedule().p999(), h.fromSchedule().mean())));
      row(
          n + "service time (from actual send): p50 / p99 / max",
          cells.apply(h -> triple(h.service().p50(), h.service().p99(), h.service().max())));
      row(
          n + "broker side: mean request / mean store write",
          cells.apply(h -> pair(h.usage().requestMs(), h.usage().storeMs())));
      row(
          n + "CPU, % of one core: broker / store server / harness / other processes",
          cells.apply(h -> Cells.cpu(h.usage())));
      row(
          n + "GC pauses in the window: broker count / longest / total; harness count / total",
          cells.apply(h -> Cells.gc(h.usage())));
    }
    errorNotes(r -> r.heartbeats().stream().flatMap(h -> h.errorSamples().stream()).toList());
  }

  private void registrations() {
    line("");
    line("## 2. Registration latency");
    line("");
    line(
        String.format(
            Locale.ROOT,
            "%d sequential `POST /v1/instances` per transport (closed loop, one request at a"
                + " time), after %d uncounted ones; client-side ms. Each registration resolves the"
                + " git workspace, inserts a row and appends an event.",
            options.registrations(),
            RegistrationLoad.warmup(options.registrations())));
    line("");
    StringBuilder head = new StringBuilder("| transport |");
    StringBuilder rule = new StringBuilder("|---|");
    for (Bench.BackendRun r : runs) {
      head.append(" ").append(r.backend().label()).append(" p50 | p99 | max |");
      rule.append("---:|---:|---:|");
    }
    line(head.toString());
    line(rule.toString());
    for (RegistrationLoad.Transport t : RegistrationLoad.Transport.values()) {
      StringBuilder row = new StringBuilder("| " + t.label + " |");
      for (Bench.BackendRun r : runs) {
        RegistrationLoad.Result g = registration(r, t);
        if (g == null) {
          row.append(" – | – | – |");
        } else {
          row.append(" ")
              .append(ms(g.latency().p50()))
              .append(" | ")
              .append(ms(g.latency().p99()))
              .append(" | ")
              .append(ms(g.latency().max()))
              .append(" |");
        }
      }
      line(row.toString());
    }
    line("");
    line("Details (ms unless stated):");
    line("");
    headerWithBackends("transport | measure");
    for (RegistrationLoad.Transport t : RegistrationLoad.Transport.values()) {
      String n = t.label + " | ";
      Function<Function<RegistrationLoad.Result, String>, List<String>> cells =
          f ->
              cells(
                  r -> {
                    RegistrationLoad.Result g = registration(r, t);
                    return g == null ? "–" : f.apply(g);
                  });
      row(
          n + "registrations / errors",
          cells.apply(
              g ->
                  g.latency().count()
                      + " / "
                      + g.errors()
                      + (g.timedOut() ? " (stopped at the 120 s budget)" : "")));
      row(
          n + "p90 / p99.9 / mean",
          cells.apply(g -> triple(g.latency().p90(), g.latency().p999(), g.latency().mean())));
      row(
          n + "broker side: mean request / mean store insert",
          cells.apply(
              g -> g.usage() == null ? "–" : pair(g.usage().requestMs(), g.usage().storeMs())));
      row(
          n + "CPU, % of one core: broker / store server / harness / other processes",
          cells.apply(g -> g.usage() == null ? "–" : Cells.cpu(g.usage())));
      row(
          n + "GC pauses: broker count / longest / total; harness count / total",
          cells.apply(g -> g.usage() == null ? "–" : Cells.gc(g.usage())));
    }
    errorNotes(r -> r.registrations().stream().flatMap(g -> g.errorSamples().stream()).toList());
  }

  private void startup() {
    line("");
    line("## 3. Broker start-to-ready");
    line("");
    line(
        "From spawning `java -jar baton.jar serve` to the first successful `GET /v1/health` over"
            + " the Unix socket (polled every 2 ms), "
            + options.starts()
            + " times each, p50 / max in ms. Cold: new data directory and new database, so the"
            + " token is generated and the schema migrated. Warm: restart on the store the"
            + " benchmarks above filled.");
    line("");
    headerWithBackends("measure");
    startRow("cold start → healthy", Bench.BackendRun::cold, StartupTimer.Result::toHealth);
    startRow(
        "cold start → ready line on stdout",
        Bench.BackendRun::cold,
        StartupTimer.Result::toReadyLine);
    startRow("warm restart → healthy", Bench.BackendRun::warm, StartupTimer.Result::toHealth);
    startRow(
        "warm restart → ready line on stdout",
        Bench.BackendRun::warm,
        StartupTimer.Result::toReadyLine);
    row(
        "warm store: live instances at start",
        cells(r -> r.warm() == null ? "–" : Long.toString(r.warm().instances())));
    row(
        "SIGTERM → exit (cold runs / warm runs)",
        cells(
            r ->
                r.cold() == null || r.warm() == null
                    ? "–"
                    : pair(r.cold().stop().p50(), r.warm().stop().p50()) + " (p50)"));
    for (Bench.BackendRun r : runs) {
      List<String> problems = new ArrayList<>();
      if (r.cold() != null) {
        problems.addAll(r.cold().problems());
      }
      if (r.warm() != null) {
        problems.addAll(r.warm().problems());
      }
      problems.stream().distinct().forEach(p -> line("- **" + r.backend().label() + ":** " + p));
    }
  }

  private void startRow(
      String label,
      Function<Bench.BackendRun, StartupTimer.Result> kind,
      Function<StartupTimer.Result, Latencies.Summary> measure) {
    row(
        label,
        cells(
            r -> {
              StartupTimer.Result result = kind.apply(r);
              return result == null
                  ? "–"
                  : pair(measure.apply(result).p50(), measure.apply(result).max());
            }));
  }

  private void leases() {
    line("");
    line("## 4. File leases: acquire + release round trip");
    line("");
    line(
        String.format(
            Locale.ROOT,
            "N instances, each on its own kept-alive Unix-socket connection, acquire an exclusive"
                + " lease (`POST /v1/leases`, `waitMs` 0) and release it (`DELETE"
                + " /v1/leases/{id}`); %s measured per row after %s of uncounted warm-up."
                + " *Own file* and *hot files* are closed loops: the next acquisition starts as"
                + " soon as the release is answered, with no pause, so the broker is saturated."
                + " *Own file*: each instance leases a file of its own, so nothing conflicts."
                + " *Hot files*: all instances pick one of the same %d files at random; a conflict"
                + " (409 `lease_conflict`) is counted apart and followed at once by the next"
                + " attempt. *Paced*: each instance does one round trip on a file of its own every"
                + " %s on a fixed-rate schedule (offsets spread evenly), and latency counts from the"
                + " scheduled start, so queueing is charged. Client-side ms. The plan's bar: lock"
                + " acquisition < %.0f ms; baton's goal: p99 < %.0f ms at %d instances.",
            seconds(options.leaseDuration()),
            seconds(options.leaseWarmup()),
            options.hotFiles(),
            seconds(options.leaseInterval()),
            LEASE_BAR_MS,
            LEASE_GOAL_MS,
            LEASE_GOAL_INSTANCES));
    line("");
    StringBuilder head = new StringBuilder("| variant | instances |");
    StringBuilder rule = new StringBuilder("|---|---:|");
    for (Bench.BackendRun r : runs) {
      head.append(" ")
          .append(r.backend().label())
          .append(" round trips/s | round trip p50 | p99 | max | acquire p50 | p99 | max |");
      rule.append("---:|---:|---:|---:|---:|---:|---:|");
    }
    line(head.toString());
    line(rule.toString());
    for (LeaseLoad.Variant v : LeaseLoad.Variant.values()) {
      for (int n : options.leaseInstances()) {
        StringBuilder row = new StringBuilder("| " + v.label + " | " + n + " |");
        for (Bench.BackendRun r : runs) {
          LeaseLoad.Result l = lease(r, v, n);
          if (l == null) {
            row.append(" – | – | – | – | – | – | – |");
            continue;
          }
          row.append(" ")
              .append(String.format(Locale.ROOT, "%.0f", l.grantedPerSecond()))
              .append(" | ")
              .append(ms(l.roundTrip().p50()))
              .append(" | ")
              .append(ms(l.roundTrip().p99()))
              .append(" | ")
              .append(ms(l.roundTrip().max()))
              .append(" | ")
              .append(ms(l.acquire().p50()))
              .append(" | ")
              .append(ms(l.acquire().p99()))
              .append(" | ")
              .append(ms(l.acquire().max()))
              .append(" |");
        }
        line(row.toString());
      }
    }
    line("");
    headerWithBackends("target");
    row(
        String.format(
            Locale.ROOT,
            "plan's bar, acquisition < %.0f ms (acquire p99 / max, own file, at %s instances)",
            LEASE_BAR_MS,
            joined(options.leaseInstances())),
        cells(r -> verdicts(r, LeaseLoad.Variant.OWN_FILE, LEASE_BAR_MS)));
    row(
        String.format(
            Locale.ROOT,
            "plan's bar, acquisition < %.0f ms (acquire p99 / max, hot files, at %s instances)",
            LEASE_BAR_MS,
            joined(options.leaseInstances())),
        cells(r -> verdicts(r, LeaseLoad.Variant.HOT_FILES, LEASE_BAR_MS)));
    for (LeaseLoad.Variant v : List.of(LeaseLoad.Variant.OWN_FILE, LeaseLoad.Variant.PACED)) {
      row(
          String.format(
              Locale.ROOT,
              "baton's goal, p99 < %.0f ms at %d instances (%s): acquire / round trip",
              LEASE_GOAL_MS,
              LEASE_GOAL_INSTANCES,
              v.label
                  + (v.paced
                      ? ", one round trip per instance every " + seconds(options.leaseInterval())
                      : ", closed loop")),
          cells(
              r -> {
                LeaseLoad.Result l = lease(r, v, LEASE_GOAL_INSTANCES);
                return l == null
                    ? "not run"
                    : goal(l.acquire().p99(), l) + " / " + goal(l.roundTrip().p99(), l);
              }));
    }
    line("");
    line("Details (ms unless stated):");
    line("");
    headerWithBackends("variant, instances | measure");
    for (LeaseLoad.Variant v : LeaseLoad.Variant.values()) {
      for (int n : options.leaseInstances()) {
        String k = v.label + ", " + n + " | ";
        Function<Function<LeaseLoad.Result, String>, List<String>> cells =
            f ->
                cells(
                    r -> {
                      LeaseLoad.Result l = lease(r, v, n);
                      return l == null ? "–" : f.apply(l);
                    });
        row(
            k + "round trips / conflicts / errors / not started in the window",
            cells.apply(
                l ->
                    l.granted()
                        + " / "
                        + l.conflicts()
                        + " / "
                        + l.errors()
                        + " / "
                        + l.unsent()
                        + (l.capped() ? " (stopped at --lease-max-ops)" : "")));
        if (v == LeaseLoad.Variant.HOT_FILES) {
          row(
              k + "acquisitions/s: granted / conflicting (conflicts in % of attempts)",
              cells.apply(
                  l ->
                      String.format(
                          Locale.ROOT,
                          "%.0f / %.0f (%.0f%%)",
                          l.grantedPerSecond(),
                          l.attemptsPerSecond() - l.grantedPerSecond(),
                          l.granted() + l.conflicts() == 0
                              ? 0.0
                              : 100.0 * l.conflicts() / (l.granted() + l.conflicts()))));
          row(
              k + "conflict answer (409): p50 / p99 / max",
              cells.apply(l -> triple(l.conflict().p50(), l.conflict().p99(), l.conflict().max())));
        }
        row(
            k + "round trip: p90 / p99.9 / mean",
            cells.apply(
                l -> triple(l.roundTrip().p90(), l.roundTrip().p999(), l.roundTrip().mean())));
        row(
            k + "acquire: p90 / p99.9 / mean",
            cells.apply(l -> triple(l.acquire().p90(), l.acquire().p999(), l.acquire().mean())));
        row(
            k + "release: p50 / p99 / max",
            cells.apply(l -> triple(l.release().p50(), l.release().p99(), l.release().max())));
        row(
            k + "broker side: mean acquire / mean release / mean lease transaction",
            cells.apply(
                l ->
                    triple(
                        l.acquireUsage().requestMs(),
                        l.releaseUsage().requestMs(),
                        l.acquireUsage().storeMs())));
        if (v == LeaseLoad.Variant.HOT_FILES) {
          row(
              k + "broker side: mean conflict answer",
              cells.apply(l -> ms(l.conflictUsage().requestMs())));
        }
        row(
            k + "CPU, % of one core: broker / store server / harness / other processes",
            cells.apply(l -> Cells.cpu(l.acquireUsage())));
        row(
            k + "GC pauses in the window: broker count / longest / total; harness count / total",
            cells.apply(l -> Cells.gc(l.acquireUsage())));
      }
    }
    errorNotes(r -> r.leases().stream().flatMap(l -> l.errorSamples().stream()).toList());
  }

  private static String verdicts(Bench.BackendRun r, LeaseLoad.Variant v, double bar) {
    List<String> out = new ArrayList<>();
    for (LeaseLoad.Result l : r.leases()) {
      if (l.variant() != v) {
        continue;
      }
      boolean ok = l.acquire().count() > 0 && l.errors() == 0 && l.unsent() == 0;
      String p99 = ok && l.acquire().p99() < bar ? "met" : "**not met**";
      String max = ok && l.acquire().max() < bar ? "met" : "**not met**";
      out.add(p99 + " / " + max);
    }
    return out.isEmpty() ? "not run" : String.join("; ", out);
  }

  private static String goal(double p99, LeaseLoad.Result l) {
    boolean met = l.errors() == 0 && l.unsent() == 0 && !Double.isNaN(p99) && p99 < LEASE_GOAL_MS;
    return (met ? "met" : "**not met**") + " (" + ms(p99) + ")";
  }

  private static LeaseLoad.Result lease(Bench.BackendRun r, LeaseLoad.Variant v, int instances) {
    return r.leases().stream()
        .filter(l -> l.variant() == v && l.instances() == instances)
        .findFirst()
        .orElse(null);
  }

  private void hooks() {
    line("");
    line("## 5. Claude Code hook, end to end");
    line("");
    line(
        String.format(
            Locale.ROOT,
            "The real hook script (`claude-hook`, as `baton setup claude` writes it: `/bin/sh`"
                + " running `curl --unix-socket` to `/v1/hooks/claude/PreToolUse`) started as a"
                + " new process for every call, with Claude Code's PreToolUse JSON for an `Edit` on"
                + " its standard input, timed from just before the spawn to its exit; %d calls"
                + " one at a time after %d uncounted, per row. *Renew*: the session already holds"
                + " the file. *Acquire*: a new file each time (the lease is released, untimed,"
                + " after each call). *Deny*: another session holds the file. The two baselines"
                + " show what a process start costs without the hook. Every call heartbeats the"
                + " session's instance. Goal: p50 < %.0f ms.",
            options.hookCalls(),
            options.hookWarmup(),
            HOOK_GOAL_MS));
    line("");
    StringBuilder head = new StringBuilder("| process |");
    StringBuilder rule = new StringBuilder("|---|");
    for (Bench.BackendRun r : runs) {
      head.append(" ").append(r.backend().label()).append(" p50 | p90 | p99 | max | p50 < 15 ms |");
      rule.append("---:|---:|---:|---:|:---:|");
    }
    line(head.toString());
    line(rule.toString());
    for (HookLoad.Kind k : HookLoad.Kind.values()) {
      StringBuilder row = new StringBuilder("| " + k.label + " |");
      for (Bench.BackendRun r : runs) {
        HookLoad.Result h = hook(r, k);
        if (h == null) {
          row.append(" – | – | – | – | – |");
          continue;
        }
        Latencies.Summary s = h.latency();
        String met =
            !k.hook
                ? "–"
                : s.count() > 0 && h.errors() == 0 && s.p50() < HOOK_GOAL_MS ? "yes" : "**no**";
        row.append(" ")
            .append(ms(s.p50()))
            .append(" | ")
            .append(ms(s.p90()))
            .append(" | ")
            .append(ms(s.p99()))
            .append(" | ")
            .append(ms(s.max()))
            .append(" | ")
            .append(met)
            .append(" |");
      }
      line(row.toString());
    }
    line("");
    line("Details (ms unless stated):");
    line("");
    headerWithBackends("process | measure");
    for (HookLoad.Kind k : HookLoad.Kind.values()) {
      String n = k.label + " | ";
      Function<Function<HookLoad.Result, String>, List<String>> cells =
          f ->
              cells(
                  r -> {
                    HookLoad.Result h = hook(r, k);
                    return h == null ? "–" : f.apply(h);
                  });
      row(
          n + "calls / errors",
          cells.apply(
              h ->
                  h.latency().count()
                      + " / "
                      + h.errors()
                      + (h.timedOut() ? " (stopped at the 120 s budget)" : "")));
      row(n + "mean", cells.apply(h -> ms(h.latency().mean())));
      if (k != HookLoad.Kind.TRUE) {
        row(
            n + "broker side: mean request",
            cells.apply(h -> h.usage() == null ? "–" : ms(h.usage().requestMs())));
      }
      row(
          n + "CPU per call of the processes started (user + system)",
          cells.apply(h -> ms(h.childCpuMs())));
      row(
          n + "CPU, % of one core: broker / store server / harness / other processes",
          cells.apply(h -> h.usage() == null ? "–" : Cells.cpu(h.usage())));
    }
    errorNotes(r -> r.hooks().stream().flatMap(h -> h.errorSamples().stream()).toList());
  }

  private static HookLoad.Result hook(Bench.BackendRun r, HookLoad.Kind k) {
    return r.hooks().stream().filter(h -> h.kind() == k).findFirst().orElse(null);
  }

  private static String joined(List<Integer> values) {
    return values.stream().map(String::valueOf).collect(Collectors.joining(" / "));
  }

  private static String seconds(java.time.Duration d) {
    return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
  }

  /** The highest CPU use of processes outside the benchmark in any measured window. */
  private double busiestOtherCpu() {
    double max = 0;
    for (Bench.BackendRun r : runs) {
      for (HeartbeatLoad.Result h : r.heartbeats()) {
        max = Math.max(max, zeroIfNaN(h.usage().otherCpu()));
      }
      for (RegistrationLoad.Result g : r.registrations()) {
        max = Math.max(max, g.usage() == null ? 0 : zeroIfNaN(g.usage().otherCpu()));
      }
      for (LeaseLoad.Result l : r.leases()) {
        max = Math.max(max, zeroIfNaN(l.acquireUsage().otherCpu()));
      }
      for (HookLoad.Result h : r.hooks()) {
        max = Math.max(max, h.usage() == null ? 0 : zeroIfNaN(h.usage().otherCpu()));
      }
    }
    return max;
  }

  private static double zeroIfNaN(double v) {
    return Double.isNaN(v) ? 0 : v;
  }

  private RegistrationLoad.Result registration(Bench.BackendRun r, RegistrationLoad.Transport t) {
    return r.registrations().stream().filter(g -> g.transport() == t).findFirst().orElse(null);
  }

  private void errorNotes(Function<Bench.BackendRun, List<String>> samples) {
    for (Bench.BackendRun r : runs) {
      List<String> s = samples.apply(r).stream().distinct().limit(5).toList();
      if (!s.isEmpty()) {
        line("");
        line("Errors seen on " + r.backend().label() + ":");
        s.forEach(e -> line("- `" + Cells.oneLine(e).replace('`', '\'') + "`"));
      }
    }
  }

  private void headerWithBackends(String first) {
    StringBuilder head = new StringBuilder("| " + first + " |");
    StringBuilder rule = new StringBuilder("|" + "---|".repeat(first.split("\\|").length));
    for (Bench.BackendRun r : runs) {
      head.append(" ").append(r.backend().label()).append(" |");
      rule.append("---:|");
    }
    line(head.toString());
    line(rule.toString());
  }

  private List<String> cells(Function<Bench.BackendRun, String> f) {
    return runs.stream().map(f).toList();
  }

  private void row(String first, List<String> cells) {
    line("| " + first + " | " + String.join(" | ", cells) + " |");
  }

  private void line(String s) {
    out.append(s).append('\n');
  }
}
