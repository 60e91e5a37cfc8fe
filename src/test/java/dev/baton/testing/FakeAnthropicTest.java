package dev.baton.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** The fake's wire format and script, over real HTTP; the real CLI is in FakeAnthropicIT. */
class FakeAnthropicTest {
  private static final String MAIN =
      "{\"model\":\"m\",\"stream\":%s,\"tools\":[{\"name\":\"Write\"}]}";

  private final FakeAnthropic fake = FakeAnthropic.start();
  private final HttpClient http = HttpClient.newHttpClient();

  @AfterEach
  void stop() {
    fake.close();
  }

  @Test
  void streamsAToolCallAsTheApiDoes() throws Exception {
    fake.script(ModelStep.toolUse("Write", Map.of("file_path", "/tmp/a.txt", "content", "hello")));

    HttpResponse<String> response = post("/v1/messages?beta=true", MAIN.formatted(true));

    assertThat(response.headers().firstValue("Content-Type"))
        .hasValueSatisfying(type -> assertThat(type).startsWith("text/event-stream"));
    List<JsonNode> events = sse(response.body());
    assertThat(events)
        .extracting(e -> e.path("type").asString())
        .containsExactly(
            "message_start",
            "ping",
            "content_block_start",
            "content_block_delta",
            "content_block_stop",
            "message_delta",
            "message_stop");
    JsonNode block = events.get(2).path("content_block");
    assertThat(block.path("type").asString()).isEqualTo("tool_use");
    assertThat(block.path("name").asString()).isEqualTo("Write");
    assertThat(block.path("id").asString()).startsWith("toolu_");
    String json = events.get(3).path("delta").path("partial_json").asString();
    assertThat(AnthropicWire.JSON.readTree(json).path("content").asString()).isEqualTo("hello");
    assertThat(events.get(5).path("delta").path("stop_reason").asString()).isEqualTo("tool_use");
  }

  @Test
  void answersPlainJsonWithoutStreamAndDoneWhenTheScriptIsUsedUp() throws Exception {
    fake.script(ModelStep.text("first"));

    JsonNode first =
        AnthropicWire.JSON.readTree(post("/v1/messages", MAIN.formatted(false)).body());
    JsonNode second =
        AnthropicWire.JSON.readTree(post("/v1/messages", MAIN.formatted(false)).body());

    assertThat(first.path("content").path(0).path("text").asString()).isEqualTo("first");
    assertThat(first.path("stop_reason").asString()).isEqualTo("end_turn");
    assertThat(second.path("content").path(0).path("text").asString()).isEqualTo("done");
    assertThat(fake.mainRequests()).hasSize(2);
  }

  @Test
  void sideRequestsAndSubagentsDoNotConsumeTheScript() throws Exception {
    fake.script(ModelStep.text("for the main loop"));
    String title =
        "{\"model\":\"m\",\"stream\":false,\"tools\":[],\"output_config\":{\"format\":{\"type\":"
            + "\"json_schema\",\"schema\":{\"type\":\"object\",\"properties\":{\"title\":{\"type\":\"string\"}}}}}}";

    JsonNode side = AnthropicWire.JSON.readTree(post("/v1/messages", title).body());
    HttpResponse<String> subagent =
        http.send(
            request("/v1/messages", MAIN.formatted(false))
                .header("x-claude-code-agent-id", "a1")
                .build(),
            HttpResponse.BodyHandlers.ofString());

    String text = side.path("content").path(0).path("text").asString();
    assertThat(AnthropicWire.JSON.readTree(text).path("title").isString()).isTrue();
    assertThat(subagent.body()).doesNotContain("for the main loop");
    assertThat(fake.stepsLeft()).hasSize(1);
    assertThat(fake.sideRequests()).hasSize(2);
    assertThat(fake.mainRequests()).isEmpty();
  }

  @Test
  void aDelayedStepIsHeldBackUntilItsTime() throws Exception {
    fake.script(ModelStep.text("late").after(Duration.ofMillis(700)));

    CompletableFuture<HttpResponse<String>> answer =
        http.sendAsync(
            request("/v1/messages", MAIN.formatted(false)).build(),
            HttpResponse.BodyHandlers.ofString());
    fake.awaitMainRequests(1, Duration.ofSeconds(5));

    assertThat(answer).isNotDone();
    assertThat(answer.get().body()).contains("late");
  }

  @Test
  void countsTokensAndRecordsUnknownPaths() throws Exception {
    assertThat(post("/v1/messages/count_tokens", MAIN.formatted(false)).body())
        .contains("input_tokens");

    HttpResponse<String> unknown = post("/v1/files", "{}");

    assertThat(unknown.statusCode()).isEqualTo(404);
    assertThat(unknown.body()).contains("not_found_error");
    assertThat(fake.unknownRequests()).containsExactly("POST /v1/files");
  }

  @Test
  void waitingForRequestsThatNeverComeSaysWhatItWaitedFor() {
    assertThatThrownBy(() -> fake.awaitMainRequests(2, Duration.ofMillis(50)))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining(
            "for 2 main-loop requests to " + fake.baseUrl() + "/v1/messages, got 0");
  }

  private HttpResponse<String> post(String path, String body) throws Exception {
    return http.send(request(path, body).build(), HttpResponse.BodyHandlers.ofString());
  }

  private HttpRequest.Builder request(String path, String body) {
    return HttpRequest.newBuilder(URI.create(fake.baseUrl() + path))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body));
  }

  private static List<JsonNode> sse(String body) {
    List<JsonNode> events = new ArrayList<>();
    for (String frame : body.split("\n\n")) {
      String[] lines = frame.split("\n");
      assertThat(lines[0]).startsWith("event: ");
      assertThat(lines[1]).startsWith("data: ");
      JsonNode data = AnthropicWire.JSON.readTree(lines[1].substring("data: ".length()));
      assertThat(data.path("type").asString()).isEqualTo(lines[0].substring("event: ".length()));
      events.add(data);
    }
    return events;
  }
}
