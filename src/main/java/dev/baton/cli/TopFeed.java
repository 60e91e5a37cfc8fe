package dev.baton.cli;

import dev.baton.api.EventJson;
import dev.baton.api.FocusJson;
import dev.baton.api.InstanceJson;
import dev.baton.api.Json;
import dev.baton.api.LandJson;
import dev.baton.api.WaitingListJson.WaitingJson;
import dev.baton.api.client.BrokerClient;
import dev.baton.api.client.EventStreamReader;
import dev.baton.api.client.EventStreamReader.ServerSentEvent;
import dev.baton.core.BatonException;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import tools.jackson.databind.JsonNode;

/**
 * Keeps a {@link TopModel} current: takes a snapshot of the workspace, then follows the event
 * stream from the snapshot's horizon (replaying the last events before it, for who did what
 * recently). When the broker goes away it says so and tries again every second; when it is back it
 * takes a new snapshot. Git's figures and unread counts, which change without events, are asked for
 * again every {@link #SLOW_REFRESH}. Runs on a thread of its own; the model is guarded by itself.
 */
final class TopFeed implements Runnable {
  static final Duration SLOW_REFRESH = Duration.ofSeconds(10);

  /** The prefix of the focus timer's events, after which the timer is asked for again. */
  private static final String FOCUS_EVENTS = "focus.";

  private static final int REPLAYED = 300;

  private final Supplier<BrokerClient> clients;
  private final String workspace;
  private final TopModel model;
  private final Runnable changed;
  private final Set<String> unreadToAsk = ConcurrentHashMap.newKeySet();
  private volatile String down;
  private volatile boolean stopped;
  private volatile EventStreamReader stream;
  private volatile long nextSlowRefresh;
  private volatile boolean focusToAsk;

  /**
   * @param clients opens a client to the broker
   * @param workspace the repository's top directory; events of others are ignored
   * @param model what is drawn
   * @param changed called (on the feed's threads) after each change of the model
   */
  TopFeed(Supplier<BrokerClient> clients, Path workspace, TopModel model, Runnable changed) {
    this.clients = clients;
    this.workspace = workspace.toString();
    this.model = model;
    this.changed = changed;
  }

  /** Why the broker cannot be reached, or null while it can. */
  String down() {
    return down;
  }

  void stop() {
    stopped = true;
    EventStreamReader s = stream;
    if (s != null) {
      s.close();
    }
  }

  @Override
  public void run() {
    while (!stopped) {
      try (BrokerClient broker = clients.get()) {
        follow(broker);
      } catch (IOException | RuntimeException e) {
        if (stopped) {
          return;
        }
        down = e.getMessage() == null ? e.toString() : e.getMessage();
        changed.run();
      }
      try {
        Thread.sleep(1000);
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  /**
   * Loads the model once, with the replayed recent events, for a single frame; fails when the
   * broker cannot be reached.
   */
  void loadOnce() {
    try (BrokerClient broker = clients.get()) {
      TopModel.Snapshot snapshot = snapshot(broker);
      FocusJson focus = broker.focus();
      synchronized (model) {
        model.load(snapshot);
        model.focus(focus);
      }
      if (snapshot.horizon() == 0) {
        return;
      }
      try (EventStreamReader events = broker.events(Math.max(0, snapshot.horizon() - REPLAYED))) {
        ServerSentEvent sse;
        while ((sse = events.next()) != null) {
          if (sse.id() == null || sse.data() == null || sse.data().isEmpty()) {
            continue;
          }
          EventJson e = Json.MAPPER.readValue(sse.data(), EventJson.class);
          apply(e);
          if (e.id() >= snapshot.horizon()) {
            return;
          }
        }
      } catch (IOException e) {
        throw new BatonException(
            dev.baton.core.ErrorCode.UNAVAILABLE,
            "the broker's event stream broke off: " + e.getMessage());
      }
    }
  }

  private void follow(BrokerClient broker) throws IOException {
    TopModel.Snapshot snapshot = snapshot(broker);
    FocusJson focus = broker.focus();
    synchronized (model) {
      model.load(snapshot);
      model.focus(focus);
    }
    down = null;
    changed.run();
    nextSlowRefresh = System.nanoTime() + SLOW_REFRESH.toNanos();
    try (EventStreamReader events = broker.events(Math.max(0, snapshot.horizon() - REPLAYED))) {
      stream = events;
      if (events.status() != 200) {
        throw new IOException("the event stream was refused: " + events.readRest());
      }
      ServerSentEvent sse;
      while (!stopped && (sse = events.next()) != null) {
        if (sse.data() != null && !sse.data().isEmpty() && sse.id() != null) {
          apply(Json.MAPPER.readValue(sse.data(), EventJson.class));
        }
      }
    } finally {
      stream = null;
    }
    if (!stopped) {
      throw new IOException("the broker ended the event stream");
    }
  }

  private void apply(EventJson e) {
    if (e.workspace() != null && !e.workspace().equals(workspace)) {
      return;
    }
    String askUnread;
    synchronized (model) {
      askUnread = model.apply(e);
    }
    if (askUnread != null) {
      unreadToAsk.add(askUnread);
    }
    if (e.type().startsWith(FOCUS_EVENTS)) {
      focusToAsk = true;
    }
    changed.run();
  }

  /**
   * Asks for what changes without events of its own: unread counts after messages, and every {@link
   * #SLOW_REFRESH} git's figures and all unread counts. Called once a second by the screen's timer;
   * does nothing while the broker is down.
   */
  void refresh() {
    if (down != null || stopped) {
      return;
    }
    try (BrokerClient broker = clients.get()) {
      refresh(broker);
    } catch (RuntimeException e) {
      // the stream's thread notices the broker going and says so
    }
  }

  private void refresh(BrokerClient broker) {
    boolean slow = System.nanoTime() - nextSlowRefresh >= 0;
    if (focusToAsk || slow) {
      focusToAsk = false;
      FocusJson focus = broker.focus();
      synchronized (model) {
        model.focus(focus);
      }
      changed.run();
    }
    if (slow) {
      nextSlowRefresh = System.nanoTime() + SLOW_REFRESH.toNanos();
      var worktrees = broker.worktrees(workspace, false).worktrees();
      Map<String, Integer> unread = new HashMap<>();
      List<InstanceJson> instances = broker.instances(workspace, null).instances();
      for (InstanceJson i : instances) {
        unread.put(i.id(), unread(broker, i.id()));
      }
      synchronized (model) {
        model.worktrees(worktrees);
        model.seen(instances);
        unread.forEach(model::unread);
      }
      unreadToAsk.clear();
      changed.run();
    } else if (!unreadToAsk.isEmpty()) {
      for (String id : List.copyOf(unreadToAsk)) {
        unreadToAsk.remove(id);
        int n = unread(broker, id);
        synchronized (model) {
          model.unread(id, n);
        }
      }
      changed.run();
    }
  }

  private TopModel.Snapshot snapshot(BrokerClient broker) {
    long horizon = broker.health().lastEventId();
    List<InstanceJson> instances = broker.instances(workspace, null).instances();
    Map<String, Integer> unread = new HashMap<>();
    for (InstanceJson i : instances) {
      unread.put(i.id(), unread(broker, i.id()));
    }
    List<WaitingJson> waiting = broker.waiting(workspace).waiting();
    JsonNode handoffs =
        broker.call(
            "GET",
            "/v1/handoffs?status=pending&limit=100&workspace=" + encode(workspace),
            null,
            JsonNode.class);
    JsonNode list = handoffs.path("handoffs");
    List<TopModel.HandoffRow> open =
        list.isArray()
            ? List.of(Json.MAPPER.convertValue(list, TopModel.HandoffRow[].class))
            : List.of();
    List<LandJson> lands = broker.lands(workspace, null, 20).lands();
    return new TopModel.Snapshot(
        horizon,
        instances,
        broker.leases(workspace, null).leases(),
        waiting,
        open,
        lands,
        broker.worktrees(workspace, false).worktrees(),
        unread);
  }

  private static int unread(BrokerClient broker, String instance) {
    try {
      JsonNode inbox =
          broker.call(
              "GET",
              "/v1/messages?unread=true&limit=100&instance=" + encode(instance),
              null,
              JsonNode.class);
      return inbox.path("messages").size();
    } catch (BatonException e) {
      return 0; // it ended meanwhile
    }
  }

  private static String encode(String s) {
    return java.net.URLEncoder.encode(s, java.nio.charset.StandardCharsets.UTF_8)
        .replace("+", "%20");
  }
}
