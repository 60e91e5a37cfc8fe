package dev.baton.git;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.baton.events.EventService;
import dev.baton.store.StoreConfig;
import dev.baton.store.internal.SqlStore;
import dev.baton.testing.PostgresServer;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class PostgresLandTest extends LandContract {
  @Override
  protected StoreConfig storeConfig() {
    return StoreConfig.parse(PostgresServer.require().createDatabase(), Path.of("/unused"), 4);
  }

  /**
   * Two broker nodes on one machine: a land that the other node has is not taken up while that node
   * runs (both would land it), and is once it stopped.
   */
  @Test
  void aLandOfARunningNodeIsTakenUpOnlyOnceThatNodeStopped() {
    EventService.Subscription here = store().followOtherNodes(events -> {});
    try (SqlStore other =
        SqlStore.open(config(), Clock.systemUTC(), events -> {}, new PrometheusRegistry())) {
      EventService.Subscription there = other.followOtherNodes(events -> {});
      Land theirs = queue(other, HOST);

      assertThat(store().lands().claimUnfinished(HOST)).extracting(Land::id).isEmpty();

      there.close(); // the other node stops: its session ends
      await("the land of the stopped node is taken up")
          .atMost(Duration.ofSeconds(20))
          .until(
              () ->
                  store().lands().claimUnfinished(HOST).stream()
                      .anyMatch(l -> l.id() == theirs.id()));
      assertThat(other.lands().claimUnfinished(HOST))
          .as(
              "taken up here, the land is no longer the other node's, although it still has the store")
          .extracting(Land::id)
          .isEmpty();
    } finally {
      here.close();
    }
  }
}
