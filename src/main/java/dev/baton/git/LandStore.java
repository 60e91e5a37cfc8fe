package dev.baton.git;

import dev.baton.events.NewEvent;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * Persistence of lands. Each method is one transaction, its event included. Implementations are
 * thread-safe.
 */
public interface LandStore {
  /**
   * Stores a new land (its id is ignored) and the event {@code event} makes of it, as run by this
   * broker node on the machine {@code host}.
   */
  Land insert(Land draft, String host, Function<Land, NewEvent> event);

  Optional<Land> find(long id);

  /**
   * Replaces the land with {@code changed} when its stored status is one of {@code from}; empty
   * when it is not (nothing changes then).
   *
   * @param event the event to append with it, or null for none
   */
  Optional<Land> update(Land changed, Set<LandStatus> from, Function<Land, NewEvent> event);

  /**
   * Lands, newest first.
   *
   * @param workspace null for every workspace
   * @param instance null for every instance
   */
  List<Land> list(String workspace, String instance, int limit);

  /**
   * The queued and started lands on the machine {@code host} that no other running broker node has,
   * now this node's, oldest first: those this node has, those of nodes that stopped (a broker that
   * was killed, or restarted: each start is a new node), and those stored without an owner. Lands
   * of other machines are never taken: their repositories are not here.
   */
  List<Land> claimUnfinished(String host);

  /**
   * For each of {@code files}, the instance whose land on {@code base} in {@code workspace} changed
   * it last; files no land changed are absent.
   */
  Map<String, String> lastLanders(String workspace, String base, Collection<String> files);
}
