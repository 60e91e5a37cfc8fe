package dev.baton.handoff.internal;

import dev.baton.core.InvalidInputException;
import dev.baton.events.NewEvent;
import dev.baton.handoff.Handoff;
import dev.baton.handoff.HandoffConfig;
import dev.baton.handoff.HandoffEvents;
import dev.baton.handoff.HandoffStore;
import dev.baton.handoff.Importance;
import dev.baton.handoff.InboxEntry;
import dev.baton.handoff.Message;
import dev.baton.handoff.MessageRequest;
import dev.baton.handoff.MessageService;
import dev.baton.leases.LeaseService;
import dev.baton.registry.Instance;
import dev.baton.registry.InstanceFilter;
import dev.baton.registry.InstanceNotFoundException;
import dev.baton.registry.InstanceService;
import dev.baton.registry.UnknownRoleException;
import dev.baton.registry.WorkspaceResolver;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Messages over a {@link HandoffStore}; recipients are the live instances when it is sent. */
public final class DefaultMessageService implements MessageService {
  private static final int NEWS_LIMIT = 50;

  private final HandoffStore store;
  private final InstanceService instances;
  private final WorkspaceResolver workspaces;
  private final HandoffConfig config;
  private final Clock clock;
  private final LeaseService leases;

  /** When each instance was last shown its low-importance messages (a digest). */
  private final Map<String, Instant> lastDigest = new ConcurrentHashMap<>();

  public DefaultMessageService(
      HandoffStore store,
      InstanceService instances,
      WorkspaceResolver workspaces,
      HandoffConfig config,
      Clock clock) {
    this(store, instances, workspaces, config, clock, null);
  }

  /**
   * @param leases tells the current state of the leases a handoff moved, added to its message
   *     whenever it is shown; null leaves messages as they were sent
   */
  public DefaultMessageService(
      HandoffStore store,
      InstanceService instances,
      WorkspaceResolver workspaces,
      HandoffConfig config,
      Clock clock,
      LeaseService leases) {
    this.leases = leases;
    this.store = store;
    this.instances = instances;
    this.workspaces = workspaces;
    this.config = config;
    this.clock = clock;
  }

  @Override
  public List<InboxEntry> send(MessageRequest request) {
    String text = Texts.required(request.text(), "text", config.maxMessageChars());
    String to = request.to() == null ? "" : request.to().strip();
    if (to.isEmpty()) {
      throw new InvalidInputException(
          "field 'to' is required: an instance id, role:<name>, all or human",
          Map.of("field", "to"));
    }
    String from;
    Path workspace;
    if (request.workspace() == null || request.workspace().isBlank()) {
      if (request.from() == null || request.from().isBlank()) {
        throw new InvalidInputException(
            "field 'from' is required: the sending instance, or give 'workspace' for a person",
            Map.of("field", "from"));
      }
      Instance sender = instances.get(request.from().strip());
      from = sender.id();
      workspace = sender.workspace();
    } else {
      from = request.from() == null || request.from().isBlank() ? "human" : request.from().strip();
      workspace = workspaces.resolve(Path.of(request.workspace())).root();
    }
    List<String> recipients = recipients(workspace, from, to);
    Importance importance = request.importance() == null ? Importance.NORMAL : request.importance();
    Message draft =
        new Message(0, workspace, from, to, importance, text, request.ackRequested(), null, now());
    Message stored = store.insertMessage(draft, recipients, DefaultMessageService::event);
    return recipients.stream().map(r -> new InboxEntry(stored, r, null, null)).toList();
  }

  /** The live instances an address names in the workspace, the sender left out. */
  private List<String> recipients(Path workspace, String from, String to) {
    if (to.equals(HUMAN)) {
      if (from.equals(HUMAN)) {
        throw new InvalidInputException(
            "a message from human to human is not sent", Map.of("field", "to"));
      }
      return List.of(HUMAN);
    }
    List<String> out = new ArrayList<>();
    if (to.equals("all") || to.startsWith("role:")) {
      String role = to.equals("all") ? null : to.substring("role:".length()).strip();
      if (role != null && !instances.roles().contains(role)) {
        throw new UnknownRoleException(role, instances.roles());
      }
      for (Instance i : instances.list(new InstanceFilter(workspace.toString(), role))) {
        if (!i.id().equals(from)) {
          out.add(i.id());
        }
      }
      if (out.isEmpty()) {
        throw new InvalidInputException(
            (role == null ? "no other instance" : "no instance of role " + role)
                + " is working in "
                + workspace
                + " now; nobody would get the message",
            Map.of("field", "to"));
      }
      return out;
    }
    Instance recipient = instances.get(to);
    if (!recipient.workspace().equals(workspace)) {
      throw new InvalidInputException(
          to + " works in " + recipient.workspace() + ", not in " + workspace,
          Map.of("field", "to"));
    }
    if (recipient.id().equals(from)) {
      throw new InvalidInputException("a message to oneself is not sent", Map.of("field", "to"));
    }
    return List.of(recipient.id());
  }

  static NewEvent event(Message m, String recipient) {
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("message", m.id());
    data.put("from", m.from());
    data.put("to", m.address());
    data.put("importance", m.importance().wireName());
    data.put("text", Texts.cut(m.text(), 300));
    data.put("ackRequested", m.ackRequested());
    if (m.handoffId() != null) {
      data.put("handoff", m.handoffId());
    }
    return new NewEvent(HandoffEvents.MESSAGE, m.workspace().toString(), recipient, data);
  }

  @Override
  public List<InboxEntry> inbox(String instance, boolean unreadOnly, boolean markRead, int limit) {
    if (limit < 1) {
      throw new InvalidInputException("limit must be at least 1", Map.of("field", "limit"));
    }
    String id = known(instance);
    List<InboxEntry> entries = store.inbox(id, unreadOnly, null, limit);
    if (markRead) {
      store.markRead(id, unread(entries), now());
    }
    return entries.stream().map(this::withState).toList();
  }

  @Override
  public List<InboxEntry> acknowledge(String instance, List<Long> messageIds) {
    String id = known(instance);
    if (messageIds.isEmpty()) {
      throw new InvalidInputException(
          "give the ids of the messages to acknowledge", Map.of("field", "ack"));
    }
    return store.acknowledge(
        id,
        messageIds,
        now(),
        e -> {
          Map<String, Object> data = new LinkedHashMap<>();
          data.put("message", e.message().id());
          data.put("by", e.recipient());
          return new NewEvent(
              HandoffEvents.ACKED, e.message().workspace().toString(), e.message().from(), data);
        });
  }

  @Override
  public int markRead(String recipient, List<Long> messageIds) {
    String id = known(recipient);
    return messageIds.isEmpty() ? 0 : store.markRead(id, messageIds, now());
  }

  @Override
  public List<InboxEntry> news(String instance) {
    List<InboxEntry> unread = store.inbox(instance, true, null, NEWS_LIMIT);
    Instant now = now();
    // the first digest comes one interval after the first look: low messages never interrupt
    Instant last = lastDigest.computeIfAbsent(instance, k -> now);
    boolean digestDue = !now.isBefore(last.plus(config.digestInterval()));
    List<InboxEntry> shown = new ArrayList<>();
    boolean anyLow = false;
    for (InboxEntry e : unread) {
      if (e.message().importance() != Importance.LOW) {
        shown.add(e);
      } else if (digestDue) {
        shown.add(e);
        anyLow = true;
      }
    }
    if (anyLow) {
      lastDigest.put(instance, now);
    }
    store.markRead(instance, unread(shown), now);
    return shown.stream().map(this::withState).toList();
  }

  /**
   * A handoff's message as the recipient should read it now: what it said when it was sent, and
   * what is true now (the handoff's answer; the leases it moved, still the recipient's or gone).
   */
  private InboxEntry withState(InboxEntry e) {
    Message m = e.message();
    if (m.handoffId() == null || leases == null) {
      return e;
    }
    Handoff h = store.findHandoff(m.handoffId()).orElse(null);
    if (h == null || h.leases().isEmpty() || !e.recipient().equals(h.to())) {
      return e;
    }
    List<String> held = new ArrayList<>();
    List<String> gone = new ArrayList<>();
    for (String id : h.leases()) {
      boolean mine;
      try {
        mine = leases.get(id).instance().equals(e.recipient());
      } catch (dev.baton.leases.LeaseNotFoundException x) {
        mine = false;
      }
      (mine ? held : gone).add(id);
    }
    StringBuilder now = new StringBuilder("\n(Now: handoff #").append(h.id()).append(' ');
    now.append(h.status().wireName());
    if (!held.isEmpty()) {
      now.append("; still yours: ").append(String.join(", ", held));
    }
    if (!gone.isEmpty()) {
      now.append("; no longer yours: ")
          .append(String.join(", ", gone))
          .append(" (released or expired; lease the files again before you edit them)");
    }
    now.append(')');
    Message shown =
        new Message(
            m.id(),
            m.workspace(),
            m.from(),
            m.address(),
            m.importance(),
            m.text() + now,
            m.ackRequested(),
            m.handoffId(),
            m.createdAt());
    return new InboxEntry(shown, e.recipient(), e.readAt(), e.ackedAt());
  }

  @Override
  public List<InboxEntry> message(long id) {
    List<InboxEntry> all = store.deliveries(id);
    if (all.isEmpty()) {
      throw new dev.baton.core.BatonException(
          dev.baton.core.ErrorCode.NOT_FOUND, "no message " + id, Map.of("message", id));
    }
    return all;
  }

  @Override
  public Map<String, Integer> unread(Importance importance) {
    return store.unreadCounts(importance);
  }

  /** The id, when the instance is registered or has messages (an instance that has gone). */
  private String known(String instance) {
    if (instance == null || instance.isBlank()) {
      throw new InvalidInputException("an instance id is required", Map.of("field", "instance"));
    }
    String id = instance.strip();
    if (id.equals(HUMAN)) {
      return id; // the person's inbox exists before the first message
    }
    try {
      instances.get(id);
    } catch (InstanceNotFoundException e) {
      if (store.inbox(id, false, null, 1).isEmpty()) {
        throw e;
      }
    }
    return id;
  }

  private static List<Long> unread(List<InboxEntry> entries) {
    return entries.stream().filter(e -> e.readAt() == null).map(e -> e.message().id()).toList();
  }

  private Instant now() {
    return clock.instant().truncatedTo(ChronoUnit.MILLIS);
  }
}
