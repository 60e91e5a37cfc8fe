package dev.baton.handoff.internal;

import dev.baton.core.BatonException;
import dev.baton.core.InvalidInputException;
import dev.baton.events.Event;
import dev.baton.events.EventService;
import dev.baton.events.NewEvent;
import dev.baton.handoff.Checkpoint;
import dev.baton.handoff.CheckpointService;
import dev.baton.handoff.Handoff;
import dev.baton.handoff.HandoffConfig;
import dev.baton.handoff.HandoffEvents;
import dev.baton.handoff.HandoffNotFoundException;
import dev.baton.handoff.HandoffRequest;
import dev.baton.handoff.HandoffService;
import dev.baton.handoff.HandoffStatus;
import dev.baton.handoff.HandoffStore;
import dev.baton.handoff.Importance;
import dev.baton.handoff.Message;
import dev.baton.handoff.MessageService;
import dev.baton.handoff.NewHandoff;
import dev.baton.leases.Lease;
import dev.baton.leases.LeaseService;
import dev.baton.leases.LeaseTransfer;
import dev.baton.registry.Instance;
import dev.baton.registry.InstanceEvents;
import dev.baton.registry.InstanceFilter;
import dev.baton.registry.InstanceNotFoundException;
import dev.baton.registry.InstanceService;
import dev.baton.registry.UnknownRoleException;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Handoffs over a {@link HandoffStore}. Sending one is one store transaction: the leases move, the
 * sender's checkpoint (drafted before, as it runs git), the handoff and its message are stored
 * together, or nothing is. Thread-safe.
 */
public final class DefaultHandoffService implements HandoffService, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(DefaultHandoffService.class);
  private static final Pattern KIND = Pattern.compile("[a-z][a-z0-9_.-]{0,63}");
  private static final int INCLUDED_CHECKPOINTS = 3;

  private final HandoffStore store;
  private final InstanceService instances;
  private final LeaseService leases;
  private final CheckpointService checkpoints;
  private final HandoffConfig config;
  private final Clock clock;
  private final ExecutorService arrivals = Threads.single("baton-handoffs");
  private final EventService.Subscription subscription;

  /** The answer a handoff to the person has at once: the person's inbox holds it. */
  static final String DELIVERED_TO_PERSON = "delivered to the person's inbox";

  public DefaultHandoffService(
      HandoffStore store,
      InstanceService instances,
      LeaseService leases,
      CheckpointService checkpoints,
      HandoffConfig config,
      Clock clock,
      EventService events) {
    this.store = store;
    this.instances = instances;
    this.leases = leases;
    this.checkpoints = checkpoints;
    this.config = config;
    this.clock = clock;
    this.subscription = events.subscribeOwn(this::onEvent);
  }

  private void onEvent(Event e) {
    if (e.type().equals(InstanceEvents.REGISTERED) && e.instance() != null) {
      String id = e.instance();
      arrivals.execute(() -> offerWaiting(id));
    }
  }

  @Override
  public Handoff send(HandoffRequest request) {
    String summary = Texts.required(request.summary(), "summary", config.maxMessageChars());
    String kind =
        request.kind() == null || request.kind().isBlank() ? "session" : request.kind().strip();
    if (!KIND.matcher(kind).matches()) {
      throw new InvalidInputException(
          "kind '"
              + kind
              + "' is not a short lowercase name such as debugging_session (letters, digits, _ . -)",
          Map.of("field", "kind"));
    }
    if (request.from() == null || request.from().isBlank()) {
      throw new InvalidInputException(
          "field 'from' is required: the instance handing over", Map.of("field", "from"));
    }
    Instance sender = instances.get(request.from().strip());
    String to = request.to() == null ? "" : request.to().strip();
    if (to.isEmpty()) {
      throw new InvalidInputException(
          "field 'to' is required: an instance id, role:<name> or human", Map.of("field", "to"));
    }
    String role = null;
    Instance recipient;
    boolean toPerson = MessageService.HUMAN.equals(to);
    if (toPerson) {
      recipient = null; // delivered to the person's inbox; leases cannot go to a person
    } else if (to.startsWith("role:")) {
      role = to.substring("role:".length()).strip();
      if (!instances.roles().contains(role)) {
        throw new UnknownRoleException(role, instances.roles());
      }
      recipient = nextOfRole(sender, role).orElse(null);
    } else {
      recipient = instances.get(to);
      if (recipient.id().equals(sender.id())) {
        throw new InvalidInputException(
            "an instance cannot hand off to itself", Map.of("field", "to"));
      }
      if (!recipient.workspace().equals(sender.workspace())) {
        throw new InvalidInputException(
            to + " works in " + recipient.workspace() + ", not in " + sender.workspace(),
            Map.of("field", "to"));
      }
    }
    boolean movesFiles = request.allFiles() || !request.files().isEmpty();
    LeaseTransfer transfer =
        recipient != null && movesFiles
            ? leases.prepareTransfer(
                sender.id(), recipient.id(), request.allFiles() ? List.of() : request.files())
            : null;
    if (recipient == null && !toPerson && !request.allFiles() && !request.files().isEmpty()) {
      // nothing moves yet; the named files must still be the sender's
      checkHeld(sender, request.files());
    }
    // git runs here, before the transaction
    Checkpoint checkpoint =
        checkpoints.draft(
            sender.id(),
            "handoff",
            "handed "
                + kind
                + " to "
                + (toPerson ? "the person" : recipient == null ? to : recipient.id())
                + Texts.cut(summary, 500));
    List<Long> earlier =
        request.includeCheckpoints()
            ? checkpoints.list(null, sender.id(), false, INCLUDED_CHECKPOINTS - 1).stream()
                .map(Checkpoint::id)
                .toList()
            : List.of();
    Instant now = now();
    Handoff draft =
        new Handoff(
            0,
            sender.workspace(),
            sender.id(),
            toPerson ? MessageService.HUMAN : recipient == null ? null : recipient.id(),
            role,
            kind,
            summary,
            request.allFiles() ? List.of("*all its leases*") : request.files(),
            List.of(),
            List.of(),
            // the person's inbox is the answer: nothing waits, the sender is not kept handing off
            toPerson ? HandoffStatus.ACCEPTED : HandoffStatus.PENDING,
            toPerson ? DELIVERED_TO_PERSON : null,
            now,
            toPerson ? now : null,
            now.plus(config.expireAfter()));
    Handoff stored =
        store.send(
            new NewHandoff(
                transfer,
                moved -> DefaultCheckpointService.without(checkpoint, moved),
                DefaultCheckpointService::announcement,
                (taken, moved) -> filled(draft, moved, concat(taken.id(), earlier)),
                this::announcement,
                DefaultHandoffService::sentEvent));
    if (transfer != null && !stored.leases().isEmpty()) {
      transfer.committed();
    }
    return stored;
  }

  /** The draft with the leases that moved and the checkpoints it names. */
  private static Handoff filled(Handoff draft, List<Lease> moved, List<Long> checkpoints) {
    return new Handoff(
        draft.id(),
        draft.workspace(),
        draft.from(),
        draft.to(),
        draft.toRole(),
        draft.kind(),
        draft.summary(),
        draft.files(),
        moved.stream().map(Lease::id).toList(),
        checkpoints,
        draft.status(),
        draft.answer(),
        draft.createdAt(),
        draft.answeredAt(),
        draft.expiresAt());
  }

  private static List<Long> concat(long first, List<Long> rest) {
    List<Long> all = new ArrayList<>(rest.size() + 1);
    all.add(first);
    all.addAll(rest);
    return all;
  }

  /** The live instance of the role in the sender's workspace heard from most recently. */
  private Optional<Instance> nextOfRole(Instance sender, String role) {
    return instances.list(new InstanceFilter(sender.workspace().toString(), role)).stream()
        .filter(i -> !i.id().equals(sender.id()))
        .max(Comparator.comparing(Instance::lastHeartbeat));
  }

  /** Refuses files to move later when the sender holds no lease at all. */
  private void checkHeld(Instance sender, List<String> files) {
    if (leases.list(sender.workspace().toString(), sender.id()).isEmpty()) {
      throw new InvalidInputException(
          String.join(", ", files) + " is not leased by " + sender.id() + "; it holds no leases",
          Map.of("field", "files"));
    }
  }

  /** The message that tells the recipient, once there is one. */
  private Message announcement(Handoff h) {
    if (h.to() == null) {
      return null;
    }
    StringBuilder text =
        new StringBuilder()
            .append("Handoff #")
            .append(h.id())
            .append(" from ")
            .append(h.from())
            .append(" (")
            .append(h.kind())
            .append("): ")
            .append(h.summary());
    if (!h.leases().isEmpty()) {
      text.append("\nLeases now yours: ").append(String.join(", ", h.leases()));
    }
    if (!h.checkpoints().isEmpty()) {
      text.append("\nIts checkpoints: ")
          .append(String.join(", ", h.checkpoints().stream().map(c -> "#" + c).toList()));
    }
    boolean toPerson = MessageService.HUMAN.equals(h.to());
    if (toPerson) {
      text.append("\nIts files stay leased to ")
          .append(h.from())
          .append(" until it ends or you release them (baton lease release).");
    } else {
      text.append("\nAnswer with handoff_accept or handoff_decline (handoff_id ")
          .append(h.id())
          .append(").");
    }
    return new Message(
        0,
        h.workspace(),
        h.from(),
        h.to(),
        toPerson ? Importance.NORMAL : Importance.URGENT,
        text.toString(),
        false,
        h.id(),
        h.createdAt());
  }

  private static NewEvent sentEvent(Handoff h) {
    Map<String, Object> data = details(h);
    if (h.to() == null) {
      data.put("waitingForRole", h.toRole());
    }
    return new NewEvent(HandoffEvents.SENT, h.workspace().toString(), h.to(), data);
  }

  private static Map<String, Object> details(Handoff h) {
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("handoff", h.id());
    data.put("from", h.from());
    data.put("to", h.address());
    data.put("kind", h.kind());
    data.put("summary", Texts.cut(h.summary(), 300));
    data.put("leases", h.leases());
    data.put("status", h.status().wireName());
    return data;
  }

  /**
   * Gives the handoffs waiting for the new instance's role to it: each one's leases (those its
   * sender still holds) move in the transaction that assigns it.
   */
  private void offerWaiting(String id) {
    Instance arrived;
    try {
      arrived = instances.get(id);
    } catch (InstanceNotFoundException e) {
      return;
    }
    for (Handoff h : store.waitingForRole(arrived.workspace().toString(), arrived.role())) {
      if (h.from().equals(arrived.id())) {
        continue;
      }
      try {
        assign(h, arrived, transferOnArrival(h, arrived));
      } catch (InvalidInputException e) {
        // a named file is not the sender's any more: the handoff goes without it
        LOG.info("handoff {}: {}; the files did not move", h.id(), e.getMessage());
        assign(h, arrived, null);
      } catch (RuntimeException e) {
        LOG.warn("handoff {} could not go to {}: {}", h.id(), arrived.id(), e.getMessage());
      }
    }
  }

  private void assign(Handoff h, Instance arrived, LeaseTransfer transfer) {
    Optional<Handoff> given =
        store.updatePending(
            h.assigned(arrived.id(), List.of()),
            transfer,
            moved -> h.assigned(arrived.id(), moved.stream().map(Lease::id).toList()),
            this::announcement,
            DefaultHandoffService::sentEvent);
    if (transfer != null && given.isPresent() && !given.get().leases().isEmpty()) {
      transfer.committed();
    }
  }

  /** The leases the waiting handoff names, to move to the arrival; null when none can move. */
  private LeaseTransfer transferOnArrival(Handoff h, Instance arrived) {
    boolean all = h.files().equals(List.of("*all its leases*"));
    if (!all && h.files().isEmpty()) {
      return null;
    }
    try {
      return leases.prepareTransfer(h.from(), arrived.id(), all ? List.of() : h.files());
    } catch (InstanceNotFoundException e) {
      return null; // the sender has ended: its leases were released
    } catch (InvalidInputException e) {
      LOG.info("handoff {}: {}; the files did not move", h.id(), e.getMessage());
      return null;
    }
  }

  @Override
  public Handoff accept(long id, String by, String note) {
    Handoff h = addressedTo(id, by);
    String text = Texts.optional(note, "note", config.maxMessageChars());
    return answer(h, HandoffStatus.ACCEPTED, text, HandoffEvents.ACCEPTED);
  }

  @Override
  public Handoff decline(long id, String by, String note) {
    Handoff h = addressedTo(id, by);
    String text = Texts.optional(note, "note", config.maxMessageChars());
    return answerGivingBack(h, HandoffStatus.DECLINED, text, HandoffEvents.DECLINED);
  }

  private Handoff addressedTo(long id, String by) {
    if (by == null || by.isBlank()) {
      throw new InvalidInputException(
          "field 'instance' is required: the recipient answers", Map.of("field", "instance"));
    }
    Handoff h = get(id);
    if (h.to() == null || !h.to().equals(by.strip())) {
      throw new InvalidInputException(
          "handoff "
              + id
              + " is addressed to "
              + (h.to() == null ? "the next instance of role " + h.toRole() : h.to())
              + ", not to "
              + by.strip(),
          Map.of("field", "instance", "handoff", id));
    }
    return h;
  }

  /**
   * Declines or expires a handoff and gives its leases back to the sender in the same transaction;
   * when the sender has ended, the answer is stored and the leases are released.
   */
  private Handoff answerGivingBack(Handoff h, HandoffStatus status, String note, String type) {
    LeaseTransfer back = null;
    if (!h.leases().isEmpty() && h.to() != null) {
      try {
        back = leases.prepareTransferLeases(h.to(), h.from(), h.leases());
      } catch (InstanceNotFoundException e) {
        back = null; // one of them has ended
      }
    }
    Handoff answered;
    try {
      answered = answer(h, status, note, type, back);
    } catch (InstanceNotFoundException e) {
      // it ended between the check and the transaction: answer without moving the leases
      back = null;
      answered = answer(h, status, note, type, null);
    }
    if (back != null) {
      back.committed();
    } else {
      releaseMoved(answered);
    }
    return answered;
  }

  private Handoff answer(Handoff h, HandoffStatus status, String note, String eventType) {
    return answer(h, status, note, eventType, null);
  }

  private Handoff answer(
      Handoff h, HandoffStatus status, String note, String eventType, LeaseTransfer transfer) {
    Instant now = now();
    Handoff changed = h.answered(status, note, now);
    Function<Handoff, Message> tellSender =
        a ->
            new Message(
                0,
                a.workspace(),
                a.to() == null ? "baton" : a.to(),
                a.from(),
                status == HandoffStatus.ACCEPTED ? Importance.NORMAL : Importance.URGENT,
                "Handoff #"
                    + a.id()
                    + " ("
                    + a.kind()
                    + ") was "
                    + status.wireName()
                    + (a.to() == null ? "" : " by " + a.to())
                    + (note == null ? "." : ": " + note)
                    + (status == HandoffStatus.ACCEPTED || a.leases().isEmpty()
                        ? ""
                        : " Its leases go back to you if you are still here."),
                false,
                a.id(),
                now);
    return store
        .updatePending(
            changed,
            transfer,
            moved -> changed,
            tellSender,
            a -> {
              Map<String, Object> data = details(a);
              if (note != null) {
                data.put("note", Texts.cut(note, 300));
              }
              return new NewEvent(eventType, a.workspace().toString(), a.from(), data);
            })
        .orElseThrow(
            () -> {
              Handoff now2 = get(h.id());
              return new InvalidInputException(
                  "handoff " + h.id() + " is already " + now2.status().wireName(),
                  Map.of("handoff", h.id(), "status", now2.status().wireName()));
            });
  }

  /** The leases a declined or expired handoff moved, when the sender is gone: released. */
  private void releaseMoved(Handoff h) {
    if (h.leases().isEmpty() || h.to() == null) {
      return;
    }
    for (String lease : h.leases()) {
      try {
        leases.release(lease, h.to(), false);
      } catch (BatonException gone) {
        // released or expired already, or held by someone else now
      }
    }
  }

  @Override
  public Handoff get(long id) {
    return store.findHandoff(id).orElseThrow(() -> new HandoffNotFoundException(id));
  }

  @Override
  public List<Handoff> list(String workspace, String instance, HandoffStatus status, int limit) {
    if (limit < 1) {
      throw new InvalidInputException("limit must be at least 1", Map.of("field", "limit"));
    }
    String ws = workspace == null || workspace.isBlank() ? null : workspace.strip();
    String who = instance == null || instance.isBlank() ? null : instance.strip();
    return store.handoffs(ws, who, status, limit);
  }

  @Override
  public List<Handoff> expireOverdue() {
    List<Handoff> expired = new ArrayList<>();
    for (Handoff h : store.overdue(now())) {
      try {
        expired.add(
            answerGivingBack(
                h,
                HandoffStatus.EXPIRED,
                "not answered within " + config.expireAfter().toMinutes() + " min",
                HandoffEvents.EXPIRED));
      } catch (InvalidInputException e) {
        // answered meanwhile
      }
    }
    return expired;
  }

  private Instant now() {
    return clock.instant().truncatedTo(ChronoUnit.MILLIS);
  }

  @Override
  public void close() {
    subscription.close();
    arrivals.shutdownNow();
    try {
      arrivals.awaitTermination(2, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
