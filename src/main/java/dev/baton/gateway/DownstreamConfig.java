package dev.baton.gateway;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * One downstream MCP server as configured under {@code servers.<name>}: a command started over
 * stdio, a Streamable HTTP URL, or a WebSocket URL ({@code ws://}, {@code wss://}). In {@code
 * args}, {@code env}, {@code cwd}, {@code url} and {@code headers}, {@code ${workspace}}, {@code
 * ${worktree}}, {@code ${instance}} and {@code ${role}} stand for the instance the server runs for
 * (with scope {@code workspace}, only {@code ${workspace}} is known).
 *
 * @param name how tools are prefixed: {@code <name>__<tool>}
 * @param command stdio: the program, e.g. {@code npx}; null for HTTP
 * @param url HTTP or WebSocket: the endpoint; null for stdio
 * @param scope one connection pool for all, per workspace, or per instance
 * @param eager start when the broker starts instead of at first use
 * @param idleTimeout an unused connection is closed after this
 * @param pool at most this many connections (processes) per pool; calls go to the least busy
 * @param callTimeout a call that takes longer fails with an error that says so
 * @param roots declare the MCP roots capability and answer the server's {@code roots/list} with the
 *     directory of its scope: the instance's worktree, or the workspace (a shared server gets
 *     none). Off by default, because a server such as server-filesystem then replaces the
 *     directories its arguments name with the roots.
 * @param writes the server's tools that write files, each with the names of its arguments that are
 *     paths (a string or a list of strings): before such a call is forwarded, baton leases each
 *     path to the caller, or refuses the call naming the holder
 */
public record DownstreamConfig(
    String name,
    String command,
    List<String> args,
    Map<String, String> env,
    String cwd,
    String url,
    Map<String, String> headers,
    Scope scope,
    boolean eager,
    Duration idleTimeout,
    int pool,
    Duration callTimeout,
    boolean roots,
    Map<String, List<String>> writes) {

  /** Default idle timeout. */
  public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofMinutes(10);

  /** Default call timeout. */
  public static final Duration DEFAULT_CALL_TIMEOUT = Duration.ofMinutes(5);

  public DownstreamConfig {
    args = List.copyOf(args);
    env = Map.copyOf(env);
    headers = Map.copyOf(headers);
    Map<String, List<String>> w = new java.util.LinkedHashMap<>();
    writes.forEach((tool, argNames) -> w.put(tool, List.copyOf(argNames)));
    writes = java.util.Collections.unmodifiableMap(w);
  }

  /** A server whose tools write no file that baton knows of. */
  public DownstreamConfig(
      String name,
      String command,
      List<String> args,
      Map<String, String> env,
      String cwd,
      String url,
      Map<String, String> headers,
      Scope scope,
      boolean eager,
      Duration idleTimeout,
      int pool,
      Duration callTimeout,
      boolean roots) {
    this(
        name,
        command,
        args,
        env,
        cwd,
        url,
        headers,
        scope,
        eager,
        idleTimeout,
        pool,
        callTimeout,
        roots,
        Map.of());
  }

  /** Where connections are shared. */
  public enum Scope {
    SHARED,
    WORKSPACE,
    INSTANCE;

    public String wireName() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  public boolean stdio() {
    return command != null;
  }

  /** A server reached over WebSocket: its {@code url} is {@code ws://} or {@code wss://}. */
  public boolean webSocket() {
    String u = url == null ? "" : url.toLowerCase(java.util.Locale.ROOT);
    return u.startsWith("ws://") || u.startsWith("wss://");
  }
}
