package dev.baton.bench;

import dev.baton.api.RegisterBody;
import dev.baton.api.client.BrokerClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.Function;

/**
 * Sequential registrations, one at a time (a closed loop: each starts when the previous answer has
 * arrived), over a Unix socket or TCP, on one kept-alive connection or on a new connection per
 * request as hooks do. Each registration is one store write that also appends an event.
 */
final class RegistrationLoad {
  private static final Duration BUDGET = Duration.ofSeconds(120);

  /** A way of reaching the broker. */
  enum Transport {
    UNIX_KEPT_ALIVE("Unix socket, one kept-alive connection", b -> b.unixClient(true)),
    TCP_KEPT_ALIVE("TCP 127.0.0.1, one kept-alive connection", b -> b.tcpClient(true)),
    UNIX_PER_REQUEST("Unix socket, new connection per request (hooks)", b -> b.unixClient(false)),
    TCP_PER_REQUEST("TCP 127.0.0.1, new connection per request", b -> b.tcpClient(false));

    final String label;
    final Function<BrokerProcess, BrokerClient> client;

    Transport(String label, Function<BrokerProcess, BrokerClient> client) {
      this.label = label;
      this.client = client;
    }
  }

  /**
   * One transport's figures.
   *
   * @param timedOut true when the run stopped at its time budget before {@code count}
   */
  record Result(
      Transport transport,
      Latencies.Summary latency,
      long errors,
      boolean timedOut,
      Usage.Window usage,
      List<String> errorSamples) {}

  private final BrokerProcess broker;
  private final Backend backend;
  private final Path workspace;

  RegistrationLoad(BrokerProcess broker, Backend backend, Path workspace) {
    this.broker = broker;
    this.backend = backend;
    this.workspace = workspace;
  }

  /**
   * Uncounted registrations before the measured ones: half as many again, at least 100, so that the
   * JIT has compiled the registration path (which differs from the heartbeat path).
   */
  static int warmup(int count) {
    return Math.max(100, count / 2);
  }

  Result run(Transport transport, int count) {
    int warmup = warmup(count);
    RegisterBody body = new RegisterBody("developer", workspace.toString(), null, "bench");
    Latencies latencies = new Latencies(count);
    long errors = 0;
    String firstError = null;
    long deadline = System.nanoTime() + BUDGET.toNanos();
    boolean timedOut = false;
    Usage.Snapshot before = null;
    try (BrokerClient client = transport.client.apply(broker)) {
      for (int i = 0; i < warmup + count; i++) {
        if (System.nanoTime() > deadline) {
          timedOut = true;
          break;
        }
        if (i == warmup) {
          before = Usage.take(broker, backend);
        }
        long start = System.nanoTime();
        try {
          client.register(body);
          if (i >= warmup) {
            latencies.add(System.nanoTime() - start);
          }
        } catch (RuntimeException e) {
          if (i >= warmup) {
            errors++;
            firstError =
                firstError == null
                    ? e.getClass().getSimpleName() + ": " + e.getMessage()
                    : firstError;
          }
        }
      }
    }
    Usage.Window usage =
        before == null
            ? null
            : Usage.between(
                before, Usage.take(broker, backend), Usage.REGISTER_ROUTE, Usage.INSERT);
    return new Result(
        transport,
        latencies.summary(),
        errors,
        timedOut,
        usage,
        firstError == null ? List.of() : List.of(firstError));
  }
}
