package dev.baton.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.api.client.BrokerClient;
import dev.baton.api.client.HttpResponse;
import dev.baton.server.Broker;
import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class UnixSocketApiTest extends ApiContract {
  @Override
  protected BrokerClient connect(Broker broker) {
    return BrokerClient.overUnixSocket(broker.socket(), true, Duration.ofSeconds(10));
  }

  @Test
  void theSocketNeedsNoTokenBecauseOnlyItsOwnerCanOpenIt() throws Exception {
    HttpResponse r = client.send("GET", "/v1/health", Map.of(), null);

    assertThat(r.status()).isEqualTo(200);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(broker.socket())))
        .isEqualTo("rw-------");
    assertThat(
            PosixFilePermissions.toString(
                Files.getPosixFilePermissions(broker.socket().getParent())))
        .isEqualTo("rwx------");
  }

  @Test
  void aWrongTokenIsIgnoredOnTheSocket() {
    HttpResponse r =
        client.send("GET", "/v1/health", Map.of("Authorization", "Bearer wrong"), null);

    assertThat(r.status()).isEqualTo(200);
  }
}
