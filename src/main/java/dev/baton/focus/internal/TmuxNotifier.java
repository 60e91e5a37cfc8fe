package dev.baton.focus.internal;

import dev.baton.focus.FleetSession;
import dev.baton.focus.FleetSessions;
import dev.baton.focus.Notice;
import dev.baton.focus.Notifier;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code tmux -S SOCKET display-message -t =SESSION TEXT} in every registered fleet session; a
 * session tmux no longer knows (or whose server is gone) is forgotten.
 */
final class TmuxNotifier implements Notifier {
  private static final Logger LOG = LoggerFactory.getLogger(TmuxNotifier.class);

  /** How long the message stays on the status line. */
  private static final String SHOW_MS = "8000";

  private final FleetSessions sessions;
  private final Programs programs;

  TmuxNotifier(FleetSessions sessions, Programs programs) {
    this.sessions = sessions;
    this.programs = programs;
  }

  @Override
  public String channel() {
    return "tmux";
  }

  @Override
  public boolean send(Notice notice) {
    List<FleetSession> all = sessions.list();
    if (all.isEmpty()) {
      return false;
    }
    Optional<Path> tmux = programs.find("tmux");
    if (tmux.isEmpty()) {
      LOG.debug("tmux is not on PATH; {} fleet sessions not reminded", all.size());
      return false;
    }
    // tmux expands #{...} and #[...] in the message: a # is doubled
    String text = (notice.title() + ": " + notice.text()).replace("#", "##");
    boolean any = false;
    for (FleetSession s : all) {
      try {
        Programs.Result r = display(tmux.get(), s, text, true);
        if (!r.ok() && r.output().contains("unknown flag")) {
          r = display(tmux.get(), s, text, false); // tmux before 3.2 has no -d
        }
        if (r.ok()) {
          any = true;
        } else if (gone(r.output())) {
          LOG.info("fleet session {} on {} is gone; forgotten", s.session(), s.socket());
          sessions.forget(s);
        } else {
          LOG.warn("tmux could not remind in {}: {}", s.session(), r.output().strip());
        }
      } catch (IOException e) {
        LOG.warn("cannot run tmux: {}", e.getMessage());
      }
    }
    return any;
  }

  private Programs.Result display(Path tmux, FleetSession s, String text, boolean delay)
      throws IOException {
    List<String> args = new ArrayList<>(List.of("-S", s.socket(), "display-message"));
    if (delay) {
      args.addAll(List.of("-d", SHOW_MS));
    }
    args.addAll(List.of("-t", "=" + s.session() + ":", text));
    return programs.run(tmux, args);
  }

  /** What tmux says when the session or its server no longer exists. */
  private static boolean gone(String output) {
    String o = output.toLowerCase(Locale.ROOT);
    return o.contains("can't find session")
        || o.contains("no server running")
        || o.contains("no such file")
        || o.contains("error connecting")
        || o.contains("connection refused");
  }
}
