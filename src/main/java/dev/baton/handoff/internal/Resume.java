package dev.baton.handoff.internal;

import dev.baton.handoff.Checkpoint;
import dev.baton.handoff.Handoff;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/** "Where you left off", as short plain text for a person or an agent. */
final class Resume {
  private static final int MAX_LIST = 8;

  private Resume() {}

  static String render(
      List<Checkpoint> checkpoints,
      List<Handoff> pending,
      Function<String, String> liveness,
      Instant now) {
    StringBuilder out = new StringBuilder();
    if (checkpoints.isEmpty()) {
      out.append("No checkpoint yet: nothing to pick up here.\n");
    } else {
      out.append("Where you left off:\n");
    }
    for (Checkpoint c : checkpoints) {
      out.append('\n')
          .append(c.instance())
          .append(" (")
          .append(c.role())
          .append("), ")
          .append(liveness.apply(c.instance()))
          .append(". Checkpoint ")
          .append(ago(c.createdAt(), now))
          .append(" (")
          .append(c.reason())
          .append("):\n");
      if (c.summary() != null) {
        out.append("  said: ").append(c.summary()).append('\n');
      }
      if (!c.activeContext().isEmpty()) {
        out.append("  active context: ").append(context(c.activeContext())).append('\n');
      }
      if (c.branch() != null || c.head() != null) {
        out.append("  git: ")
            .append(c.branch() == null ? "detached HEAD" : "branch " + c.branch())
            .append(
                c.head() == null
                    ? ""
                    : " at " + c.head().substring(0, Math.min(12, c.head().length())))
            .append(
                c.changedFiles().isEmpty()
                    ? ", working tree clean"
                    : ", " + c.changedFiles().size() + " changed: " + list(c.changedFiles()))
            .append('\n');
      }
      out.append("  files held: ")
          .append(c.leases().isEmpty() ? "none" : list(c.leases()))
          .append('\n');
      if (!c.items().isEmpty()) {
        out.append("  wrote: ").append(list(c.items())).append('\n');
      }
    }
    if (!pending.isEmpty()) {
      out.append("\nHandoffs waiting for an answer:\n");
      for (Handoff h : pending) {
        out.append("  #")
            .append(h.id())
            .append(" from ")
            .append(h.from())
            .append(" to ")
            .append(h.to() == null ? "the next instance of role " + h.toRole() : h.to())
            .append(" (")
            .append(h.kind())
            .append("): ")
            .append(Texts.cut(h.summary(), 200))
            .append('\n');
      }
    }
    return out.toString().strip();
  }

  /** e.g. {@code 5 min ago}. */
  static String ago(Instant then, Instant now) {
    long s = Math.max(0, Duration.between(then, now).toSeconds());
    if (s < 60) {
      return s + " s ago";
    }
    if (s < 3600) {
      return s / 60 + " min ago";
    }
    if (s < 48 * 3600) {
      return s / 3600 + " h " + (s % 3600) / 60 + " min ago";
    }
    return s / 86400 + " days ago";
  }

  private static String list(List<String> items) {
    List<String> shown = items.size() > MAX_LIST ? items.subList(0, MAX_LIST) : items;
    String s = String.join("; ", shown.stream().map(String::strip).toList());
    return items.size() > MAX_LIST ? s + "; and " + (items.size() - MAX_LIST) + " more" : s;
  }

  private static String context(Map<String, Object> content) {
    StringBuilder s = new StringBuilder();
    for (Map.Entry<String, Object> e : content.entrySet()) {
      if (s.length() > 0) {
        s.append("; ");
      }
      s.append(e.getKey()).append(": ").append(e.getValue());
    }
    return Texts.cut(s.toString(), 400);
  }
}
