package dev.baton.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.api.client.BrokerClient;
import dev.baton.api.client.HttpResponse;
import dev.baton.server.Broker;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

class TcpApiTest extends ApiContract {
  @Override
  protected BrokerClient connect(Broker broker) {
    return BrokerClient.overTcp(
        new InetSocketAddress("127.0.0.1", broker.tcpPort()),
        broker.token(),
        true,
        Duration.ofSeconds(10));
  }

  private BrokerClient withToken(String token) {
    return BrokerClient.overTcp(
        new InetSocketAddress("127.0.0.1", broker.tcpPort()), token, false, Duration.ofSeconds(10));
  }

  @Test
  void aRequestWithoutTheTokenIs401() {
    try (BrokerClient anonymous = withToken(null)) {
      long before = client.health().instances();
      HttpResponse r =
          anonymous.send(
              "POST",
              "/v1/instances",
              Map.of(),
              ("{\"role\":\"developer\",\"workspace\":\"" + repo + "\"}").getBytes());

      assertThat(r.status()).isEqualTo(401);
      assertThat(r.header("www-authenticate")).isEqualTo("Bearer realm=\"baton\"");
      JsonNode e = Json.MAPPER.readTree(r.body()).path("error");
      assertThat(e.path("code").asString()).isEqualTo("unauthorized");
      assertThat(e.path("message").asString()).startsWith("missing bearer token");
      assertThat(client.health().instances()).isEqualTo(before);
    }
  }

  @Test
  void aWrongTokenIs401() {
    try (BrokerClient wrong = withToken("not-the-token")) {
      HttpResponse r = wrong.send("GET", "/v1/instances", Map.of(), null);

      assertThat(r.status()).isEqualTo(401);
      assertThat(Json.MAPPER.readTree(r.body()).path("error").path("message").asString())
          .isEqualTo(
              "bearer token does not match this broker's; 'baton token' prints the right one");
    }
  }

  @Test
  void theTokenIsCheckedOnEveryRouteIncludingHealthAndEvents() {
    try (BrokerClient anonymous = withToken(null)) {
      assertThat(anonymous.send("GET", "/v1/health", Map.of(), null).status()).isEqualTo(401);
      assertThat(anonymous.send("GET", "/metrics", Map.of(), null).status()).isEqualTo(401);
      assertThat(anonymous.send("GET", "/v1/events", Map.of(), null).status()).isEqualTo(401);
    }
  }
}
