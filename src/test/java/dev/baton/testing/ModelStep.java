package dev.baton.testing;

import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a fake model answers to one main-loop request of an agent ({@link FakeAnthropic} for Claude
 * Code, {@link FakeGemini} for Gemini CLI): a text that ends the turn, or one or more tool calls
 * that the agent runs before it asks again. Any step can be held back ({@link #after}) to keep a
 * session alive but idle, as when a person pauses.
 */
public sealed interface ModelStep {

  /** How long the fake holds the request before it answers. */
  Duration delay();

  /** The same answer, sent only after {@code delay}. */
  ModelStep after(Duration delay);

  /** An answer of plain text; stop reason {@code end_turn}. */
  static ModelStep text(String text) {
    return new Text(text, Duration.ZERO);
  }

  /** One tool call; stop reason {@code tool_use}, with a fresh tool_use id. */
  static ModelStep toolUse(String name, Map<String, ?> input) {
    return toolUses(call(name, input));
  }

  /** Several tool calls in one answer, which Claude Code runs in order. */
  static ModelStep toolUses(ToolCall... calls) {
    return new ToolUses(List.of(calls), Duration.ZERO);
  }

  /** A tool call for {@link #toolUses}. */
  static ToolCall call(String name, Map<String, ?> input) {
    return new ToolCall(name, new LinkedHashMap<String, Object>(input));
  }

  /** A text answer. */
  record Text(String text, Duration delay) implements ModelStep {
    @Override
    public ModelStep after(Duration delay) {
      return new Text(text, delay);
    }
  }

  /** An answer of tool calls. */
  record ToolUses(List<ToolCall> calls, Duration delay) implements ModelStep {
    public ToolUses {
      if (calls.isEmpty()) {
        throw new IllegalArgumentException("a tool_use answer needs at least one tool call");
      }
      calls = List.copyOf(calls);
    }

    @Override
    public ModelStep after(Duration delay) {
      return new ToolUses(calls, delay);
    }
  }

  /**
   * A tool's name (e.g. Claude Code's {@code Write} or {@code mcp__baton__whoami}, Gemini CLI's
   * {@code write_file} or {@code mcp_baton_whoami}) and its input.
   */
  record ToolCall(String name, Map<String, Object> input) {
    public ToolCall {
      input = Collections.unmodifiableMap(new LinkedHashMap<>(input));
    }
  }
}
