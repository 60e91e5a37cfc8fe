package dev.baton.bench;

import dev.baton.api.RegisterBody;
import dev.baton.api.client.BrokerClient;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Registers and deregisters the instances a benchmark drives, each bounded to 120 s. */
final class Fleet {
  private static final long LIMIT_NANOS = TimeUnit.SECONDS.toNanos(120);

  private Fleet() {}

  /** Registers {@code instances} developers in {@code workspace}; returns their ids. */
  static List<String> register(BrokerProcess broker, Path workspace, int instances) {
    List<String> ids = new ArrayList<>();
    long deadline = System.nanoTime() + LIMIT_NANOS;
    try (BrokerClient c = broker.unixClient(true)) {
      for (int i = 0; i < instances; i++) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException(
              "registering " + instances + " instances took over 120 s; got " + ids.size());
        }
        ids.add(
            c.register(new RegisterBody("developer", workspace.toString(), null, "bench"))
                .instance()
                .id());
      }
    }
    return ids;
  }

  /** Deregisters the instances (which releases their leases); failures are only reported. */
  static void deregister(BrokerProcess broker, List<String> ids) {
    long deadline = System.nanoTime() + LIMIT_NANOS;
    try (BrokerClient c = broker.unixClient(true)) {
      for (int i = 0; i < ids.size() && System.nanoTime() < deadline; i++) {
        c.deregister(ids.get(i));
      }
    } catch (RuntimeException e) {
      System.err.println("bench: deregistering benchmark instances failed: " + e.getMessage());
    }
  }
}
