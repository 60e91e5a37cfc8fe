package dev.baton.focus.internal;

import dev.baton.core.BatonException;
import dev.baton.core.ErrorCode;
import dev.baton.core.InvalidInputException;
import dev.baton.focus.FleetSession;
import dev.baton.focus.FleetSessions;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Fleet sessions in a file of the data directory, one {@code SOCKET<TAB>SESSION} line each: they
 * belong to this machine, not to the (possibly shared) store. Written whole, through a temporary
 * file. Thread-safe.
 */
public final class FleetSessionFile implements FleetSessions {
  private static final int MAX_SESSIONS = 100;

  private final Path file;
  private final Set<FleetSession> sessions = new LinkedHashSet<>();

  /** Reads the file when it exists. */
  public FleetSessionFile(Path file) {
    this.file = file;
    if (Files.exists(file)) {
      try {
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
          int tab = line.indexOf('\t');
          if (tab > 0 && tab < line.length() - 1) {
            sessions.add(new FleetSession(line.substring(0, tab), line.substring(tab + 1)));
          }
        }
      } catch (IOException e) {
        throw new BatonException(
            ErrorCode.INTERNAL,
            "cannot read the fleet sessions in " + file + ": " + e.getMessage());
      }
    }
  }

  @Override
  public synchronized FleetSession register(FleetSession session) {
    FleetSession s = valid(session);
    if (sessions.add(s)) {
      if (sessions.size() > MAX_SESSIONS) {
        sessions.remove(sessions.iterator().next()); // the oldest, most likely gone
      }
      write();
    }
    return s;
  }

  @Override
  public synchronized boolean forget(FleetSession session) {
    boolean removed = sessions.remove(session);
    if (removed) {
      write();
    }
    return removed;
  }

  @Override
  public synchronized List<FleetSession> list() {
    return new ArrayList<>(sessions);
  }

  private static FleetSession valid(FleetSession s) {
    String socket = s.socket() == null ? "" : s.socket().strip();
    String name = s.session() == null ? "" : s.session().strip();
    if (socket.isEmpty() || !Path.of(socket).isAbsolute() || socket.contains("\t")) {
      throw new InvalidInputException(
          "socket '"
              + s.socket()
              + "' is not the absolute path of a tmux server's socket (tmux display-message -p"
              + " '#{socket_path}')",
          Map.of("field", "socket"));
    }
    if (name.isEmpty() || name.contains("\t") || name.contains("\n")) {
      throw new InvalidInputException(
          "session '" + s.session() + "' is not a tmux session name", Map.of("field", "session"));
    }
    return new FleetSession(socket, name);
  }

  private void write() {
    StringBuilder text = new StringBuilder();
    for (FleetSession s : sessions) {
      text.append(s.socket()).append('\t').append(s.session()).append('\n');
    }
    try {
      Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
      Files.writeString(tmp, text, StandardCharsets.UTF_8);
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new BatonException(
          ErrorCode.INTERNAL, "cannot write the fleet sessions to " + file + ": " + e.getMessage());
    }
  }
}
