package dev.baton.bench;

import dev.baton.api.RegisterBody;
import dev.baton.api.client.BrokerClient;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.IntFunction;

/**
 * What a {@code baton} client command costs the agent or person who types it: the launcher started,
 * the command's output read, its exit waited for, one run at a time. Beside it, two floors: {@code
 * java -version} (a JVM that does nothing) and {@code curl --unix-socket} to the same broker (the
 * request without a JVM). Each command runs through the real launcher without the class-data
 * archive ({@code BATON_CDS=off}), with it, and, given {@code --baseline-jar}, on an older jar for
 * comparison in the same run. A real broker on SQLite answers.
 */
public final class CliBench {
  private CliBench() {}

  public static void main(String[] args) throws Exception {
    int runs = 100;
    Path baseline = null;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--runs" -> runs = Integer.parseInt(args[++i]);
        case "--baseline-jar" -> baseline = Path.of(args[++i]).toAbsolutePath();
        case "--help" -> {
          System.out.println("Usage: bench/run-cli [--runs 100] [--baseline-jar FILE]");
          return;
        }
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    if (runs < 5 || runs > 1000) {
      throw new IllegalArgumentException("--runs 5..1000");
    }
    if (baseline != null && !Files.isRegularFile(baseline)) {
      throw new IllegalArgumentException("--baseline-jar " + baseline + ": no such file");
    }
    int counted = runs;
    Path older = baseline;
    Cleanup.printAndExit(() -> run(counted, older));
  }

  private static String run(int runs, Path baseline) throws Exception {
    long start = System.nanoTime();
    Path jar = Path.of(System.getProperty("bench.jar", "target/baton.jar")).toAbsolutePath();
    Path launcher = Path.of(System.getProperty("bench.launcher", "baton")).toAbsolutePath();
    Path root = Cleanup.tempDir(Path.of("/tmp"), "baton-cli-bench-");
    Map<String, String> machine = Machine.describe(root, jar);
    Path repo = Commands.gitRepository(root.resolve("repo"));
    Path config = root.resolve("baton.yaml");
    Files.writeString(config, "registry:\n  instance-ttl: 30m\n");
    BrokerProcess.Home home =
        new BrokerProcess.Home(Cleanup.tempDir(root, "sqlite-"), config, "sqlite");
    BrokerProcess broker = BrokerProcess.start(jar, home).broker();
    List<ProcessRuns.Row> rows = new ArrayList<>();
    try {
      String instance;
      try (BrokerClient c = broker.unixClient(false)) {
        instance =
            c.register(new RegisterBody("developer", repo.toString(), null, "claude"))
                .instance()
                .id();
      }
      Map<String, String> env = new LinkedHashMap<>();
      env.put("BATON_SOCKET", home.socket().toString());
      env.put("BATON_DATA_DIR", home.dataDir().toString());
      env.put("BATON_CONFIG", config.toString());
      rows.add(
          ProcessRuns.measure("java -version (floor)", List.of("java", "-version"), env, runs));
      rows.add(
          ProcessRuns.measure(
              "curl GET /v1/health (floor)",
              List.of(
                  "curl",
                  "-s",
                  "--unix-socket",
                  home.socket().toString(),
                  "http://localhost/v1/health"),
              env,
              runs));
      Map<String, Map<String, String>> variants = new LinkedHashMap<>();
      if (baseline != null) {
        variants.put("baseline jar", with(env, "BATON_JAR", baseline.toString(), "off"));
      }
      variants.put("no archive", with(env, "BATON_JAR", jar.toString(), "off"));
      variants.put("archive", with(env, "BATON_JAR", jar.toString(), "on"));
      makeArchive(launcher, variants.get("archive"), jar);
      Map<String, IntFunction<List<String>>> commands = new LinkedHashMap<>();
      String baton = launcher.toString();
      commands.put("baton status", i -> List.of(baton, "status"));
      String src = repo.resolve("src").toString();
      commands.put("baton who PATH", i -> List.of(baton, "who", src + "/a.py"));
      int[] leased = {0}; // every run of every variant leases a path of its own
      commands.put(
          "baton lease acquire PATH",
          i ->
              List.of(
                  baton,
                  "lease",
                  "acquire",
                  "--instance",
                  instance,
                  src + "/f" + leased[0]++ + ".py"));
      for (var command : commands.entrySet()) {
        for (var variant : variants.entrySet()) {
          rows.add(
              ProcessRuns.measure(
                  command.getKey() + " (" + variant.getKey() + ")",
                  command.getValue(),
                  variant.getValue(),
                  runs));
        }
      }
    } finally {
      broker.stop();
    }
    StringBuilder s = new StringBuilder("### baton client commands: one run each\n\n");
    s.append(
        String.format(
            Locale.ROOT,
            "Each run is the launcher started, its output read and its exit waited for, one at a"
                + " time. Whole run: %.0f s.%s%n%n",
            (System.nanoTime() - start) / 1e9,
            baseline == null ? "" : " Baseline jar: " + baseline + "."));
    s.append(ProcessRuns.table("command", rows));
    s.append(ProcessRuns.machine(machine));
    return s.toString();
  }

  private static Map<String, String> with(
      Map<String, String> env, String key, String value, String archive) {
    Map<String, String> e = new LinkedHashMap<>(env);
    e.put(key, value);
    e.put("BATON_CDS", archive);
    return e;
  }

  /** Runs one command so the launcher makes the archive, and waits for it (up to 60 s). */
  private static void makeArchive(Path launcher, Map<String, String> env, Path jar)
      throws IOException, InterruptedException {
    ProcessRuns.progress("making the class-data archive");
    ProcessBuilder pb = new ProcessBuilder(launcher.toString(), "--version");
    pb.environment().putAll(env);
    pb.redirectOutput(ProcessBuilder.Redirect.DISCARD);
    pb.redirectError(ProcessBuilder.Redirect.DISCARD);
    pb.start().waitFor();
    long deadline = System.nanoTime() + 60_000_000_000L;
    while (System.nanoTime() < deadline) {
      try (DirectoryStream<Path> archives =
          Files.newDirectoryStream(jar.getParent(), "baton-client-*.jsa")) {
        if (archives.iterator().hasNext()) {
          return;
        }
      }
      Thread.sleep(200);
    }
    throw new IllegalStateException("the launcher made no class-data archive in 60 s");
  }
}
