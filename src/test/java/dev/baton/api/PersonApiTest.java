package dev.baton.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.api.client.BrokerClient;
import dev.baton.api.client.HttpResponse;
import dev.baton.server.Broker;
import dev.baton.testing.GitRepos;
import dev.baton.testing.TestBroker;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * The routes that reach the person, on a real broker: messages {@code to: human} and the person's
 * inbox ({@code GET /v1/messages?instance=human}), and the fleet sessions {@code baton up}
 * registers ({@code /v1/fleet/sessions}). Bad input is a 400 naming the field and changes nothing.
 */
class PersonApiTest {
  @TempDir Path dir;
  private Broker broker;
  private BrokerClient client;
  private Path repo;

  @BeforeEach
  void start() {
    broker =
        TestBroker.start(dir.resolve("broker"), "sqlite", "focus:\n  auto: off\n  notify: off\n");
    client = BrokerClient.overUnixSocket(broker.socket(), true, BrokerClient.DEFAULT_TIMEOUT);
    repo = GitRepos.create(dir.resolve("repo"));
  }

  @AfterEach
  void stop() {
    client.close();
    broker.close();
  }

  private HttpResponse send(String method, String path, Object body) {
    return client.send(
        method,
        path,
        Map.of(),
        Json.MAPPER.writeValueAsString(body).getBytes(StandardCharsets.UTF_8));
  }

  private JsonNode error(HttpResponse r, String field) {
    assertThat(r.status()).as(r.bodyText()).isEqualTo(400);
    JsonNode error = Json.MAPPER.readTree(r.bodyText()).path("error");
    assertThat(error.path("field").asString()).as(r.bodyText()).isEqualTo(field);
    return error;
  }

  @Test
  void aHandoffToHumanIsDeliveredToThePersonsInboxAndKeepsTheSendersLeases() {
    client.register(new RegisterBody("developer", repo.toString(), "claude-5e6f7a8b", "claude"));
    String lease =
        client
            .acquire(
                new AcquireBody(
                    "claude-5e6f7a8b",
                    null,
                    java.util.List.of("src/cache.py"),
                    null,
                    null,
                    null,
                    "cache",
                    null))
            .leases()
            .get(0)
            .id();

    JsonNode h =
        client.call(
            "POST",
            "/v1/handoffs",
            java.util.Map.of(
                "from",
                "claude-5e6f7a8b",
                "to",
                "human",
                "summary",
                "which database should the cache use? I stopped before choosing",
                "allFiles",
                true),
            JsonNode.class);

    assertThat(h.path("to").asString()).isEqualTo("human");
    assertThat(h.path("status").asString()).isEqualTo("accepted");
    assertThat(h.path("leases")).isEmpty();
    assertThat(client.leases(null, "claude-5e6f7a8b").leases())
        .extracting(LeaseJson::id)
        .containsExactly(lease);
    JsonNode inbox = client.call("GET", "/v1/messages?instance=human", null, JsonNode.class);
    assertThat(inbox.path("messages")).hasSize(1);
    JsonNode notice = inbox.path("messages").get(0);
    assertThat(notice.path("from").asString()).isEqualTo("claude-5e6f7a8b");
    assertThat(notice.path("importance").asString()).isEqualTo("normal");
    assertThat(notice.path("text").asString())
        .contains("Handoff #" + h.path("id").asLong())
        .contains("which database should the cache use?")
        .contains("stay leased to claude-5e6f7a8b");
    assertThat(
            client
                .call("GET", "/v1/handoffs?status=pending", null, JsonNode.class)
                .path("handoffs"))
        .as("nothing waits for an answer")
        .isEmpty();
  }

  @Test
  void anAgentsMessageToHumanIsInThePersonsInbox() {
    client.register(new RegisterBody("developer", repo.toString(), "claude-1a2b3c4d", "claude"));
    assertThat(
            client
                .call("GET", "/v1/messages?instance=human", null, JsonNode.class)
                .path("messages"))
        .isEmpty();

    JsonNode sent =
        client.call(
            "POST",
            "/v1/messages",
            new HandoffRoutes.MessageBody(
                "claude-1a2b3c4d", null, "human", "may I land?", "low", false),
            JsonNode.class);
    assertThat(sent.path("recipients").get(0).asString()).isEqualTo("human");

    JsonNode inbox = client.call("GET", "/v1/messages?instance=human", null, JsonNode.class);
    assertThat(inbox.path("messages")).hasSize(1);
    assertThat(inbox.path("messages").get(0).path("from").asString()).isEqualTo("claude-1a2b3c4d");
    assertThat(inbox.path("messages").get(0).path("importance").asString()).isEqualTo("low");

    JsonNode e =
        error(
            send(
                "POST",
                "/v1/messages",
                new HandoffRoutes.MessageBody(
                    "human", repo.toString(), "human", "hi", null, false)),
            "to");
    assertThat(e.path("message").asString()).isEqualTo("a message from human to human is not sent");
    assertThat(
            client
                .call("GET", "/v1/messages?instance=human", null, JsonNode.class)
                .path("messages"))
        .hasSize(1);
  }

  @Test
  void fleetSessionsAreRegisteredListedAndForgotten() {
    Map<String, String> session =
        Map.of("socket", "/tmp/tmux-1000/default", "session", "baton-app");
    HttpResponse made = send("POST", "/v1/fleet/sessions", session);
    assertThat(made.status()).as(made.bodyText()).isEqualTo(201);
    send("POST", "/v1/fleet/sessions", session); // again: no change
    JsonNode list = client.call("GET", "/v1/fleet/sessions", null, JsonNode.class);
    assertThat(list.path("sessions")).hasSize(1);
    assertThat(list.path("sessions").get(0).path("session").asString()).isEqualTo("baton-app");

    JsonNode bad =
        error(
            send("POST", "/v1/fleet/sessions", Map.of("socket", "default", "session", "x")),
            "socket");
    assertThat(bad.path("message").asString())
        .startsWith("socket 'default' is not the absolute path");
    assertThat(client.call("GET", "/v1/fleet/sessions", null, JsonNode.class).path("sessions"))
        .hasSize(1);

    HttpResponse gone = send("DELETE", "/v1/fleet/sessions", session);
    assertThat(gone.status()).as(gone.bodyText()).isEqualTo(200);
    assertThat(client.call("GET", "/v1/fleet/sessions", null, JsonNode.class).path("sessions"))
        .isEmpty();
  }
}
