package dev.baton.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import tools.jackson.databind.node.ObjectNode;

/**
 * Runs the real Gemini CLI headless ({@code gemini -p PROMPT}, from {@link NpmPackages}, on its
 * Node 22) in a directory against a {@link FakeGemini}, with a home of its own, so nothing of the
 * user's Gemini CLI configuration is read or changed and nothing leaves the machine.
 *
 * <p>Gemini CLI 0.61.0 reads its user settings from {@code HOME/.gemini/settings.json}; the first
 * run writes one (see {@link #userSettings()}) that chooses API-key authentication ({@code
 * security.auth.selectedType}) and turns off usage statistics, telemetry and update checks. The
 * environment is the test's, minus every variable whose name starts with {@code GEMINI}, {@code
 * GOOGLE}, {@code CLAUDE}, {@code ANTHROPIC}, {@code BATON_} or {@code AI_AGENT}, plus: {@code
 * HOME}, {@code GOOGLE_GEMINI_BASE_URL} (the fake), a dummy {@code GEMINI_API_KEY}, and {@code
 * HTTPS_PROXY}/{@code HTTP_PROXY} pointing at a closed port with {@code NO_PROXY} for loopback, so
 * anything else that tries to leave the machine fails fast. {@link #withEnv} overrides any of them.
 *
 * <p>Folder trust is on by default: headless in an untrusted folder, Gemini CLI exits with 55 and
 * reads no project settings ({@code .gemini/settings.json}: MCP servers, hooks). {@link
 * #trustWorkDir()} trusts the directory as a person does once in the trust dialog. Without {@code
 * --approval-mode yolo} (or {@code auto_edit}) headless Gemini CLI offers no editing tools, and MCP
 * tools only of servers marked {@code "trust": true}.
 *
 * <p>The model is named ({@code -m gemini-2.5-pro}): with the default {@code auto} a router asks
 * for a complexity score before every turn. Output is {@code --output-format stream-json}: one JSON
 * event a line, the first ({@code init}) naming the session. Immutable, except that runs and {@link
 * #trustWorkDir()} write into the home.
 */
public record GeminiCli(
    Path workDir,
    Path home,
    String baseUrl,
    String model,
    List<String> flags,
    Map<String, String> env,
    Duration timeout) {
  private static final List<String> FOREIGN_PREFIXES =
      List.of("GEMINI", "GOOGLE", "CLAUDE", "ANTHROPIC", "BATON_", "AI_AGENT");
  private static final AtomicInteger RUNS = new AtomicInteger();

  public GeminiCli {
    flags = List.copyOf(flags);
    env = Map.copyOf(env);
  }

  /** Gemini CLI in {@code workDir}, with {@code home} as its home, talking to {@code api}. */
  public static GeminiCli in(Path workDir, Path home, FakeGemini api) {
    return new GeminiCli(
        workDir,
        home,
        api.baseUrl(),
        "gemini-2.5-pro",
        List.of(),
        Map.of(),
        Duration.ofSeconds(120));
  }

  /** {@code --approval-mode MODE}: default, auto_edit, yolo, plan. */
  public GeminiCli withApprovalMode(String mode) {
    return withArgs("--approval-mode", mode);
  }

  /** More command-line arguments, e.g. {@code --skip-trust}. */
  public GeminiCli withArgs(String... args) {
    List<String> more = new ArrayList<>(flags);
    more.addAll(List.of(args));
    return new GeminiCli(workDir, home, baseUrl, model, more, env, timeout);
  }

  /** An environment variable for Gemini CLI, and so for its hooks and MCP servers. */
  public GeminiCli withEnv(String name, String value) {
    Map<String, String> more = new LinkedHashMap<>(env);
    more.put(name, value);
    return new GeminiCli(workDir, home, baseUrl, model, flags, more, timeout);
  }

  /** How long {@link #run} waits for Gemini CLI to exit. */
  public GeminiCli withTimeout(Duration timeout) {
    return new GeminiCli(workDir, home, baseUrl, model, flags, env, timeout);
  }

  /** {@code HOME/.gemini/settings.json}, written with the defaults above if missing at a run. */
  public Path userSettings() {
    return home.resolve(".gemini").resolve("settings.json");
  }

  /**
   * Trusts {@code workDir} as the trust dialog does: {@code "<real path>": "TRUST_FOLDER"} in
   * {@code HOME/.gemini/trustedFolders.json}, keeping the other entries.
   */
  public GeminiCli trustWorkDir() {
    Path file = home.resolve(".gemini").resolve("trustedFolders.json");
    try {
      Files.createDirectories(file.getParent());
      ObjectNode folders =
          Files.exists(file)
              ? (ObjectNode) GeminiWire.JSON.readTree(file.toFile())
              : GeminiWire.JSON.createObjectNode();
      folders.put(workDir.toRealPath().toString(), "TRUST_FOLDER");
      Files.writeString(file, GeminiWire.JSON.writeValueAsString(folders), StandardCharsets.UTF_8);
      return this;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot trust " + workDir + " in " + file, e);
    }
  }

  /** Runs {@code gemini -p PROMPT} and waits for it to exit (it is killed after the timeout). */
  public GeminiRun run(String prompt) {
    List<String> command = new ArrayList<>(List.of(node(), gemini(), "-p", prompt));
    command.addAll(List.of("-m", model, "--output-format", "stream-json"));
    command.addAll(flags);
    try {
      writeUserSettingsIfMissing();
      Path logs = Files.createDirectories(home.resolve("runs"));
      String name = String.format("%03d-gemini", RUNS.incrementAndGet());
      Path stdout = logs.resolve(name + ".stdout");
      Path stderr = logs.resolve(name + ".stderr");
      ProcessBuilder builder =
          new ProcessBuilder(command)
              .directory(workDir.toFile())
              .redirectOutput(stdout.toFile())
              .redirectError(stderr.toFile())
              .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
      builder.environment().clear();
      builder.environment().putAll(environment());
      Process process = builder.start();
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        throw new AssertionError(
            "gemini did not exit within "
                + timeout.toMillis()
                + " ms, killed: "
                + command
                + "\nstderr: "
                + Files.readString(stderr)
                + "\nstdout: "
                + Files.readString(stdout));
      }
      return GeminiRun.of(process.exitValue(), Files.readString(stdout), Files.readString(stderr));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot run " + command + " in " + workDir, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted while waiting for " + command, e);
    }
  }

  /** The environment Gemini CLI gets (see the class comment). */
  public Map<String, String> environment() {
    Map<String, String> all = new LinkedHashMap<>(System.getenv());
    all.keySet().removeIf(name -> FOREIGN_PREFIXES.stream().anyMatch(name::startsWith));
    all.put("HOME", home.toString());
    all.put("GOOGLE_GEMINI_BASE_URL", baseUrl);
    all.put("GEMINI_API_KEY", "fake-gemini-key-for-tests");
    for (String proxy : List.of("HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy")) {
      all.put(proxy, "http://127.0.0.1:9");
    }
    all.put("NO_PROXY", "127.0.0.1,localhost,::1");
    all.put("no_proxy", "127.0.0.1,localhost,::1");
    all.putAll(env);
    return all;
  }

  private void writeUserSettingsIfMissing() throws IOException {
    Path file = userSettings();
    if (Files.exists(file)) {
      return;
    }
    ObjectNode settings = GeminiWire.JSON.createObjectNode();
    settings.putObject("security").putObject("auth").put("selectedType", "gemini-api-key");
    settings.putObject("privacy").put("usageStatisticsEnabled", false);
    settings.putObject("telemetry").put("enabled", false);
    settings
        .putObject("general")
        .put("enableAutoUpdate", false)
        .put("enableAutoUpdateNotification", false);
    Files.createDirectories(file.getParent());
    Files.writeString(file, GeminiWire.JSON.writeValueAsString(settings), StandardCharsets.UTF_8);
  }

  private static String node() {
    return NpmPackages.node().toString();
  }

  /** The bundle itself: Node resolves its imports next to the real file, not the .bin link. */
  private static String gemini() {
    try {
      return NpmPackages.bin("gemini").toRealPath().toString();
    } catch (IOException e) {
      throw new UncheckedIOException("@google/gemini-cli is not installed in mcp-servers", e);
    }
  }
}
