package dev.baton.focus;

import java.util.List;

/**
 * The fleet sessions this broker reminds the person in: registered by {@code baton up}, kept in the
 * data directory (they belong to this machine), dropped when tmux says they are gone. Thread-safe.
 */
public interface FleetSessions {
  /**
   * Adds a session (again: no change).
   *
   * @throws dev.baton.core.InvalidInputException for a relative socket path or a blank name
   */
  FleetSession register(FleetSession session);

  /** Removes a session; false when it was not registered. */
  boolean forget(FleetSession session);

  List<FleetSession> list();
}
