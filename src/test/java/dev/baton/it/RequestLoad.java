package dev.baton.it;

import dev.baton.api.Json;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import tools.jackson.databind.JsonNode;

/**
 * Registrations, lists and health checks from several threads over the Unix socket, one {@link
 * RawHttp} connection per request, until the broker stops accepting after SIGTERM; bounded in count
 * and time. Sorts every outcome: acknowledged registrations, truncated answers, and anything else
 * unexpected. Thread-safe.
 */
final class RequestLoad {
  private static final int THREADS = 6;
  private static final int MAX_REQUESTS_PER_THREAD = 1500;
  private static final Duration LIMIT = Duration.ofSeconds(30);
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);

  private final Path socket;
  private final String registerBody;
  private final ExecutorService threads = Executors.newFixedThreadPool(THREADS);
  private final List<Future<?>> workers = new ArrayList<>();
  private final Set<String> acknowledged = ConcurrentHashMap.newKeySet();
  private final List<String> truncated = Collections.synchronizedList(new ArrayList<>());
  private final List<String> unexpected = Collections.synchronizedList(new ArrayList<>());
  private final Map<String, Integer> tally = new ConcurrentHashMap<>();
  private final CountDownLatch answers;
  private volatile boolean terminated;

  /**
   * @param socket the broker's socket
   * @param registerBody the JSON body of each registration
   * @param answersToAwait how many answers {@link #awaitAnswers()} waits for
   */
  RequestLoad(Path socket, String registerBody, int answersToAwait) {
    this.socket = socket;
    this.registerBody = registerBody;
    this.answers = new CountDownLatch(answersToAwait);
  }

  void start() {
    long deadline = System.nanoTime() + LIMIT.toNanos();
    for (int t = 0; t < THREADS; t++) {
      workers.add(threads.submit(() -> run(deadline)));
    }
  }

  /** Waits until the broker answered as many requests as the constructor asked for. */
  void awaitAnswers() throws InterruptedException {
    if (!answers.await(LIMIT.toSeconds() + 30, TimeUnit.SECONDS)) {
      throw new AssertionError("too few answers: " + summary() + "; unexpected: " + unexpected);
    }
  }

  /** From now on, the broker may refuse connections. */
  void markTerminated() {
    terminated = true;
  }

  /** Waits for every thread to stop. */
  void finish() throws Exception {
    try {
      for (Future<?> worker : workers) {
        worker.get(LIMIT.plus(REQUEST_TIMEOUT).toSeconds(), TimeUnit.SECONDS);
      }
    } finally {
      threads.shutdownNow();
    }
  }

  /** Ids of the registrations the broker answered with 201. */
  Set<String> acknowledged() {
    return Set.copyOf(acknowledged);
  }

  /** Answers that began but were cut off, with what arrived. */
  List<String> truncated() {
    return List.copyOf(truncated);
  }

  /** Errors, statuses or bodies that a healthy or gracefully stopping broker does not give. */
  List<String> unexpected() {
    return List.copyOf(unexpected);
  }

  /** How many of each outcome, before and after SIGTERM, e.g. for assertion messages. */
  String summary() {
    return new TreeMap<>(tally).toString();
  }

  private void run(long deadline) {
    for (int i = 0; i < MAX_REQUESTS_PER_THREAD && System.nanoTime() < deadline; i++) {
      RawHttp.Outcome outcome =
          switch (i % 4) {
            case 0, 1 ->
                RawHttp.exchange(socket, "POST", "/v1/instances", registerBody, REQUEST_TIMEOUT);
            case 2 -> RawHttp.exchange(socket, "GET", "/v1/instances", null, REQUEST_TIMEOUT);
            default -> RawHttp.exchange(socket, "GET", "/v1/health", null, REQUEST_TIMEOUT);
          };
      if (!record(outcome)) {
        return;
      }
    }
  }

  /** Records one outcome; false once the broker no longer accepts connections. */
  private boolean record(RawHttp.Outcome outcome) {
    boolean afterSigterm = terminated;
    String kind =
        outcome instanceof RawHttp.Answer a
            ? "HTTP " + a.status()
            : outcome.getClass().getSimpleName();
    tally.merge((afterSigterm ? "after SIGTERM: " : "before SIGTERM: ") + kind, 1, Integer::sum);
    if (outcome instanceof RawHttp.Truncated t) {
      truncated.add(t.reason() + ": " + t.received());
      return true;
    }
    if (outcome instanceof RawHttp.ConnectionError e) {
      if (!afterSigterm) {
        unexpected.add("connection error before SIGTERM: " + e.reason());
      }
      return false;
    }
    check((RawHttp.Answer) outcome, afterSigterm);
    answers.countDown();
    return true;
  }

  private void check(RawHttp.Answer answer, boolean afterSigterm) {
    JsonNode json;
    try {
      json = Json.MAPPER.readTree(answer.body());
    } catch (RuntimeException e) {
      unexpected.add("HTTP " + answer.status() + " with a body that is not JSON: " + answer.body());
      return;
    }
    if (answer.status() == 201) {
      acknowledged.add(json.path("instance").path("id").asString());
    } else if (answer.status() == 503 && afterSigterm) {
      if (!json.path("error").path("code").asString().equals("unavailable")) {
        unexpected.add("503 without the error shape: " + answer.body());
      }
    } else if (answer.status() != 200) {
      unexpected.add("HTTP " + answer.status() + ": " + answer.body());
    }
  }
}
