package dev.baton.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.baton.core.ErrorCode;
import dev.baton.store.internal.SqlStore;
import dev.baton.testing.PostgresServer;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class PostgresStoreTest extends StoreContract {
  private StoreConfig config;

  @Override
  protected StoreConfig storeConfig() {
    if (config == null) {
      config = StoreConfig.parse(PostgresServer.require().createDatabase(), Path.of("/unused"), 4);
    }
    return config;
  }

  @Override
  protected StoreConfig reopenConfig() {
    return config;
  }

  @Test
  void anUnreachableServerIsReportedAsUnavailableWithItsAddressAndNoPassword() {
    StoreConfig dead =
        StoreConfig.parse("postgresql://baton:s3cret@127.0.0.1:1/baton", Path.of("/unused"), 2);

    assertThatThrownBy(() -> SqlStore.open(dead, clock, e -> {}, new PrometheusRegistry()))
        .isInstanceOf(StoreException.class)
        .hasMessageContaining(
            "cannot connect to PostgreSQL store postgresql://baton@127.0.0.1:1/baton")
        .hasMessageNotContaining("s3cret")
        .satisfies(
            e -> assertThat(((StoreException) e).code()).isEqualTo(ErrorCode.STORE_UNAVAILABLE));
  }
}
