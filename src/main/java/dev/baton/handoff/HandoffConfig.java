package dev.baton.handoff;

import dev.baton.core.ConfigSection;
import java.time.Duration;
import java.util.Locale;

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

  /** Reads the {@code handoff:} section of the configuration. */
  public static HandoffConfig from(ConfigSection section) {
    section.allowOnly(
        "expire-after",
        "checkpoint-interval",
        "digest-interval",
        "max-message-chars",
        "tools",
        "retention");
    String tools = section.string("tools").orElse("on").toLowerCase(Locale.ROOT);
    if (!tools.equals("on") && !tools.equals("off")) {
      throw section.error(section.path("tools"), "'" + tools + "' is not on or off");
    }
    HandoffConfig d = DEFAULTS;
    return new HandoffConfig(
        section.positive("expire-after", d.expireAfter()),
        section.positive("checkpoint-interval", d.checkpointInterval()),
        section.positive("digest-interval", d.digestInterval()),
        section.range("max-message-chars", d.maxMessageChars(), 100, 1024 * 1024),
        tools.equals("on"),
        section.positive("retention", d.retention()));
  }
}
