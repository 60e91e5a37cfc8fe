package dev.baton.focus.internal;

import dev.baton.focus.Notice;
import dev.baton.focus.Notifier;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code notify-send}, when the broker's environment has a display ({@code DISPLAY} or Wayland).
 */
final class DesktopNotifier implements Notifier {
  private static final Logger LOG = LoggerFactory.getLogger(DesktopNotifier.class);

  private final Programs programs;

  DesktopNotifier(Programs programs) {
    this.programs = programs;
  }

  @Override
  public String channel() {
    return "desktop";
  }

  @Override
  public boolean send(Notice notice) {
    if (blank(programs.env("DISPLAY")) && blank(programs.env("WAYLAND_DISPLAY"))) {
      return false;
    }
    Optional<Path> notifySend = programs.find("notify-send");
    if (notifySend.isEmpty()) {
      LOG.debug("notify-send is not on PATH; no desktop notification");
      return false;
    }
    try {
      Programs.Result r =
          programs.run(
              notifySend.get(),
              List.of(
                  "--app-name=baton",
                  "--urgency=" + (notice.urgent() ? "critical" : "normal"),
                  notice.title(),
                  notice.text()));
      if (!r.ok()) {
        LOG.warn("notify-send failed (exit {}): {}", r.exit(), r.output().strip());
      }
      return r.ok();
    } catch (IOException e) {
      LOG.warn("cannot run notify-send: {}", e.getMessage());
      return false;
    }
  }

  private static boolean blank(String s) {
    return s == null || s.isBlank();
  }
}
