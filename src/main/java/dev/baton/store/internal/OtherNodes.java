package dev.baton.store.internal;

import dev.baton.events.Event;
import dev.baton.events.EventService;
import dev.baton.store.StoreConfig;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows the events that other broker nodes commit to one PostgreSQL store.
 *
 * <p>Every transaction that appends events sends {@code NOTIFY baton_events, '<node> <first>
 * <last>'} as it commits (PostgreSQL delivers it with the commit, in commit order). A transaction's
 * events have consecutive ids, because appending holds one advisory lock until the end (see {@link
 * EventRows#lockForAppend}), so the listener reads exactly those ids from the store. The node's own
 * notifications are skipped: its events were published as it committed them.
 *
 * <p>One connection of its own, outside the pool, listens. When it breaks, the listener reconnects
 * with a growing pause; events committed meanwhile are not redelivered (event streams read the
 * store after their cursor at the next signal, and lease waiters are retried every second).
 *
 * <p>The same session tries to take the housekeeping lock (a session advisory lock): the node that
 * holds it keeps house for the store ({@link #keepsHouse()}). PostgreSQL frees the lock when the
 * session ends, so another node takes over within a poll when that node stops or loses its
 * connection.
 */
final class OtherNodes implements EventService.Subscription {
  private static final Logger LOG = LoggerFactory.getLogger(OtherNodes.class);

  static final String CHANNEL = "baton_events";

  /**
   * Names the listening session {@code baton-events <node>}: while it is connected the node is
   * alive for the others (see {@link SqlLeaseStore#queuedElsewhere}).
   */
  static final String APPLICATION_NAME = "baton-events";

  private static final int POLL_MS = 250;

  /** The second half of the housekeeping lock's key ("hk"). */
  private static final int HOUSEKEEPING_KEY = 0x686b;

  private static final Duration MAX_PAUSE = Duration.ofSeconds(10);

  /** Reads the events with ids from {@code first} to {@code last}. */
  interface Reader {
    List<Event> read(long first, long last);
  }

  private final StoreConfig config;
  private final String node;
  private final Reader reader;
  private final Consumer<List<Event>> listener;
  private final Thread thread;
  private final int lockSpace;
  private final CountDownLatch listening = new CountDownLatch(1);
  private volatile boolean closed;
  private volatile boolean keepsHouse;

  OtherNodes(
      StoreConfig config,
      String node,
      int lockSpace,
      Reader reader,
      Consumer<List<Event>> listener) {
    this.config = config;
    this.lockSpace = lockSpace;
    this.node = node;
    this.reader = reader;
    this.listener = listener;
    this.thread = new Thread(this::listen, "baton-other-nodes");
    thread.setDaemon(true);
    thread.start();
  }

  /** The payload a committing transaction sends. */
  static String payload(String node, long first, long last) {
    return node + " " + first + " " + last;
  }

  private void listen() {
    Duration pause = Duration.ofMillis(500);
    while (!closed) {
      try (Connection c = connect()) {
        try (Statement s = c.createStatement()) {
          s.execute("LISTEN " + CHANNEL);
        }
        listening.countDown();
        LOG.debug("following other nodes' events on {}", config.describe());
        pause = Duration.ofMillis(500);
        PGConnection pg = c.unwrap(PGConnection.class);
        while (!closed) {
          if (!keepsHouse) {
            tryToKeepHouse(c);
          }
          PGNotification[] notifications = pg.getNotifications(POLL_MS);
          if (notifications != null) {
            for (PGNotification n : notifications) {
              deliver(n.getParameter());
            }
          }
        }
      } catch (SQLException | RuntimeException e) {
        if (keepsHouse) {
          keepsHouse = false;
          LOG.warn("this node no longer keeps house for {}: its session ended", config.describe());
        }
        if (closed) {
          break;
        }
        LOG.warn(
            "lost the notifications of other broker nodes on {} ({}); listening again in {} ms",
            config.describe(),
            e.getMessage(),
            pause.toMillis());
        try {
          Thread.sleep(pause.toMillis());
        } catch (InterruptedException interrupted) {
          break;
        }
        pause = pause.multipliedBy(2).compareTo(MAX_PAUSE) > 0 ? MAX_PAUSE : pause.multipliedBy(2);
      }
    }
  }

  /**
   * Waits until this node listens, so that the other nodes see it alive (its session is how they
   * tell); false when it did not within {@code wait}.
   */
  boolean awaitListening(Duration wait) {
    try {
      return listening.await(wait.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** True while this node holds the housekeeping lock. */
  boolean keepsHouse() {
    return keepsHouse;
  }

  private void tryToKeepHouse(Connection c) throws SQLException {
    try (java.sql.PreparedStatement ps = c.prepareStatement("SELECT pg_try_advisory_lock(?, ?)")) {
      ps.setInt(1, lockSpace);
      ps.setInt(2, HOUSEKEEPING_KEY);
      try (java.sql.ResultSet rs = ps.executeQuery()) {
        keepsHouse = rs.next() && rs.getBoolean(1);
      }
    }
    if (keepsHouse) {
      LOG.info(
          "this node keeps house for {} (expiring leases and handoffs, pruning history)",
          config.describe());
    }
  }

  private Connection connect() throws SQLException {
    Properties props = new Properties();
    if (config.user() != null) {
      props.setProperty("user", config.user());
    }
    if (config.password() != null) {
      props.setProperty("password", config.password());
    }
    props.setProperty("ApplicationName", APPLICATION_NAME + " " + node);
    props.setProperty("connectTimeout", "5");
    return DriverManager.getConnection(config.jdbcUrl(), props);
  }

  private void deliver(String payload) {
    String[] parts = payload.split(" ");
    if (parts.length != 3) {
      LOG.warn("ignored a notification on {} that baton did not send: '{}'", CHANNEL, payload);
      return;
    }
    if (parts[0].equals(node)) {
      return;
    }
    try {
      List<Event> events = reader.read(Long.parseLong(parts[1]), Long.parseLong(parts[2]));
      if (!events.isEmpty()) {
        listener.accept(events);
      }
    } catch (RuntimeException e) {
      LOG.warn("could not deliver the events {} of node {}: {}", payload, parts[0], e.toString());
    }
  }

  @Override
  public void close() {
    closed = true;
    keepsHouse = false;
    try {
      thread.join(2 * POLL_MS + 1000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
