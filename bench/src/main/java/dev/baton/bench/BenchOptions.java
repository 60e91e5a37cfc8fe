package dev.baton.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What one benchmark run measures, parsed from the command line.
 *
 * @param duration measured time per instance count in the heartbeat benchmark
 * @param warmup uncounted time before each measured heartbeat window
 * @param interval heartbeat period of every instance
 * @param instances instance counts of the heartbeat benchmark
 * @param registrations measured sequential registrations per transport
 * @param starts cold starts and warm restarts per store
 * @param jitWarmup uncounted heartbeats sent right after the broker starts, before anything else
 * @param leaseInstances concurrent instances of the lease round-trip benchmark
 * @param leaseDuration measured time per instance count and variant in the lease benchmark
 * @param leaseWarmup uncounted time before each measured lease window
 * @param leaseInterval period of every instance in the lease benchmark's paced variant
 * @param leaseMaxOps most acquisitions per instance count and variant (a bound besides the time)
 * @param hotFiles files the instances contend for in the lease benchmark's hot-files variant
 * @param hookCalls measured hook processes per path in the hook benchmark
 * @param hookWarmup uncounted hook processes before the measured ones, per path
 * @param stores {@code sqlite} and/or {@code postgresql}
 * @param sections {@code heartbeat}, {@code registration}, {@code startup}, {@code lease} and/or
 *     {@code hook}
 * @param jar the broker's fat jar
 * @param workDir where temporary brokers, stores and sockets go
 * @param postgresUrl an admin URL of an existing PostgreSQL server, or null for a throwaway cluster
 * @param help print the usage and exit
 * @param arguments the command line as given
 */
record BenchOptions(
    Duration duration,
    Duration warmup,
    Duration interval,
    List<Integer> instances,
    int registrations,
    int starts,
    int jitWarmup,
    List<Integer> leaseInstances,
    Duration leaseDuration,
    Duration leaseWarmup,
    Duration leaseInterval,
    int leaseMaxOps,
    int hotFiles,
    int hookCalls,
    int hookWarmup,
    List<String> stores,
    Set<String> sections,
    Path jar,
    Path workDir,
    String postgresUrl,
    boolean help,
    List<String> arguments) {

  static final String USAGE =
      """
      Usage: bench/run [options]
        --duration D        heartbeats: measured time per instance count (default 20s)
        --warmup D          heartbeats: uncounted warm-up before each instance count (default 3s)
        --interval D        heartbeats: period of every instance (default 250ms)
        --instances LIST    heartbeats: instance counts (default 10,50,200)
        --registrations N   measured sequential registrations per transport (default 2000)
        --starts N          cold starts and warm restarts per store (default 5)
        --jit-warmup N      uncounted heartbeats sent as fast as possible right after the broker
                            starts, so that the JIT has compiled the request path, and as many
                            uncounted lease acquisitions and hook requests before those
                            benchmarks (default 5000)
        --lease-instances LIST
                            leases: concurrent instances, each acquiring and releasing in a
                            closed loop (default 10,50,200)
        --lease-duration D  leases: measured time per instance count and variant (default 10s)
        --lease-warmup D    leases: uncounted time before each measured window (default 2s)
        --lease-interval D  leases: period of every instance in the paced variant (default 500ms)
        --lease-max-ops N   leases: at most N acquisitions per instance count and variant,
                            warm-up included (default 2000000)
        --hot-files N       leases: files the instances contend for in the hot-files variant
                            (default 5)
        --hook-calls N      hooks: measured hook processes per path (default 300)
        --hook-warmup N     hooks: uncounted hook processes before them, per path (default 30)
        --stores LIST       sqlite,postgresql (default both)
        --sections LIST     heartbeat,registration,lease,hook,startup (default all)
        --jar FILE          the broker jar (default target/baton.jar)
        --work-dir DIR      where temporary brokers, stores and sockets go (default /tmp)
        --postgres-url URL  an existing PostgreSQL server (admin URL, e.g.
                            postgresql://postgres:secret@127.0.0.1:5432/postgres) instead of a
                            throwaway cluster; also BATON_BENCH_POSTGRES_URL
      Durations are written 500ms, 20s or 2m. The report (markdown) goes to stdout, progress to
      stderr.
      """;

  private static final Pattern DURATION = Pattern.compile("(\\d{1,7})(ms|s|m)");
  private static final Set<String> STORES = Set.of("sqlite", "postgresql");
  private static final Set<String> OPTIONS =
      Set.of(
          "--duration",
          "--warmup",
          "--interval",
          "--instances",
          "--registrations",
          "--starts",
          "--jit-warmup",
          "--lease-instances",
          "--lease-duration",
          "--lease-warmup",
          "--lease-interval",
          "--lease-max-ops",
          "--hot-files",
          "--hook-calls",
          "--hook-warmup",
          "--stores",
          "--sections",
          "--jar",
          "--work-dir",
          "--postgres-url");
  private static final Set<String> SECTIONS =
      Set.of("heartbeat", "registration", "lease", "hook", "startup");

  boolean runs(String section) {
    return sections.contains(section);
  }

  /**
   * Parses {@code --name value} and {@code --name=value} options.
   *
   * @throws IllegalArgumentException naming the option and the value that is wrong
   */
  static BenchOptions parse(String[] args, Map<String, String> env) {
    Duration duration = Duration.ofSeconds(20);
    Duration warmup = Duration.ofSeconds(3);
    Duration interval = Duration.ofMillis(250);
    List<Integer> instances = List.of(10, 50, 200);
    int registrations = 2000;
    int starts = 5;
    int jitWarmup = 5000;
    List<Integer> leaseInstances = List.of(10, 50, 200);
    Duration leaseDuration = Duration.ofSeconds(10);
    Duration leaseWarmup = Duration.ofSeconds(2);
    Duration leaseInterval = Duration.ofMillis(500);
    int leaseMaxOps = 2_000_000;
    int hotFiles = 5;
    int hookCalls = 300;
    int hookWarmup = 30;
    List<String> stores = List.of("sqlite", "postgresql");
    Set<String> sections = SECTIONS;
    Path jar = Path.of(System.getProperty("bench.jar", "target/baton.jar"));
    Path workDir = Path.of("/tmp");
    String postgresUrl = blankToNull(env.get("BATON_BENCH_POSTGRES_URL"));
    boolean help = false;
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      if (arg.equals("-h") || arg.equals("--help")) {
        help = true;
        continue;
      }
      if (!arg.startsWith("--")) {
        throw new IllegalArgumentException("unexpected argument '" + arg + "'");
      }
      int eq = arg.indexOf('=');
      String name = eq > 0 ? arg.substring(0, eq) : arg;
      if (!OPTIONS.contains(name)) {
        throw new IllegalArgumentException("unknown option " + name);
      }
      String value;
      if (eq > 0) {
        value = arg.substring(eq + 1);
      } else if (i + 1 < args.length) {
        value = args[++i];
      } else {
        throw new IllegalArgumentException(arg + " needs a value");
      }
      switch (name) {
        case "--duration" -> duration = duration(name, value, Duration.ofSeconds(1), 600_000);
        case "--warmup" -> warmup = duration(name, value, Duration.ZERO, 120_000);
        case "--interval" -> interval = duration(name, value, Duration.ofMillis(10), 10_000);
        case "--instances" -> instances = integers(name, value, 1, 1000);
        case "--registrations" -> registrations = integer(name, value, 1, 100_000);
        case "--starts" -> starts = integer(name, value, 0, 50);
        case "--jit-warmup" -> jitWarmup = integer(name, value, 0, 1_000_000);
        case "--lease-instances" -> leaseInstances = integers(name, value, 1, 1000);
        case "--lease-duration" ->
            leaseDuration = duration(name, value, Duration.ofSeconds(1), 600_000);
        case "--lease-warmup" -> leaseWarmup = duration(name, value, Duration.ZERO, 120_000);
        case "--lease-interval" ->
            leaseInterval = duration(name, value, Duration.ofMillis(10), 60_000);
        case "--lease-max-ops" -> leaseMaxOps = integer(name, value, 1, 100_000_000);
        case "--hot-files" -> hotFiles = integer(name, value, 1, 1000);
        case "--hook-calls" -> hookCalls = integer(name, value, 1, 100_000);
        case "--hook-warmup" -> hookWarmup = integer(name, value, 0, 100_000);
        case "--stores" -> stores = List.copyOf(words(name, value, STORES));
        case "--sections" -> sections = Set.copyOf(words(name, value, SECTIONS));
        case "--jar" -> jar = Path.of(value);
        case "--work-dir" -> workDir = Path.of(value);
        case "--postgres-url" -> postgresUrl = blankToNull(value);
        default -> throw new IllegalArgumentException("unknown option " + name);
      }
    }
    if (!help && !Files.isRegularFile(jar)) {
      throw new IllegalArgumentException(
          "--jar: "
              + jar.toAbsolutePath()
              + " does not exist; build it with 'mvn -DskipTests package'");
    }
    if (!help && !Files.isDirectory(workDir)) {
      throw new IllegalArgumentException("--work-dir: " + workDir + " is not a directory");
    }
    return new BenchOptions(
        duration,
        warmup,
        interval,
        instances,
        registrations,
        starts,
        jitWarmup,
        leaseInstances,
        leaseDuration,
        leaseWarmup,
        leaseInterval,
        leaseMaxOps,
        hotFiles,
        hookCalls,
        hookWarmup,
        stores,
        sections,
        jar.toAbsolutePath().normalize(),
        workDir.toAbsolutePath().normalize(),
        postgresUrl,
        help,
        List.of(args));
  }

  static Duration duration(String option, String text, Duration min, long maxMillis) {
    Matcher m = DURATION.matcher(text.trim().toLowerCase(Locale.ROOT));
    if (!m.matches()) {
      throw new IllegalArgumentException(
          option + ": '" + text + "' is not a duration such as 500ms, 20s or 2m");
    }
    long n = Long.parseLong(m.group(1));
    Duration d =
        switch (m.group(2)) {
          case "ms" -> Duration.ofMillis(n);
          case "s" -> Duration.ofSeconds(n);
          default -> Duration.ofMinutes(n);
        };
    if (d.compareTo(min) < 0 || d.toMillis() > maxMillis) {
      throw new IllegalArgumentException(
          option
              + ": "
              + text
              + " is out of range "
              + min.toMillis()
              + " ms to "
              + maxMillis
              + " ms");
    }
    return d;
  }

  private static int integer(String option, String text, int min, int max) {
    int n;
    try {
      n = Integer.parseInt(text.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(option + ": '" + text + "' is not a whole number", e);
    }
    if (n < min || n > max) {
      throw new IllegalArgumentException(
          option + ": " + n + " is out of range " + min + " to " + max);
    }
    return n;
  }

  private static List<Integer> integers(String option, String text, int min, int max) {
    List<Integer> out = new ArrayList<>();
    for (String part : text.split(",")) {
      out.add(integer(option, part, min, max));
    }
    return List.copyOf(out);
  }

  private static Set<String> words(String option, String text, Set<String> allowed) {
    Set<String> out = new LinkedHashSet<>();
    for (String part : text.split(",")) {
      String word = part.trim().toLowerCase(Locale.ROOT);
      if (!allowed.contains(word)) {
        throw new IllegalArgumentException(
            option + ": '" + part + "' is not one of " + new java.util.TreeSet<>(allowed));
      }
      out.add(word);
    }
    return out;
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s.trim();
  }
}
