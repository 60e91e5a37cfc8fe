package dev.baton.bench;

import java.util.ArrayList;
import java.util.List;

/**
 * The options of {@code bench/run-load}, validated.
 *
 * @param seconds how long each fleet works after its ramp
 * @param thinkMs the mean think time before each step of an agent
 * @param postgresUrl an existing server to use instead of a throwaway cluster; null for none
 * @param logs where to copy each broker's log when its fleet is done; null for nowhere
 * @param arguments as given, for the report's command line
 */
record LoadOptions(
    List<Integer> fleets,
    int seconds,
    List<String> stores,
    long thinkMs,
    int rampSeconds,
    int warmupSeconds,
    long seed,
    String postgresUrl,
    java.nio.file.Path logs,
    List<String> arguments) {
  static final String USAGE =
      """
      Usage: bench/run-load [options]
        --fleets 10,25,50,200    agents per fleet, each fleet on fresh brokers and a fresh store
        --seconds 60             how long each fleet works after its ramp (5..3600)
        --stores sqlite,postgresql
                                 sqlite: one broker; postgresql: two brokers on one throwaway
                                 cluster (or BATON_BENCH_POSTGRES_URL / --postgres-url)
        --think-ms 2000          mean think time before each step, drawn from 0.5x to 1.5x
        --ramp-seconds 5         agents start at random moments within this window
        --warmup-seconds 5       an uncounted fleet of up to 10 agents first (0: none)
        --seed 1                 seed of the agents' random choices
        --postgres-url URL       an existing PostgreSQL server instead of a throwaway cluster
        --logs DIR               copy each broker's log and GC log there (they are deleted)
      """;

  /** The options, or null when help was asked for. */
  static LoadOptions parse(String[] args) {
    List<Integer> fleets = List.of(10, 25, 50, 200);
    int seconds = 60;
    List<String> stores = List.of("sqlite", "postgresql");
    long thinkMs = 2000;
    int ramp = 5;
    int warmup = 5;
    long seed = 1;
    String url = blankToNull(System.getenv("BATON_BENCH_POSTGRES_URL"));
    java.nio.file.Path logs = null;
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      if (a.equals("--help") || a.equals("-h")) {
        return null;
      }
      if (i + 1 >= args.length) {
        throw new IllegalArgumentException("option " + a + " needs a value");
      }
      String v = args[++i];
      switch (a) {
        case "--fleets" -> fleets = integers(a, v);
        case "--seconds" -> seconds = (int) number(a, v, 5, 3600);
        case "--stores" -> stores = List.of(v.split(","));
        case "--think-ms" -> thinkMs = number(a, v, 10, 600_000);
        case "--ramp-seconds" -> ramp = (int) number(a, v, 0, 600);
        case "--warmup-seconds" -> warmup = (int) number(a, v, 0, 600);
        case "--seed" -> seed = number(a, v, Long.MIN_VALUE, Long.MAX_VALUE);
        case "--postgres-url" -> url = v;
        case "--logs" -> logs = java.nio.file.Path.of(v).toAbsolutePath();
        default -> throw new IllegalArgumentException("unknown option " + a);
      }
    }
    for (String s : stores) {
      if (!s.equals("sqlite") && !s.equals("postgresql")) {
        throw new IllegalArgumentException("--stores takes sqlite and postgresql, not '" + s + "'");
      }
    }
    return new LoadOptions(
        fleets, seconds, stores, thinkMs, ramp, warmup, seed, url, logs, List.of(args));
  }

  private static List<Integer> integers(String option, String value) {
    List<Integer> out = new ArrayList<>();
    for (String part : value.split(",")) {
      out.add((int) number(option, part, 1, 1000));
    }
    return List.copyOf(out);
  }

  private static long number(String option, String value, long min, long max) {
    long n;
    try {
      n = Long.parseLong(value.strip());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(option + " takes a number, not '" + value + "'");
    }
    if (n < min || n > max) {
      throw new IllegalArgumentException(option + " " + n + " is outside " + min + ".." + max);
    }
    return n;
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s;
  }
}
