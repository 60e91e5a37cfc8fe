package dev.baton.bench;

import dev.baton.api.Json;
import dev.baton.api.LeaseJson;
import dev.baton.api.client.BrokerClient;
import dev.baton.api.client.HttpResponse;
import dev.baton.integrations.HookScripts;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The Claude Code hook end to end, process start included: the real hook script ({@code
 * claude-hook}, rendered from the jar as {@code baton setup claude} writes it) is started as a new
 * process for every call, with Claude Code's PreToolUse JSON on its standard input, and timed from
 * just before the spawn to its exit, one call at a time. Three paths: a file the session already
 * holds (the lease is renewed), a new file each time (a lease is acquired; it is released, untimed,
 * after the call), and a file another session holds (the edit is denied). Two baselines show what
 * starting a process alone costs: {@code /bin/true} and a bare {@code curl --unix-socket ...
 * /v1/health}.
 */
final class HookLoad {
  private static final Duration BUDGET = Duration.ofSeconds(120);
  private static final long CALL_LIMIT_SECONDS = 15;
  private static final int MAX_ERROR_SAMPLES = 5;
  private static final String SESSION = "a11ce000-0000-4000-8000-000000000001";
  private static final String OTHER_SESSION = "b0b00000-0000-4000-8000-000000000002";
  private static final String INSTANCE = "claude-a11ce000";

  /** What one process does. */
  enum Kind {
    RENEW("hook, renew: a file the session already holds", true),
    ACQUIRE("hook, acquire: a new file each time", true),
    DENY("hook, deny: a file another session holds", true),
    CURL("bare `curl --unix-socket … /v1/health`", false),
    TRUE("`/bin/true` (process start alone)", false);

    final String label;
    final boolean hook;

    Kind(String label, boolean hook) {
      this.label = label;
      this.hook = hook;
    }
  }

  /**
   * One kind's figures.
   *
   * @param latency spawn to exit, ms
   * @param timedOut true when the run stopped at its time budget before all calls
   * @param childCpuMs CPU time per call of the processes started (user + system), ms
   * @param usage broker side: mean request time of the route the process calls; CPU
   */
  record Result(
      Kind kind,
      Latencies.Summary latency,
      long errors,
      boolean timedOut,
      double childCpuMs,
      Usage.Window usage,
      List<String> errorSamples) {}

  private record Call(long nanos, int exitCode, String out) {}

  private final BrokerProcess broker;
  private final Backend backend;
  private final Path repo;
  private final Path hook;
  private final int calls;
  private final int warmup;
  private final ScheduledExecutorService watchdog;

  HookLoad(BrokerProcess broker, Backend backend, Path repo, Path dir, BenchOptions options) {
    this.broker = broker;
    this.backend = backend;
    this.repo = repo;
    this.hook = dir.resolve("claude-hook");
    this.calls = options.hookCalls();
    this.warmup = options.hookWarmup();
    HookScripts.writeExecutable(
        hook, HookScripts.agentHook("claude", "Claude Code", broker.socket()));
    this.watchdog =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "bench-hook-watchdog");
              t.setDaemon(true);
              return t;
            });
    Cleanup.add("hook watchdog", watchdog::shutdownNow);
  }

  /**
   * Every kind, one after the other, after the setup (the session's first edit of the file it then
   * renews; the other session's edit of the file the session is then denied) and, when {@code
   * jitWarmup} is positive, as many uncounted hook requests sent directly over one connection
   * (renew and deny alternately), so that the JIT has compiled the broker's hook path.
   */
  List<Result> runAll(int jitWarmup) {
    try (BrokerClient client = broker.unixClient(true)) {
      expectAllowed(direct(client, document(SESSION, "src/held.py", "setup")), "held.py");
      expectAllowed(
          direct(client, document(OTHER_SESSION, "src/contended.py", "setup")),
          "the other session's edit of contended.py");
      if (jitWarmup > 0) {
        Bench.progress(backend.label() + ": " + jitWarmup + " uncounted hook requests");
        long deadline = System.nanoTime() + BUDGET.toNanos();
        byte[] renew = document(SESSION, "src/held.py", "warmup");
        byte[] deny = document(SESSION, "src/contended.py", "warmup");
        for (int i = 0; i < jitWarmup && System.nanoTime() < deadline; i++) {
          Call c = direct(client, i % 2 == 0 ? renew : deny);
          String problem = check(i % 2 == 0 ? Kind.RENEW : Kind.DENY, c);
          if (problem != null) {
            throw new IllegalStateException("hook warm-up request failed: " + problem);
          }
        }
      }
    }
    List<Result> out = new ArrayList<>();
    for (Kind k : Kind.values()) {
      Bench.progress(
          backend.label() + ": " + calls + " × " + k.label + " after " + warmup + " uncounted");
      out.add(run(k));
    }
    return out;
  }

  private Result run(Kind kind) {
    ProcessBuilder pb =
        switch (kind) {
          case RENEW, ACQUIRE, DENY -> new ProcessBuilder(hook.toString(), "PreToolUse");
          case CURL ->
              new ProcessBuilder(
                  "curl",
                  "--silent",
                  "--unix-socket",
                  broker.socket().toString(),
                  "http://localhost/v1/health");
          case TRUE ->
              new ProcessBuilder(Files.isExecutable(Path.of("/bin/true")) ? "/bin/true" : "true");
        };
    pb.directory(repo.toFile()).redirectError(ProcessBuilder.Redirect.DISCARD);
    pb.environment().keySet().removeIf(k -> k.startsWith("BATON_"));
    if (!kind.hook) {
      pb.redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
    }
    Latencies latencies = new Latencies(calls);
    long errors = 0;
    List<String> samples = new ArrayList<>();
    boolean timedOut = false;
    long deadline = System.nanoTime() + BUDGET.toNanos();
    Usage.Snapshot before = null;
    long childrenBefore = -1;
    try (BrokerClient client = broker.unixClient(true)) {
      for (int i = 0; i < warmup + calls; i++) {
        if (System.nanoTime() > deadline) {
          timedOut = true;
          break;
        }
        if (i == warmup) {
          before = Usage.take(broker, backend);
          childrenBefore = Usage.childrenCpu();
        }
        String file =
            switch (kind) {
              case RENEW -> "src/held.py";
              case ACQUIRE -> "src/new-" + i + ".py";
              default -> "src/contended.py";
            };
        Call c = call(pb, kind.hook ? document(SESSION, file, Integer.toString(i)) : null);
        String problem = check(kind, c);
        if (problem == null && kind == Kind.ACQUIRE) {
          problem = releaseUntimed(client, file);
        }
        if (i < warmup) {
          continue;
        }
        if (problem == null) {
          latencies.add(c.nanos());
        } else {
          errors++;
          if (samples.size() < MAX_ERROR_SAMPLES && !samples.contains(problem)) {
            samples.add(problem);
          }
        }
      }
    }
    Usage.Window usage = null;
    double childCpuMs = Double.NaN;
    if (before != null) {
      long childrenAfter = Usage.childrenCpu();
      Usage.Snapshot after = Usage.take(broker, backend);
      Map<String, String> route = kind == Kind.CURL ? Usage.HEALTH_ROUTE : Usage.HOOK_ROUTE;
      Usage.Window w = Usage.between(before, after, route, Usage.LEASE_CHANGE);
      int done = latencies.count() + (int) errors;
      if (childrenBefore >= 0 && childrenAfter >= 0 && done > 0) {
        long children = childrenAfter - childrenBefore;
        childCpuMs = children / 1e6 / done;
        // The processes started here are not "other processes": take their CPU out.
        double seconds = (after.nanos() - before.nanos()) / 1e9;
        double childPercent = children / 1e9 / seconds * 100;
        w =
            new Usage.Window(
                w.requestMs(),
                w.storeMs(),
                w.brokerCpu(),
                w.storeCpu(),
                w.harnessCpu(),
                Math.max(0, w.otherCpu() - childPercent),
                w.brokerGc(),
                w.harnessGc());
      }
      usage = w;
    }
    return new Result(
        kind, latencies.summary(), errors, timedOut, childCpuMs, usage, List.copyOf(samples));
  }

  /** Starts the process, feeds it {@code stdin} (or /dev/null), reads its output, waits. */
  private Call call(ProcessBuilder pb, byte[] stdin) {
    long start = System.nanoTime();
    Process p;
    try {
      p = pb.start();
    } catch (IOException e) {
      throw new IllegalStateException("cannot start " + String.join(" ", pb.command()), e);
    }
    ScheduledFuture<?> kill =
        watchdog.schedule(
            () -> {
              p.descendants().forEach(ProcessHandle::destroyForcibly);
              p.destroyForcibly();
            },
            CALL_LIMIT_SECONDS,
            TimeUnit.SECONDS);
    try {
      if (stdin != null) {
        try (OutputStream in = p.getOutputStream()) {
          in.write(stdin);
        }
      }
      byte[] out = p.getInputStream().readAllBytes();
      if (!p.waitFor(CALL_LIMIT_SECONDS, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        return new Call(System.nanoTime() - start, -1, "(did not exit within 15 s)");
      }
      long nanos = System.nanoTime() - start;
      return new Call(nanos, p.exitValue(), new String(out, StandardCharsets.UTF_8).strip());
    } catch (IOException e) {
      return new Call(System.nanoTime() - start, -1, "(I/O error: " + e.getMessage() + ")");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      p.destroyForcibly();
      throw new IllegalStateException("interrupted while running " + pb.command(), e);
    } finally {
      kill.cancel(false);
    }
  }

  /** The hook's request sent directly, without a process: for the setup and the JIT warm-up. */
  private static Call direct(BrokerClient client, byte[] doc) {
    long start = System.nanoTime();
    HttpResponse r =
        client.send(
            "POST", "/v1/hooks/claude/PreToolUse", Map.of("Content-Type", "application/json"), doc);
    return new Call(
        System.nanoTime() - start, r.status() == 200 ? 0 : r.status(), r.bodyText().strip());
  }

  /** Null when the process did what {@code kind} expects, else what went wrong. */
  private static String check(Kind kind, Call c) {
    if (c.exitCode() != 0) {
      return "exit code " + c.exitCode() + ", output: " + Cells.oneLine(c.out());
    }
    boolean ok =
        switch (kind) {
          case RENEW, ACQUIRE -> c.out().equals("{}");
          case DENY -> c.out().contains("\"permissionDecision\":\"deny\"");
          case CURL -> c.out().contains("\"status\":\"ok\"");
          case TRUE -> true;
        };
    return ok ? null : "unexpected output: " + Cells.oneLine(c.out());
  }

  private static void expectAllowed(Call c, String what) {
    String problem = check(Kind.RENEW, c);
    if (problem != null) {
      throw new IllegalStateException("hook setup request (" + what + ") failed: " + problem);
    }
  }

  /** Releases the session's lease on {@code file}, so that leases do not pile up; null if done. */
  private String releaseUntimed(BrokerClient client, String file) {
    try {
      for (LeaseJson l : client.leases(null, INSTANCE).leases()) {
        if (l.path().equals(file)) {
          client.release(l.id(), INSTANCE, false, null);
          return null;
        }
      }
      return "the hook allowed the edit of " + file + " but " + INSTANCE + " holds no lease on it";
    } catch (RuntimeException e) {
      return "releasing " + file + " failed: " + e.getMessage();
    }
  }

  /** Claude Code's PreToolUse document for an Edit of {@code file} (relative to the repo). */
  private byte[] document(String session, String file, String call) {
    Map<String, Object> input = new LinkedHashMap<>();
    input.put("file_path", repo.resolve(file).toString());
    input.put("old_string", "a");
    input.put("new_string", "b");
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("session_id", session);
    doc.put("transcript_path", "/tmp/bench-" + session + ".jsonl");
    doc.put("cwd", repo.toString());
    doc.put("permission_mode", "default");
    doc.put("hook_event_name", "PreToolUse");
    doc.put("tool_name", "Edit");
    doc.put("tool_input", input);
    doc.put("tool_use_id", "toolu_bench_" + call);
    return Json.MAPPER.writeValueAsBytes(doc);
  }
}
