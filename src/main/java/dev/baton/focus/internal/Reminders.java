package dev.baton.focus.internal;

import dev.baton.events.Event;
import dev.baton.events.EventService;
import dev.baton.focus.FocusConfig;
import dev.baton.focus.FocusEvents;
import dev.baton.focus.Notice;
import dev.baton.focus.Notifier;
import dev.baton.handoff.CheckpointService;
import dev.baton.handoff.HandoffEvents;
import dev.baton.handoff.Importance;
import dev.baton.handoff.InboxEntry;
import dev.baton.handoff.MessageService;
import dev.baton.registry.Instance;
import dev.baton.registry.InstanceFilter;
import dev.baton.registry.InstanceService;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What reaches the person, once per event for the whole fleet: it follows this broker's own commits
 * only ({@link EventService#subscribeOwn}), so of several broker nodes only the one that committed
 * a break tells the person of it. A break reminder, a hyperfocus reminder, the messages to the
 * person ({@code to: human}) and urgent messages of agents go out at once; low ones, and all but
 * urgent ones in quiet hours, wait in the person's inbox for one digest when the next break starts.
 * A break also checkpoints every live instance. Programs run on a thread of its own, never on the
 * committing one. Thread-safe.
 */
public final class Reminders implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Reminders.class);
  private static final DateTimeFormatter HH_MM = DateTimeFormatter.ofPattern("HH:mm");
  private static final int DIGEST_LIMIT = 50;
  private static final int DIGEST_SHOWN = 3;
  private static final int REMEMBERED = 1000;

  /** The capabilities a reminder reads and writes. */
  public record Sources(
      InstanceService instances, MessageService messages, CheckpointService checkpoints) {}

  private final Sources sources;
  private final List<Notifier> channels;
  private final FocusConfig config;
  private final ZoneId zone;
  private final ExecutorService worker =
      Executors.newSingleThreadExecutor(
          r -> {
            Thread t = new Thread(r, "baton-reminders");
            t.setDaemon(true);
            return t;
          });

  /** Urgent messages already told (one event per recipient, one notice per message). */
  private final Set<Long> toldUrgent = new LinkedHashSet<>();

  /**
   * @param channels the channels {@code focus.notify} names (empty: nothing reaches the person, but
   *     breaks still checkpoint)
   * @param zone the broker's local time zone, for {@code focus.quiet} and the times it shows
   */
  public Reminders(Sources sources, List<Notifier> channels, FocusConfig config, ZoneId zone) {
    this.sources = sources;
    this.channels = List.copyOf(channels);
    this.config = config;
    this.zone = zone;
  }

  /** Follows this broker's own commits until the subscription is closed. */
  public EventService.Subscription follow(EventService events) {
    return events.subscribeOwn(this::onEvent);
  }

  /** Decides on the committing thread (no I/O), hands the work to the reminders' thread. */
  void onEvent(Event e) {
    switch (e.type()) {
      case FocusEvents.BREAK_STARTED -> submit(() -> breakStarted(e));
      case FocusEvents.HYPERFOCUS -> submit(() -> hyperfocus(e));
      case HandoffEvents.MESSAGE -> message(e);
      case HandoffEvents.SENT -> {
        if (MessageService.HUMAN.equals(e.instance()) && !quiet(e.at())) {
          submit(() -> tellHandoff(e));
        }
        // in quiet hours its notice waits in the person's inbox for the digest
      }
      default -> {
        // not for the person
      }
    }
  }

  private void submit(Runnable work) {
    try {
      worker.execute(
          () -> {
            try {
              work.run();
            } catch (RuntimeException ex) {
              LOG.warn("reminding the person failed: {}", ex.getMessage(), ex);
            }
          });
    } catch (java.util.concurrent.RejectedExecutionException ex) {
      LOG.debug("reminders closed; nothing sent");
    }
  }

  private void breakStarted(Event e) {
    Instant until = Instant.parse(String.valueOf(e.data().get("until")));
    if (quiet(e.at())) {
      LOG.info("break until {} in quiet hours {}: not announced", time(until), config.quiet());
    } else {
      Duration length = Duration.between(e.at(), until);
      long minutes = length.plusSeconds(30).toMinutes();
      String howLong =
          minutes >= 1 ? minutes + " min" : Math.max(1, length.toSeconds()) + " s"; // tests' breaks
      boolean isLong = Boolean.TRUE.equals(e.data().get("long"));
      String text =
          (isLong ? "Long break" : "Break")
              + " until "
              + time(until)
              + " — "
              + howLong
              + ". Agents will pause and checkpoint.";
      tell(new Notice("baton: time for a break", text, false));
      digest();
    }
    checkpointAll(until);
  }

  private void hyperfocus(Event e) {
    if (quiet(e.at())) {
      return;
    }
    Object minutes = e.data().get("minutes");
    tell(
        new Notice(
            "baton: a break would help",
            "You have worked "
                + minutes
                + " min without a break. 'baton focus break' starts one; the agents will wait.",
            false));
  }

  /** A message for the person, or an urgent one of an agent: told now, or held for the digest. */
  private void message(Event e) {
    Importance importance;
    try {
      importance = Importance.of(String.valueOf(e.data().get("importance")));
    } catch (RuntimeException ex) {
      return;
    }
    long id = ((Number) e.data().get("message")).longValue();
    String from = String.valueOf(e.data().get("from"));
    boolean toHuman = MessageService.HUMAN.equals(e.instance());
    if (importance == Importance.URGENT) {
      if ((toHuman || !from.equals(MessageService.HUMAN)) && firstTell(id)) {
        submit(() -> tellMessage(e, id, true, toHuman));
      }
    } else if (toHuman && importance == Importance.NORMAL && !quiet(e.at())) {
      submit(() -> tellMessage(e, id, false, true));
    }
    // low ones, and normal ones in quiet hours, wait in the person's inbox for the digest
  }

  private synchronized boolean firstTell(long message) {
    if (!toldUrgent.add(message)) {
      return false;
    }
    if (toldUrgent.size() > REMEMBERED) {
      toldUrgent.remove(toldUrgent.iterator().next());
    }
    return true;
  }

  private void tellMessage(Event e, long id, boolean urgent, boolean toHuman) {
    String from = String.valueOf(e.data().get("from"));
    String to = String.valueOf(e.data().get("to"));
    if (urgent && !toHuman && !isInstance(from)) {
      return; // a person's urgent message to the agents is not played back to the person
    }
    String title =
        (urgent ? "baton: urgent from " : "baton: message from ")
            + from
            + (toHuman ? "" : " to " + to);
    tell(new Notice(title, cut(String.valueOf(e.data().get("text")), 200), urgent));
    if (toHuman) {
      sources.messages().markRead(MessageService.HUMAN, List.of(id));
    }
  }

  /** A handoff to the person: told like a message, its notice in the inbox marked shown. */
  private void tellHandoff(Event e) {
    long id = ((Number) e.data().get("handoff")).longValue();
    tell(
        new Notice(
            "baton: handoff #" + id + " from " + e.data().get("from"),
            cut(String.valueOf(e.data().get("summary")), 200),
            false));
    List<Long> notices =
        sources.messages().inbox(MessageService.HUMAN, true, false, DIGEST_LIMIT).stream()
            .filter(m -> Long.valueOf(id).equals(m.message().handoffId()))
            .map(m -> m.message().id())
            .toList();
    if (!notices.isEmpty()) {
      sources.messages().markRead(MessageService.HUMAN, notices);
    }
  }

  private boolean isInstance(String id) {
    try {
      sources.instances().get(id);
      return true;
    } catch (RuntimeException e) {
      return false;
    }
  }

  /** One notice for everything the person's inbox holds unread; marks it read. */
  private void digest() {
    List<InboxEntry> held =
        sources.messages().inbox(MessageService.HUMAN, true, true, DIGEST_LIMIT);
    if (held.isEmpty()) {
      return;
    }
    List<String> lines = new ArrayList<>();
    for (InboxEntry entry : held.subList(0, Math.min(DIGEST_SHOWN, held.size()))) {
      lines.add(entry.message().from() + ": " + cut(entry.message().text(), 80));
    }
    if (held.size() > DIGEST_SHOWN) {
      lines.add("and " + (held.size() - DIGEST_SHOWN) + " more: baton inbox --human");
    }
    String title =
        "baton: "
            + held.size()
            + (held.size() == 1 ? " message" : " messages")
            + " while you worked";
    tell(new Notice(title, String.join("\n", lines), false));
  }

  private void checkpointAll(Instant until) {
    int taken = 0;
    for (Instance i : sources.instances().list(InstanceFilter.all())) {
      try {
        sources
            .checkpoints()
            .take(i.id(), "break", "the person's break started; back at " + time(until));
        taken++;
      } catch (RuntimeException ex) {
        LOG.warn("could not checkpoint {} at the break: {}", i.id(), ex.getMessage());
      }
    }
    LOG.info("break until {}: {} instances checkpointed", time(until), taken);
  }

  private void tell(Notice notice) {
    for (Notifier channel : channels) {
      try {
        boolean shown = channel.send(notice);
        LOG.debug("{} {}: {}", channel.channel(), shown ? "showed" : "could not show", notice);
      } catch (RuntimeException ex) {
        LOG.warn("{} notification failed: {}", channel.channel(), ex.getMessage());
      }
    }
  }

  private boolean quiet(Instant at) {
    return config.quiet() != null && config.quiet().contains(at.atZone(zone).toLocalTime());
  }

  private String time(Instant at) {
    return HH_MM.format(at.atZone(zone));
  }

  private static String cut(String text, int max) {
    String flat = text.replaceAll("\\s+", " ").strip();
    return flat.length() <= max ? flat : flat.substring(0, max - 1) + "…";
  }

  /** Lets what was handed over finish (up to a few seconds), then stops. */
  @Override
  public void close() {
    worker.shutdown();
    try {
      if (!worker.awaitTermination(5, TimeUnit.SECONDS)) {
        worker.shutdownNow();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      worker.shutdownNow();
    }
  }

  /** Waits until what was handed over so far is done (tests). */
  public void drain(Duration timeout) {
    var done = new java.util.concurrent.CompletableFuture<Void>();
    submit(() -> done.complete(null));
    try {
      done.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("reminders not done within " + timeout, e);
    }
  }
}
