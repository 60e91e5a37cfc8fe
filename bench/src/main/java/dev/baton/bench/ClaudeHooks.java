package dev.baton.bench;

import dev.baton.api.client.BrokerClient;
import dev.baton.api.client.HttpResponse;
import dev.baton.bench.LoadTally.Op;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import tools.jackson.databind.json.JsonMapper;

/**
 * The Claude Code hooks of one simulated session, sent as the hook script sends them ({@code POST
 * /v1/hooks/claude/<Event>} with Claude Code's JSON and {@code X-Baton-Instance}, as the launcher
 * sets {@code BATON_INSTANCE}), timed and counted into the agent's tally. Not thread-safe.
 */
final class ClaudeHooks {
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final long HOOK_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(4);

  /** What a PreToolUse came to. */
  enum Edit {
    GRANTED,
    DENIED,
    FAILED
  }

  private final LoadTally tally;
  private final String workspace;
  private final String role;
  private final String sessionId;
  private final String instance;

  ClaudeHooks(LoadTally tally, String workspace, String role, String sessionId, String instance) {
    this.tally = tally;
    this.workspace = workspace;
    this.role = role;
    this.sessionId = sessionId;
    this.instance = instance;
  }

  /**
   * An {@code Edit} of {@code file} (relative to the workspace): PreToolUse, timed as the lock, and
   * PostToolUse when it was granted. A denial names the holder: a conflict, which is an answer.
   */
  Edit edit(BrokerClient c, String file) {
    Map<String, Object> input = new LinkedHashMap<>();
    input.put("file_path", workspace + "/" + file);
    input.put("old_string", "a");
    input.put("new_string", "b");
    Map<String, Object> tool = Map.of("tool_name", "Edit", "tool_input", input);
    long t0 = System.nanoTime();
    HttpResponse r = send(c, Op.LOCK, "PreToolUse", tool, t0);
    if (r == null) {
      return Edit.FAILED;
    }
    long took = System.nanoTime() - t0;
    String body = r.bodyText().strip();
    if (r.status() == 200 && body.equals("{}")) {
      tally.ok(Op.LOCK, took);
      late(Op.LOCK, took);
      event(c, Op.EDIT_DONE, "PostToolUse", tool);
      return Edit.GRANTED;
    }
    if (r.status() == 200 && body.contains("\"permissionDecision\":\"deny\"")) {
      tally.conflict(Op.LOCK, took);
      late(Op.LOCK, took);
      return Edit.DENIED;
    }
    tally.error(Op.LOCK, "PreToolUse answered " + r.status() + ": " + body);
    return Edit.FAILED;
  }

  /** Any other hook: 200 without a "coordination is off" message is success. */
  void event(BrokerClient c, Op op, String event, Map<String, Object> extra) {
    long t0 = System.nanoTime();
    HttpResponse r = send(c, op, event, extra, t0);
    if (r == null) {
      return;
    }
    long took = System.nanoTime() - t0;
    if (r.status() == 200 && !r.bodyText().contains("\"systemMessage\"")) {
      tally.ok(op, took);
      late(op, took);
    } else {
      tally.error(op, event + " answered " + r.status() + ": " + r.bodyText());
    }
  }

  /** Claude Code's hook document for {@code event}; null after counting the error. */
  private HttpResponse send(
      BrokerClient c, Op op, String event, Map<String, Object> extra, long t0) {
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("session_id", sessionId);
    doc.put("transcript_path", "/tmp/bench-" + sessionId + ".jsonl");
    doc.put("cwd", workspace);
    doc.put("permission_mode", "default");
    doc.put("hook_event_name", event);
    doc.putAll(extra);
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("Content-Type", "application/json");
    headers.put("X-Baton-Instance", instance);
    headers.put("X-Baton-Role", role);
    try {
      return c.send("POST", "/v1/hooks/claude/" + event, headers, JSON.writeValueAsBytes(doc));
    } catch (RuntimeException e) {
      tally.error(
          op, event + " failed after " + (System.nanoTime() - t0) / 1_000_000 + " ms: " + e);
      return null;
    }
  }

  /** Past the hook script's 4 s timeout, Claude Code goes ahead unchecked: that is an error. */
  private void late(Op op, long took) {
    if (took > HOOK_TIMEOUT_NANOS) {
      tally.error(op, "answered after " + took / 1_000_000 + " ms, past the hook's 4 s timeout");
    }
  }
}
