package dev.baton.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs the real Claude Code CLI ({@code claude -p PROMPT}, from {@link NpmPackages}) in a directory
 * against a {@link FakeAnthropic}, with a home of its own, so nothing of the user's Claude Code
 * configuration is read or changed and nothing leaves the machine.
 *
 * <p>The environment is the test's, minus every variable whose name starts with {@code CLAUDE},
 * {@code ANTHROPIC}, {@code BATON_} or {@code AI_AGENT} (so a test run from inside a Claude Code
 * session or with a {@code BATON_INSTANCE} is not confused), plus: {@code HOME} and {@code
 * CLAUDE_CONFIG_DIR} (= HOME/.claude, which Claude Code honours: its {@code .claude.json} then
 * lives there, see {@link #configFile()}), {@code ANTHROPIC_BASE_URL}, a dummy {@code
 * ANTHROPIC_API_KEY}, {@code CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC=1} (the one variable that
 * stops all of Claude Code's own calls to api.anthropic.com: feature flags, telemetry and the
 * reachability check), {@code DISABLE_AUTOUPDATER}, {@code DISABLE_TELEMETRY}, {@code
 * DISABLE_ERROR_REPORTING}, and {@code HTTPS_PROXY}/{@code HTTP_PROXY} pointing at a closed port
 * with {@code NO_PROXY} for loopback, so anything else that tries to leave the machine fails fast.
 * {@link #withEnv} overrides any of them.
 *
 * <p>Output is {@code --output-format stream-json --verbose}: one JSON event a line, the first
 * ({@code system/init}) and the last ({@code result}) naming the session. Immutable.
 */
public record ClaudeCli(
    Path workDir,
    Path home,
    String baseUrl,
    List<String> flags,
    Map<String, String> env,
    Duration timeout) {
  private static final List<String> FOREIGN_PREFIXES =
      List.of("CLAUDE", "ANTHROPIC", "BATON_", "AI_AGENT");
  private static final AtomicInteger RUNS = new AtomicInteger();

  public ClaudeCli {
    flags = List.copyOf(flags);
    env = Map.copyOf(env);
  }

  /** Claude Code in {@code workDir}, with {@code home} as its home, talking to {@code api}. */
  public static ClaudeCli in(Path workDir, Path home, FakeAnthropic api) {
    return new ClaudeCli(
        workDir, home, api.baseUrl(), List.of(), Map.of(), Duration.ofSeconds(120));
  }

  /** {@code --permission-mode MODE}: default, acceptEdits, dontAsk, plan, bypassPermissions... */
  public ClaudeCli withPermissionMode(String mode) {
    return withArgs("--permission-mode", mode);
  }

  /**
   * {@code --allowedTools A,B}: tools (or patterns like {@code Bash(git *)}) allowed without
   * asking.
   */
  public ClaudeCli withAllowedTools(String... tools) {
    return withArgs("--allowedTools", String.join(",", tools));
  }

  /** More command-line arguments, e.g. {@code --resume ID}. */
  public ClaudeCli withArgs(String... args) {
    List<String> more = new ArrayList<>(flags);
    more.addAll(List.of(args));
    return new ClaudeCli(workDir, home, baseUrl, more, env, timeout);
  }

  /** An environment variable for Claude Code, and so for its hooks and stdio MCP servers. */
  public ClaudeCli withEnv(String name, String value) {
    Map<String, String> more = new LinkedHashMap<>(env);
    more.put(name, value);
    return new ClaudeCli(workDir, home, baseUrl, flags, more, timeout);
  }

  /** How long {@link #run} and {@link #mcpAddLocal} wait for Claude Code to exit. */
  public ClaudeCli withTimeout(Duration timeout) {
    return new ClaudeCli(workDir, home, baseUrl, flags, env, timeout);
  }

  /**
   * Where this Claude Code keeps its user and local-scope settings: CLAUDE_CONFIG_DIR/.claude.json.
   */
  public Path configFile() {
    return configDir().resolve(".claude.json");
  }

  /** Runs {@code claude -p PROMPT} and waits for it to exit (it is killed after the timeout). */
  public ClaudeRun run(String prompt) {
    try (ClaudeProcess process = start(prompt)) {
      return process.awaitExit(timeout);
    }
  }

  /** Starts {@code claude -p PROMPT} in the background, its output going to files. */
  public ClaudeProcess start(String prompt) {
    List<String> command = new ArrayList<>(List.of(claude(), "-p", prompt));
    command.addAll(List.of("--output-format", "stream-json", "--verbose"));
    command.addAll(flags);
    return launch(command, "run");
  }

  /**
   * Adds a stdio MCP server in the local scope, as a person would with {@code claude mcp add
   * --scope local NAME -- COMMAND...} in {@code workDir}: it lands in {@link #configFile()} under
   * {@code projects[<repository root>].mcpServers}.
   */
  public void mcpAddLocal(String name, List<String> command) {
    List<String> args = new ArrayList<>(List.of(claude(), "mcp", "add", "--scope", "local", name));
    args.add("--");
    args.addAll(command);
    try (ClaudeProcess process = launch(args, "mcp-add")) {
      ClaudeRun run = process.awaitExit(timeout);
      if (run.exitCode() != 0) {
        throw new AssertionError(
            "claude mcp add --scope local "
                + name
                + " exited "
                + run.exitCode()
                + ": "
                + run.stderr());
      }
    }
  }

  /** The environment Claude Code gets (see the class comment). */
  public Map<String, String> environment() {
    Map<String, String> all = new LinkedHashMap<>(System.getenv());
    all.keySet().removeIf(name -> FOREIGN_PREFIXES.stream().anyMatch(name::startsWith));
    all.put("HOME", home.toString());
    all.put("CLAUDE_CONFIG_DIR", configDir().toString());
    all.put("ANTHROPIC_BASE_URL", baseUrl);
    all.put("ANTHROPIC_API_KEY", "sk-ant-fake-key-for-tests");
    all.put("CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC", "1");
    all.put("DISABLE_AUTOUPDATER", "1");
    all.put("DISABLE_TELEMETRY", "1");
    all.put("DISABLE_ERROR_REPORTING", "1");
    // On a loaded machine (CI with a parallel build) a JVM starts slowly: give baton mcp a minute
    // to answer initialize, and the hook as long to hear from the broker, instead of going ahead
    // without baton as a person's session would after 4 s.
    all.put("MCP_TIMEOUT", "60000");
    all.put("MCP_CONNECTION_NONBLOCKING", "false");
    all.put("BATON_HOOK_TIMEOUT", "25");
    for (String proxy : List.of("HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy")) {
      all.put(proxy, "http://127.0.0.1:9");
    }
    all.put("NO_PROXY", "127.0.0.1,localhost,::1");
    all.put("no_proxy", "127.0.0.1,localhost,::1");
    all.putAll(env);
    return all;
  }

  private ClaudeProcess launch(List<String> command, String label) {
    try {
      Files.createDirectories(configDir());
      Path logs = Files.createDirectories(home.resolve("runs"));
      String name = String.format("%03d-%s", RUNS.incrementAndGet(), label);
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
      return new ClaudeProcess(builder.start(), String.join(" ", command), stdout, stderr);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + command + " in " + workDir, e);
    }
  }

  private Path configDir() {
    return home.resolve(".claude");
  }

  private static String claude() {
    return NpmPackages.bin("claude").toString();
  }
}
