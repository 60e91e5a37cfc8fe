package dev.baton.server;

import dev.baton.api.FocusJson;
import dev.baton.api.FocusLine;
import dev.baton.api.InstanceState;
import dev.baton.api.StatusLineFormat;
import dev.baton.api.StatusLineFormat.Entry;
import dev.baton.api.StatusLineFormat.Totals;
import dev.baton.events.Event;
import dev.baton.focus.FocusService;
import dev.baton.git.Land;
import dev.baton.git.LandService;
import dev.baton.handoff.Handoff;
import dev.baton.handoff.HandoffEvents;
import dev.baton.handoff.HandoffService;
import dev.baton.handoff.HandoffStatus;
import dev.baton.handoff.Importance;
import dev.baton.handoff.MessageService;
import dev.baton.leases.Lease;
import dev.baton.leases.LeaseEvents;
import dev.baton.leases.LeaseService;
import dev.baton.leases.Waiting;
import dev.baton.registry.Instance;
import dev.baton.registry.InstanceEvents;
import dev.baton.registry.InstanceFilter;
import dev.baton.registry.InstanceService;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What the status line is made of: the live instances and their {@link InstanceState}, the
 * instances that went in the last {@link InstanceState#ACTIVE_WINDOW}, and the fleet's totals. It
 * remembers each instance's last change from the events; {@link #compute} asks the services for the
 * rest. {@link #note} is safe on any thread and never blocks; {@link #compute} runs on one thread.
 */
final class StatusLineState {
  /** How many recent lands and handoffs are looked at for unfinished ones. */
  private static final int RECENT = 200;

  /**
   * Events that something else did to the instance they name: they are no change of its own.
   * Messages and handoffs count for their sender ({@code data.from}) instead.
   */
  private static final Set<String> NOT_ITS_OWN =
      Set.of(
          InstanceEvents.EXPIRED,
          InstanceEvents.DEREGISTERED,
          LeaseEvents.EXPIRED,
          LeaseEvents.ORPHANED,
          HandoffEvents.MESSAGE,
          HandoffEvents.SENT,
          HandoffEvents.ACKED);

  /** The services the line reads; the composition root hands them over. */
  record Sources(
      InstanceService instances,
      LeaseService leases,
      LandService lands,
      MessageService messages,
      HandoffService handoffs,
      FocusService focus) {}

  /** An instance that ended, shown as gone for a while. */
  private record Gone(String role, Instant at) {}

  private final Sources sources;
  private final Clock clock;
  private final Map<String, Instant> lastChange = new ConcurrentHashMap<>();
  private final Map<String, Gone> gone = new ConcurrentHashMap<>();

  StatusLineState(Sources sources, Clock clock) {
    this.sources = sources;
    this.clock = clock;
  }

  /** Remembers who changed something, and who went. */
  void note(Event e) {
    if (e.type().equals(InstanceEvents.EXPIRED) || e.type().equals(InstanceEvents.DEREGISTERED)) {
      if (e.instance() != null && e.data().get("role") instanceof String role) {
        gone.put(e.instance(), new Gone(role, e.at()));
      }
      return;
    }
    if (e.type().equals(InstanceEvents.REGISTERED) && e.instance() != null) {
      gone.remove(e.instance()); // back again (a resumed session)
    }
    String who = e.instance();
    if (e.type().equals(HandoffEvents.MESSAGE) || e.type().equals(HandoffEvents.SENT)) {
      who = e.data().get("from") instanceof String from ? from : null;
    } else if (NOT_ITS_OWN.contains(e.type())) {
      who = null;
    }
    if (who != null) {
      lastChange.merge(who, e.at(), (a, b) -> a.isAfter(b) ? a : b);
    }
  }

  /** The line as it is now. */
  String compute() {
    Instant now = clock.instant();
    List<Instance> live = sources.instances().list(InstanceFilter.all());
    Set<String> waiting = new HashSet<>();
    int waits = 0;
    for (Path workspace : live.stream().map(Instance::workspace).distinct().toList()) {
      for (Waiting w : sources.leases().waiting(workspace.toString())) {
        waiting.add(w.instance());
        waits++;
      }
    }
    Set<String> handingOff = new HashSet<>();
    for (Handoff h : sources.handoffs().list(null, null, HandoffStatus.PENDING, RECENT)) {
      handingOff.add(h.from());
    }
    List<Entry> entries = new ArrayList<>();
    Set<String> liveIds = new HashSet<>();
    live.stream()
        .sorted(Comparator.comparing(Instance::createdAt).thenComparing(Instance::id))
        .forEach(
            i -> {
              liveIds.add(i.id());
              Instant changed = lastChange.getOrDefault(i.id(), i.createdAt());
              Instant last = changed.isAfter(i.createdAt()) ? changed : i.createdAt();
              InstanceState s =
                  InstanceState.of(
                      i.orphaned(),
                      waiting.contains(i.id()),
                      handingOff.contains(i.id()),
                      last,
                      now);
              entries.add(new Entry(i.id(), i.role(), s));
            });
    gone.entrySet()
        .removeIf(g -> !now.isBefore(g.getValue().at().plus(InstanceState.ACTIVE_WINDOW)));
    gone.forEach(
        (id, g) -> {
          if (!liveIds.contains(id)) {
            entries.add(new Entry(id, g.role(), InstanceState.GONE));
          }
        });
    lastChange
        .entrySet()
        .removeIf(
            c ->
                !liveIds.contains(c.getKey())
                    && !now.isBefore(c.getValue().plus(InstanceState.ACTIVE_WINDOW)));
    return StatusLineFormat.format(entries, totals(liveIds, waits));
  }

  private Totals totals(Set<String> liveIds, int waits) {
    Set<String> files = new HashSet<>();
    for (Lease l : sources.leases().list(null, null)) {
      files.add(l.workspace() + "\0" + l.pattern().text());
    }
    int lands = 0;
    for (Land land : sources.lands().list(null, null, RECENT)) {
      if (!land.status().finished()) {
        lands++;
      }
    }
    int urgent = 0;
    for (Map.Entry<String, Integer> u : sources.messages().unread(Importance.URGENT).entrySet()) {
      if (liveIds.contains(u.getKey())) {
        urgent += u.getValue();
      }
    }
    FocusLine focus =
        FocusLine.of(
            FocusJson.from(sources.focus().status()), clock.instant(), ZoneId.systemDefault());
    return new Totals(files.size(), waits, lands, urgent, focus);
  }
}
