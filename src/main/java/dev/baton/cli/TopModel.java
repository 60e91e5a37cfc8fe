package dev.baton.cli;

import dev.baton.api.EventJson;
import dev.baton.api.FocusJson;
import dev.baton.api.InstanceJson;
import dev.baton.api.InstanceState;
import dev.baton.api.LandJson;
import dev.baton.api.LeaseJson;
import dev.baton.api.WaitingListJson.WaitingJson;
import dev.baton.api.WorktreeJson;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What {@code baton top} shows: the fleet, built from a snapshot of the broker's state and kept
 * current by the event stream. Events up to the snapshot's horizon only tell who did what when (the
 * state already has them); later ones change the state too, and applying one twice changes nothing
 * more, because every change is keyed by its lease, handoff, land or instance id. Not thread-safe:
 * the caller serialises access.
 */
final class TopModel {
  /** How long a gone instance stays on the screen. */
  static final Duration GONE_SHOWN = Duration.ofMinutes(5);

  private static final int LOG_SIZE = 50;

  /** What the broker said when {@code baton top} (re)connected. */
  record Snapshot(
      long horizon,
      List<InstanceJson> instances,
      List<LeaseJson> leases,
      List<WaitingJson> waiting,
      List<HandoffRow> openHandoffs,
      List<LandJson> lands,
      List<WorktreeJson> worktrees,
      Map<String, Integer> unread) {}

  /** An open handoff, as {@code GET /v1/handoffs} lists it. */
  record HandoffRow(long id, String from, String to, String summary, String status) {}

  /** A line of the log of messages, handoffs and lands. */
  record LogLine(long event, Instant at, String text, long message) {
    LogLine(long event, Instant at, String text) {
      this(event, at, text, 0);
    }
  }

  /** One instance row as drawn. */
  record Row(
      String id,
      String role,
      InstanceState state,
      List<String> files,
      String branch,
      String git,
      Instant lastSeen,
      int unread) {}

  /** A lease request in the queue. */
  record Wait(String instance, List<String> paths, Instant since) {}

  /** A land in the queue or just finished. */
  record LandRow(long id, String instance, String branch, String status, Instant at) {}

  private static final class Member {
    InstanceJson instance;
    Instant goneAt;
    Instant lastChange;
    int unread;
    WorktreeJson worktree;
  }

  private final Map<String, Member> members = new LinkedHashMap<>();
  private final Map<String, LeaseJson> leases = new HashMap<>();
  private final Map<String, Wait> waiting = new LinkedHashMap<>();
  private final Map<Long, HandoffRow> openHandoffs = new HashMap<>();
  private final Map<Long, LandRow> lands = new LinkedHashMap<>();
  private final Deque<LogLine> log = new ArrayDeque<>();

  /** The events seen of each message in the log: one per recipient. */
  private final Map<Long, java.util.Set<Long>> recipients = new HashMap<>();

  private long horizon;
  private long lastEvent;
  private FocusJson focus;

  /** Replaces everything with the broker's state now. */
  void load(Snapshot s) {
    members.clear();
    leases.clear();
    waiting.clear();
    openHandoffs.clear();
    lands.clear();
    log.clear();
    recipients.clear();
    horizon = s.horizon();
    lastEvent = s.horizon();
    List<InstanceJson> byAge = new ArrayList<>(s.instances());
    byAge.sort(Comparator.comparing(InstanceJson::createdAt).thenComparing(InstanceJson::id));
    for (InstanceJson i : byAge) {
      Member m = new Member();
      m.instance = i;
      m.lastChange = i.createdAt();
      m.unread = s.unread().getOrDefault(i.id(), 0);
      members.put(i.id(), m);
    }
    s.leases().forEach(l -> leases.put(l.id(), l));
    s.waiting()
        .forEach(w -> waiting.put(w.instance(), new Wait(w.instance(), w.paths(), w.since())));
    s.openHandoffs().forEach(h -> openHandoffs.put(h.id(), h));
    s.lands().stream()
        .sorted(Comparator.comparingLong(LandJson::id))
        .forEach(l -> lands.put(l.id(), landRow(l)));
    worktrees(s.worktrees());
  }

  /**
   * The person's focus timer, asked for after the snapshot and after each {@code focus.*} event.
   */
  void focus(FocusJson timer) {
    focus = timer;
  }

  /** The focus timer as last asked for, or null before. */
  FocusJson focus() {
    return focus;
  }

  /** Git's view of each worktree (ahead, behind, changed files), asked for now and then. */
  void worktrees(List<WorktreeJson> worktrees) {
    for (WorktreeJson w : worktrees) {
      Member m = members.get(w.instance());
      if (m != null) {
        m.worktree = w;
      }
    }
  }

  /** The instances as the registry lists them now: their heartbeats, which have no events. */
  void seen(List<InstanceJson> instances) {
    for (InstanceJson i : instances) {
      Member m = members.get(i.id());
      if (m != null && m.goneAt == null) {
        m.instance = i;
      }
    }
  }

  /** An instance's unread messages, asked for again. */
  void unread(String instance, int count) {
    Member m = members.get(instance);
    if (m != null) {
      m.unread = count;
    }
  }

  long lastEvent() {
    return lastEvent;
  }

  /**
   * Applies one event of the stream; returns the instance whose unread messages should be asked for
   * again, or null.
   */
  String apply(EventJson e) {
    lastEvent = Math.max(lastEvent, e.id());
    Map<String, Object> d = e.data() == null ? Map.of() : e.data();
    String actor =
        e.type().equals("message.sent") || e.type().equals("handoff.sent")
            ? text(d, "from")
            : e.instance();
    touch(actor, e.at());
    logLine(e, d);
    if (e.id() <= horizon) {
      return null;
    }
    String instance = e.instance();
    switch (e.type()) {
      case "instance.registered", "instance.role_changed" -> {
        Member m = members.computeIfAbsent(instance, k -> new Member());
        m.goneAt = null;
        m.instance = fromEvent(m.instance, e, d);
        if (m.lastChange == null) {
          m.lastChange = e.at();
        }
      }
      case "instance.deregistered", "instance.expired" -> {
        Member m = members.get(instance);
        if (m != null) {
          m.goneAt = e.at();
        }
        leases.values().removeIf(l -> l.instance().equals(instance));
        waiting.remove(instance);
      }
      case "lease.acquired", "lease.transferred" -> {
        String id = text(d, "lease");
        if (id != null) {
          leases.put(id, leaseFromEvent(id, e, d));
        }
        if (e.type().equals("lease.acquired")) {
          waiting.remove(instance);
        }
      }
      case "lease.released", "lease.expired" -> leases.remove(text(d, "lease"));
      case "lease.waiting" ->
          waiting.put(instance, new Wait(instance, strings(d.get("paths")), e.at()));
      case "lease.wait_ended" -> waiting.remove(instance);
      case "handoff.sent" -> {
        long id = number(d, "handoff");
        openHandoffs.put(
            id, new HandoffRow(id, text(d, "from"), instance, text(d, "summary"), "pending"));
      }
      case "handoff.accepted", "handoff.declined", "handoff.expired" ->
          openHandoffs.remove(number(d, "handoff"));
      case "message.sent" -> {
        return instance;
      }
      default -> {
        if (e.type().startsWith("land.")) {
          long id = number(d, "land");
          LandRow old = lands.get(id);
          String branch =
              text(d, "branch") != null ? text(d, "branch") : old == null ? null : old.branch();
          lands.put(id, new LandRow(id, instance, branch, e.type().substring(5), e.at()));
        }
      }
    }
    return null;
  }

  /** The instances, live first in the order they came, then the recently gone. */
  List<Row> rows(Instant now) {
    members.values().removeIf(m -> m.goneAt != null && m.goneAt.plus(GONE_SHOWN).isBefore(now));
    List<Row> rows = new ArrayList<>();
    for (Member m : members.values()) {
      if (m.instance == null) {
        continue;
      }
      String id = m.instance.id();
      boolean handingOff = openHandoffs.values().stream().anyMatch(h -> id.equals(h.from()));
      InstanceState state =
          InstanceState.of(
              m.goneAt != null, waiting.containsKey(id), handingOff, m.lastChange, now);
      List<String> files =
          leases.values().stream()
              .filter(l -> l.instance().equals(id))
              .map(LeaseJson::path)
              .sorted()
              .toList();
      rows.add(
          new Row(
              id,
              m.instance.role(),
              state,
              files,
              m.instance.branch(),
              git(m.worktree),
              m.instance.lastHeartbeat(),
              m.unread));
    }
    rows.sort(Comparator.comparing((Row r) -> r.state() == InstanceState.GONE));
    return rows;
  }

  List<Wait> waiting() {
    return waiting.values().stream().sorted(Comparator.comparing(Wait::since)).toList();
  }

  /** Lands still queued or running, then the last few that finished, newest last. */
  List<LandRow> lands(int finished) {
    List<LandRow> open = new ArrayList<>();
    List<LandRow> done = new ArrayList<>();
    for (LandRow l : lands.values()) {
      (l.status().equals("queued") || l.status().equals("started") ? open : done).add(l);
    }
    List<LandRow> out =
        new ArrayList<>(done.subList(Math.max(0, done.size() - finished), done.size()));
    out.addAll(open);
    return out;
  }

  int landsQueued() {
    return (int)
        lands.values().stream()
            .filter(l -> l.status().equals("queued") || l.status().equals("started"))
            .count();
  }

  int filesLeased() {
    return leases.size();
  }

  /** The newest lines of the log, newest last. */
  List<LogLine> log(int n) {
    List<LogLine> all = new ArrayList<>(log);
    return all.subList(Math.max(0, all.size() - n), all.size());
  }

  /** The leases an instance holds, by id. */
  List<LeaseJson> leasesOf(String instance) {
    return leases.values().stream().filter(l -> l.instance().equals(instance)).toList();
  }

  private void touch(String instance, Instant at) {
    Member m = instance == null ? null : members.get(instance);
    if (m != null && at != null && (m.lastChange == null || at.isAfter(m.lastChange))) {
      m.lastChange = at;
    }
  }

  private void logLine(EventJson e, Map<String, Object> d) {
    String text =
        switch (e.type()) {
          case "message.sent" ->
              tag(text(d, "from"))
                  + " → "
                  + tag(e.instance())
                  + ("urgent".equals(text(d, "importance")) ? " (urgent)" : "")
                  + ": "
                  + oneLine(text(d, "text"));
          case "handoff.sent" ->
              "handoff #"
                  + number(d, "handoff")
                  + " "
                  + tag(text(d, "from"))
                  + " → "
                  + tag(e.instance())
                  + ": "
                  + oneLine(text(d, "summary"));
          case "handoff.accepted", "handoff.declined", "handoff.expired" ->
              "handoff #" + number(d, "handoff") + " " + e.type().substring(8);
          case "land.landed", "land.conflicted", "land.failed" ->
              "land #" + number(d, "land") + " " + tag(e.instance()) + " " + e.type().substring(5);
          default -> null;
        };
    if (text == null || log.stream().anyMatch(l -> l.event() == e.id())) {
      return;
    }
    if (e.type().equals("message.sent")) {
      // a broadcast is one event per recipient: one line for the message, with its count
      long message = number(d, "message");
      java.util.Set<Long> events =
          recipients.computeIfAbsent(message, k -> new java.util.HashSet<>());
      if (!events.add(e.id())) {
        return;
      }
      int others = events.size() - 1;
      if (others > 0) {
        log.removeIf(l -> l.message() == message);
        text =
            tag(text(d, "from"))
                + " → "
                + (others + 1)
                + " agents"
                + ("urgent".equals(text(d, "importance")) ? " (urgent)" : "")
                + ": "
                + oneLine(text(d, "text"));
      }
      log.addLast(new LogLine(e.id(), e.at(), text, message));
    } else {
      log.addLast(new LogLine(e.id(), e.at(), text, 0));
    }
    while (log.size() > LOG_SIZE) {
      log.removeFirst();
    }
    if (recipients.size() > LOG_SIZE) {
      java.util.Set<Long> shown = new java.util.HashSet<>();
      log.forEach(l -> shown.add(l.message()));
      recipients.keySet().retainAll(shown);
    }
  }

  /** {@code DEV:claude-1a2b} for an instance this view knows, else its short id. */
  String tag(String instance) {
    if (instance == null) {
      return "human";
    }
    Member m = members.get(instance);
    String role = m == null || m.instance == null ? null : m.instance.role();
    return (role == null ? "" : Format.roleTag(role) + ":") + Format.shortId(instance);
  }

  private static String git(WorktreeJson w) {
    if (w == null) {
      return "";
    }
    StringBuilder s = new StringBuilder();
    s.append('↑').append(w.ahead()).append(" ↓").append(w.behind());
    int changed = w.uncommitted() + w.untracked();
    if (changed > 0) {
      s.append(" ±").append(changed);
    }
    return s.toString();
  }

  private static InstanceJson fromEvent(InstanceJson old, EventJson e, Map<String, Object> d) {
    String role = text(d, "role") != null ? text(d, "role") : old == null ? "?" : old.role();
    return new InstanceJson(
        e.instance(),
        role,
        text(d, "client") != null ? text(d, "client") : old == null ? null : old.client(),
        e.workspace(),
        text(d, "worktree") != null ? text(d, "worktree") : old == null ? null : old.worktree(),
        text(d, "branch") != null ? text(d, "branch") : old == null ? null : old.branch(),
        old == null ? e.at() : old.createdAt(),
        e.at(),
        old == null ? null : old.expiresAt(),
        null,
        null,
        null);
  }

  private static LeaseJson leaseFromEvent(String id, EventJson e, Map<String, Object> d) {
    String expires = text(d, "expiresAt");
    return new LeaseJson(
        id,
        e.workspace(),
        e.instance(),
        text(d, "role"),
        text(d, "path"),
        Boolean.TRUE.equals(d.get("glob")),
        text(d, "mode"),
        text(d, "reason"),
        number(d, "fencingToken"),
        0,
        e.at(),
        e.at(),
        expires == null ? null : Instant.parse(expires),
        null,
        null,
        null);
  }

  private static LandRow landRow(LandJson l) {
    Instant at =
        Objects.requireNonNullElse(
            l.finishedAt(), Objects.requireNonNullElse(l.startedAt(), l.queuedAt()));
    return new LandRow(l.id(), l.instance(), l.branch(), l.status(), at);
  }

  private static String text(Map<String, Object> d, String key) {
    Object v = d.get(key);
    return v == null ? null : v.toString();
  }

  private static long number(Map<String, Object> d, String key) {
    Object v = d.get(key);
    return v instanceof Number n ? n.longValue() : v == null ? 0 : Long.parseLong(v.toString());
  }

  private static List<String> strings(Object v) {
    return v instanceof List<?> list ? list.stream().map(String::valueOf).toList() : List.of();
  }

  private static String oneLine(String text) {
    if (text == null) {
      return "";
    }
    String s = Format.safe(text.replaceAll("\\s+", " ").strip());
    return s.length() > 120 ? s.substring(0, 119) + "…" : s;
  }
}
