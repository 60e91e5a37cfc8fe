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
 * Runs the real Codex CLI ({@code codex exec --json PROMPT}, from {@link NpmPackages}) in a
 * directory against a {@link FakeOpenAi}, with a home of its own, so nothing of the user's Codex
 * configuration is read or changed and nothing leaves the machine.
 *
 * <p>The model comes from a model provider {@value #PROVIDER} defined on the command line ({@code
 * -c model_providers.baton_fake={...}}): the fake's {@code base_url}, the Responses API, a dummy
 * key in {@value #KEY_VARIABLE}, no retries. The model is {@code gpt-5.5}, under which Codex offers
 * {@code apply_patch} as a custom (freeform) tool and defers MCP tools behind {@code tool_search}.
 * The sandbox is {@code workspace-write}, which lets {@code apply_patch} write in the workspace.
 * {@link #codexHome()} ({@code CODEX_HOME}) is {@code HOME/.codex}; its {@code config.toml} is left
 * to the test (e.g. for {@code baton setup codex} to trust a project in).
 *
 * <p>The environment is the test's, minus every variable whose name starts with {@code CODEX},
 * {@code OPENAI}, {@code CLAUDE}, {@code ANTHROPIC}, {@code BATON_} or {@code AI_AGENT}, plus
 * {@code HOME}, {@code CODEX_HOME}, the key, and {@code HTTPS_PROXY}/{@code HTTP_PROXY} pointing at
 * a closed port with {@code NO_PROXY} for loopback, so anything else that tries to leave the
 * machine fails fast. {@link #withEnv} overrides any of them. Immutable.
 */
public record CodexCli(
    Path workDir,
    Path home,
    String baseUrl,
    List<String> flags,
    Map<String, String> env,
    Duration timeout) {
  static final String PROVIDER = "baton_fake";
  static final String KEY_VARIABLE = "FAKE_OPENAI_API_KEY";
  private static final List<String> FOREIGN_PREFIXES =
      List.of("CODEX", "OPENAI", "CLAUDE", "ANTHROPIC", "BATON_", "AI_AGENT");
  private static final AtomicInteger RUNS = new AtomicInteger();

  public CodexCli {
    flags = List.copyOf(flags);
    env = Map.copyOf(env);
  }

  /** Codex in {@code workDir}, with {@code home} as its home, talking to {@code api}. */
  public static CodexCli in(Path workDir, Path home, FakeOpenAi api) {
    return new CodexCli(workDir, home, api.baseUrl(), List.of(), Map.of(), Duration.ofSeconds(120));
  }

  /** {@code -c KEY=VALUE}: a configuration value, {@code value} in TOML (strings quoted). */
  public CodexCli withConfig(String key, String value) {
    return withArgs("-c", key + "=" + value);
  }

  /** {@code --dangerously-bypass-hook-trust}: runs hooks nobody reviewed in Codex. */
  public CodexCli withHookTrustBypassed() {
    return withArgs("--dangerously-bypass-hook-trust");
  }

  /** More arguments of {@code codex exec}, before the prompt. */
  public CodexCli withArgs(String... args) {
    List<String> more = new ArrayList<>(flags);
    more.addAll(List.of(args));
    return new CodexCli(workDir, home, baseUrl, more, env, timeout);
  }

  /** An environment variable for Codex, and so for its hooks. */
  public CodexCli withEnv(String name, String value) {
    Map<String, String> more = new LinkedHashMap<>(env);
    more.put(name, value);
    return new CodexCli(workDir, home, baseUrl, flags, more, timeout);
  }

  /** How long {@link #run} waits for Codex to exit. */
  public CodexCli withTimeout(Duration timeout) {
    return new CodexCli(workDir, home, baseUrl, flags, env, timeout);
  }

  /** {@code CODEX_HOME}: where this Codex keeps its user config, sessions and hook trust. */
  public Path codexHome() {
    return home.resolve(".codex");
  }

  /** Runs {@code codex exec PROMPT} and waits for it to exit (it is killed after the timeout). */
  public CodexRun run(String prompt) {
    try (CodexProcess process = start(prompt)) {
      return process.awaitExit(timeout);
    }
  }

  /** Starts {@code codex exec PROMPT} in the background, its output going to files. */
  public CodexProcess start(String prompt) {
    List<String> command = new ArrayList<>(List.of(NpmPackages.node().toString(), codex()));
    command.addAll(List.of("exec", "--json", "--sandbox", "workspace-write"));
    command.addAll(providerConfig());
    command.addAll(flags);
    command.add("--");
    command.add(prompt);
    return launch(command, "exec");
  }

  /**
   * Runs {@code codex exec resume THREAD PROMPT}: the session {@code threadId} goes on with another
   * prompt, in a new process, and waits for it to exit.
   */
  public CodexRun resume(String threadId, String prompt) {
    List<String> command = new ArrayList<>(List.of(NpmPackages.node().toString(), codex()));
    command.addAll(List.of("exec", "resume", "--json"));
    command.addAll(providerConfig());
    command.addAll(flags);
    command.add(threadId);
    command.add(prompt);
    try (CodexProcess process = launch(command, "resume")) {
      return process.awaitExit(timeout);
    }
  }

  /** Runs another {@code codex} command (e.g. {@code mcp list --json}) in this environment. */
  public Processes.Result command(String... args) {
    List<String> command = new ArrayList<>(List.of(NpmPackages.node().toString(), codex()));
    command.addAll(List.of(args));
    return Processes.run(workDir, environment(), command);
  }

  /** The environment Codex gets (see the class comment). */
  public Map<String, String> environment() {
    Map<String, String> all = new LinkedHashMap<>(System.getenv());
    all.keySet().removeIf(name -> FOREIGN_PREFIXES.stream().anyMatch(name::startsWith));
    all.put("HOME", home.toString());
    all.put("CODEX_HOME", codexHome().toString());
    all.put(KEY_VARIABLE, "sk-fake-key-for-tests");
    for (String proxy : List.of("HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy")) {
      all.put(proxy, "http://127.0.0.1:9");
    }
    all.put("NO_PROXY", "127.0.0.1,localhost,::1");
    all.put("no_proxy", "127.0.0.1,localhost,::1");
    all.putAll(env);
    return all;
  }

  private List<String> providerConfig() {
    String provider =
        "{ name = \"fake OpenAI\", base_url = \""
            + baseUrl
            + "\", wire_api = \"responses\", env_key = \""
            + KEY_VARIABLE
            + "\", request_max_retries = 0, stream_max_retries = 0 }";
    return List.of(
        "-c", "model=\"gpt-5.5\"",
        "-c", "model_provider=\"" + PROVIDER + "\"",
        "-c", "model_providers." + PROVIDER + "=" + provider,
        "-c", "check_for_update_on_startup=false",
        "-c", "analytics.enabled=false");
  }

  private CodexProcess launch(List<String> command, String label) {
    try {
      Files.createDirectories(codexHome());
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
      return new CodexProcess(builder.start(), String.join(" ", command), stdout, stderr);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + command + " in " + workDir, e);
    }
  }

  private static String codex() {
    return NpmPackages.require().resolve("node_modules/@openai/codex/bin/codex.js").toString();
  }
}
