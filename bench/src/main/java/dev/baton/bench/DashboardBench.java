package dev.baton.bench;

import dev.baton.api.AcquireBody;
import dev.baton.api.DashboardCodeJson;
import dev.baton.api.LeaseJson;
import dev.baton.api.RegisterBody;
import dev.baton.api.client.BrokerClient;
import dev.baton.it.HeadlessChromium;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.openqa.selenium.chrome.ChromeDriver;

/**
 * The live dashboard in headless chromium against a real broker (SQLite): the time from a
 * registration (its request sent) to the new row in the page's DOM, seen by a MutationObserver in
 * the browser, over sequential registrations; then the page with many instances under a steady
 * stream of lease events: the time per update on the browser's performance timeline (the page's
 * {@code baton.update} and {@code baton.render} measures, opened with {@code /?measure}), long
 * tasks, and the broker's CPU with the page open against the same load without it.
 */
public final class DashboardBench {
  private static final long WAIT_MS = 30_000;

  private DashboardBench() {}

  record Options(int registrations, int instances, int rate, int seconds) {}

  /** CPU seconds of the broker over a phase of the load, and the events it appended. */
  record Load(double cpuSeconds, double seconds, long events) {
    double cpuPercent() {
      return 100 * cpuSeconds / seconds;
    }

    double eventsPerSecond() {
      return events / seconds;
    }
  }

  public static void main(String[] args) throws Exception {
    Options o = new Options(100, 200, 50, 20);
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--registrations" ->
            o = new Options(Integer.parseInt(args[++i]), o.instances(), o.rate(), o.seconds());
        case "--instances" ->
            o = new Options(o.registrations(), Integer.parseInt(args[++i]), o.rate(), o.seconds());
        case "--rate" ->
            o =
                new Options(
                    o.registrations(), o.instances(), Integer.parseInt(args[++i]), o.seconds());
        case "--seconds" ->
            o =
                new Options(
                    o.registrations(), o.instances(), o.rate(), Integer.parseInt(args[++i]));
        case "--help" -> {
          System.out.println(
              "Usage: bench/run-dashboard [--registrations 100] [--instances 200] [--rate 50] [--seconds 20]");
          return;
        }
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    if (o.registrations() < 1
        || o.instances() < o.registrations()
        || o.rate() < 1
        || o.rate() > 1000
        || o.seconds() < 1
        || o.seconds() > 600) {
      throw new IllegalArgumentException(
          "--registrations >= 1, --instances >= registrations, --rate 1..1000, --seconds 1..600");
    }
    int code = 0;
    try {
      System.out.print(run(o));
    } catch (RuntimeException e) {
      System.err.println("bench: failed: " + e.getMessage());
      e.printStackTrace();
      code = 1;
    } finally {
      Cleanup.runAll();
    }
    System.exit(code);
  }

  private static String run(Options o) throws Exception {
    Path jar = Path.of(System.getProperty("bench.jar", "target/baton.jar")).toAbsolutePath();
    Path root = Cleanup.tempDir(Path.of("/tmp"), "baton-dash-bench-");
    Map<String, String> machine = Machine.describe(root, jar);
    Path repo = root.resolve("repo");
    Commands.check(List.of("git", "init", "-q", repo.toString()));
    Path config = root.resolve("baton.yaml");
    Files.writeString(config, "registry:\n  instance-ttl: 30m\nfocus:\n  auto: off\n");
    BrokerProcess broker =
        BrokerProcess.start(
                jar, new BrokerProcess.Home(Cleanup.tempDir(root, "sqlite-"), config, "sqlite"))
            .broker();
    try (BrokerClient client = broker.unixClient(true);
        HeadlessChromium browser = HeadlessChromium.start(root.resolve("profile"))) {
      browser.viewport(1280, 720);
      ChromeDriver page = browser.driver();
      String url =
          client.call("POST", "/v1/dashboard/codes", Map.of(), DashboardCodeJson.class).url();
      page.get(url);
      String measured = "http://" + broker.tcpAddress() + "/?measure";
      openLive(page, measured);
      page.executeScript(
          "window.seen = {}; const rows = document.getElementById('fleet-rows');"
              + "new MutationObserver(() => { const t = performance.timeOrigin + performance.now();"
              + " for (const tr of rows.querySelectorAll('tr[data-instance]')) {"
              + "   if (!(tr.dataset.instance in window.seen)) window.seen[tr.dataset.instance] = t; } })"
              + ".observe(rows, {childList: true});");
      progress(o.registrations() + " registrations, one at a time");
      Latencies toRow = new Latencies(o.registrations());
      for (int i = 0; i < o.registrations(); i++) {
        String id = "bench-" + i;
        Instant sent = Instant.now().truncatedTo(ChronoUnit.MICROS);
        client.register(new RegisterBody("developer", repo.toString(), id, "bench"));
        double shown = awaitRow(page, id);
        double sentMs = sent.getEpochSecond() * 1e3 + sent.getNano() / 1e6;
        toRow.add(Math.round((shown - sentMs) * 1e6));
        Thread.sleep(50);
      }
      for (int i = o.registrations(); i < o.instances(); i++) {
        client.register(new RegisterBody("developer", repo.toString(), "bench-" + i, "bench"));
      }
      awaitRows(page, o.instances());
      progress("load without the page: " + o.rate() + " lease events/s for " + o.seconds() + " s");
      page.get("about:blank");
      Load without = load(broker, client, o);
      progress("load with the page open, " + o.instances() + " instances");
      openLive(page, measured);
      awaitRows(page, o.instances());
      page.executeScript(
          "performance.clearMeasures(); window.longTasks = 0;"
              + "new PerformanceObserver(l => { window.longTasks += l.getEntries().length; })"
              + ".observe({type: 'longtask'});");
      Load with = load(broker, client, o);
      Latencies updates = measures(page, "baton.update");
      Latencies renders = measures(page, "baton.render");
      long longTasks = ((Number) page.executeScript("return window.longTasks;")).longValue();
      return report(o, toRow, updates, renders, longTasks, without, with, machine);
    } finally {
      broker.stop();
    }
  }

  private static void openLive(ChromeDriver page, String url) throws InterruptedException {
    page.get(url);
    long end = System.currentTimeMillis() + WAIT_MS;
    while (!String.valueOf(
            page.executeScript("return document.getElementById('connection')?.textContent;"))
        .contains("live")) {
      if (System.currentTimeMillis() > end) {
        throw new IllegalStateException("the dashboard did not go live in " + WAIT_MS + " ms");
      }
      Thread.sleep(20);
    }
  }

  /** When (epoch ms, browser clock) the row of {@code id} appeared. */
  private static double awaitRow(ChromeDriver page, String id) throws InterruptedException {
    long end = System.currentTimeMillis() + WAIT_MS;
    for (; ; ) {
      Object t = page.executeScript("return window.seen[arguments[0]] ?? null;", id);
      if (t != null) {
        return ((Number) t).doubleValue();
      }
      if (System.currentTimeMillis() > end) {
        throw new IllegalStateException("no row for " + id + " after " + WAIT_MS + " ms");
      }
      Thread.sleep(2);
    }
  }

  private static void awaitRows(ChromeDriver page, int count) throws InterruptedException {
    long end = System.currentTimeMillis() + WAIT_MS;
    while (((Number)
                page.executeScript("return document.querySelectorAll('#fleet-rows tr').length;"))
            .intValue()
        < count) {
      if (System.currentTimeMillis() > end) {
        throw new IllegalStateException("the page did not show " + count + " rows");
      }
      Thread.sleep(50);
    }
  }

  /** A lease acquired and released in turn on each instance: one event per operation. */
  private static Load load(BrokerProcess broker, BrokerClient client, Options o) throws Exception {
    AtomicInteger tick = new AtomicInteger();
    String[] held = new String[o.instances()];
    long firstEvent = client.health().lastEventId();
    double cpuBefore = cpuSeconds(broker.pid());
    long start = System.nanoTime();
    ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
    timer.scheduleAtFixedRate(
        () -> {
          int n = tick.getAndIncrement();
          int k = (n / 2) % o.instances();
          String id = "bench-" + k;
          try {
            if (held[k] == null) {
              LeaseJson l =
                  client
                      .acquire(
                          new AcquireBody(
                              id, "src/f" + k + ".py", null, null, null, null, "bench", null))
                      .leases()
                      .get(0);
              held[k] = l.id();
            } else {
              client.release(held[k], id, false, null);
              held[k] = null;
            }
          } catch (RuntimeException e) {
            System.err.println("bench: " + e.getMessage());
          }
        },
        0,
        1_000_000L / o.rate(),
        TimeUnit.MICROSECONDS);
    Thread.sleep(o.seconds() * 1000L);
    timer.shutdown();
    timer.awaitTermination(10, TimeUnit.SECONDS);
    double seconds = (System.nanoTime() - start) / 1e9;
    double cpu = cpuSeconds(broker.pid()) - cpuBefore;
    for (int k = 0; k < held.length; k++) {
      if (held[k] != null) {
        client.release(held[k], "bench-" + k, false, null);
      }
    }
    return new Load(cpu, seconds, client.health().lastEventId() - firstEvent);
  }

  private static Latencies measures(ChromeDriver page, String name) {
    List<?> durations =
        (List<?>)
            page.executeScript(
                "return performance.getEntriesByName(arguments[0], 'measure').map(e => e.duration);",
                name);
    Latencies l = new Latencies(durations.size());
    for (Object d : durations) {
      l.add(Math.round(((Number) d).doubleValue() * 1e6));
    }
    return l;
  }

  /** User and system CPU time of a process, from /proc (clock ticks of 1/100 s). */
  private static double cpuSeconds(long pid) throws IOException {
    String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / 100.0;
  }

  private static String report(
      Options o,
      Latencies toRow,
      Latencies updates,
      Latencies renders,
      long longTasks,
      Load without,
      Load with,
      Map<String, String> machine) {
    StringBuilder s = new StringBuilder("### The dashboard in a browser\n\n");
    s.append(
        "| measure | samples | p50 ms | p90 ms | p99 ms | max ms |\n|---|---:|---:|---:|---:|---:|\n");
    row(s, "registration sent → its row in the DOM", toRow.summary());
    row(s, "update under load: refetch + render (baton.update)", updates.summary());
    row(s, "render alone (baton.render)", renders.summary());
    s.append(
        String.format(
            Locale.ROOT,
            "%nUnder load: %d instances on the page, %.1f lease events/s for %.0f s; long tasks"
                + " (over 50 ms) on the page's main thread: %d.%n%n",
            o.instances(),
            with.eventsPerSecond(),
            with.seconds(),
            longTasks));
    s.append("| broker CPU (one core = 100%) | events/s | CPU |\n|---|---:|---:|\n");
    s.append(
        String.format(
            Locale.ROOT,
            "| the load, no page open | %.1f | %.1f%% |%n",
            without.eventsPerSecond(),
            without.cpuPercent()));
    s.append(
        String.format(
            Locale.ROOT,
            "| the load, the page open | %.1f | %.1f%% |%n",
            with.eventsPerSecond(),
            with.cpuPercent()));
    s.append("\nMachine:\n\n");
    machine.forEach((k, v) -> s.append("- ").append(k).append(": ").append(v).append('\n'));
    s.append("- load average at the end (1, 5, 15 min): ").append(loadAverage()).append('\n');
    return s.toString();
  }

  private static void row(StringBuilder s, String what, Latencies.Summary l) {
    s.append(
        String.format(
            Locale.ROOT,
            "| %s | %d | %.1f | %.1f | %.1f | %.1f |%n",
            what,
            l.count(),
            l.p50(),
            l.p90(),
            l.p99(),
            l.max()));
  }

  private static String loadAverage() {
    try {
      String[] l = Files.readString(Path.of("/proc/loadavg")).split(" ");
      return l[0] + ", " + l[1] + ", " + l[2];
    } catch (IOException e) {
      return "unknown";
    }
  }

  private static void progress(String message) {
    System.err.println("bench: " + message);
  }
}
