package dev.baton.handoff;

import java.time.Duration;

/**
 * The settings of handoffs, messages and checkpoints ({@code handoff:} in the configuration).
 *
 * @param expireAfter how long a handoff stays pending before it expires
 * @param checkpointInterval how often each live instance is checkpointed
 * @param digestInterval how often low-importance messages are shown, batched, to an agent
 * @param maxMessageChars the most characters in a message or handoff summary
 * @param tools whether every MCP endpoint lists the handoff, message and checkpoint tools
 * @param retention how long checkpoints (but each instance's newest), read messages and answered
 *     handoffs are kept
 */
public record HandoffConfig(
    Duration expireAfter,
    Duration checkpointInterval,
    Duration digestInterval,
    int maxMessageChars,
    boolean tools,
    Duration retention) {
  public static final HandoffConfig DEFAULTS =
      new HandoffConfig(
          Duration.ofHours(4),
          Duration.ofMinutes(25),
          Duration.ofMinutes(30),
          16 * 1024,
          true,
          Duration.ofDays(30));
}
