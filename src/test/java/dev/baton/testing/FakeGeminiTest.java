package dev.baton.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** The fake's wire format and script, over real HTTP; the real CLI is in FakeGeminiIT. */
class FakeGeminiTest {
  private static final String STREAM = "/v1beta/models/gemini-2.5-pro:streamGenerateContent";
  private static final String MAIN =
      "{\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"hi\"}]}],"
          + "\"tools\":[{\"functionDeclarations\":[{\"name\":\"write_file\"}]}]}";

  private final FakeGemini fake = FakeGemini.start();
  private final HttpClient http = HttpClient.newHttpClient();

  @AfterEach
  void stop() {
    fake.close();
  }

  @Test
  void streamsAFunctionCallAsOneServerSentEvent() throws Exception {
    fake.script(
        ModelStep.toolUse("write_file", Map.of("file_path", "/tmp/a.txt", "content", "hello")));

    HttpResponse<String> response = post(STREAM + "?alt=sse", MAIN);

    assertThat(response.headers().firstValue("Content-Type")).hasValue("text/event-stream");
    assertThat(response.body()).startsWith("data: ").endsWith("\r\n\r\n");
    JsonNode data = GeminiWire.JSON.readTree(response.body().substring("data: ".length()));
    JsonNode candidate = data.path("candidates").path(0);
    JsonNode call = candidate.path("content").path("parts").path(0).path("functionCall");
    assertThat(call.path("name").asString()).isEqualTo("write_file");
    assertThat(call.path("args").path("content").asString()).isEqualTo("hello");
    assertThat(candidate.path("content").path("role").asString()).isEqualTo("model");
    assertThat(candidate.path("finishReason").asString()).isEqualTo("STOP");
    assertThat(data.path("usageMetadata").path("totalTokenCount").asInt()).isPositive();
    assertThat(fake.mainRequests())
        .singleElement()
        .satisfies(r -> assertThat(r.model()).isEqualTo("gemini-2.5-pro"));
  }

  @Test
  void answersDoneWhenTheScriptIsUsedUp() throws Exception {
    fake.script(ModelStep.text("first"));

    post(STREAM + "?alt=sse", MAIN);
    String second = post(STREAM + "?alt=sse", MAIN).body();

    assertThat(second).contains("\"text\":\"done\"");
    assertThat(fake.mainRequests()).hasSize(2);
  }

  @Test
  void sideRequestsGetJsonOfTheirSchemaAndDoNotConsumeTheScript() throws Exception {
    fake.script(ModelStep.text("for the main loop"));
    String router =
        "{\"contents\":[],\"generationConfig\":{\"responseMimeType\":\"application/json\","
            + "\"responseJsonSchema\":{\"type\":\"OBJECT\",\"properties\":{"
            + "\"complexity_reasoning\":{\"type\":\"STRING\"},\"complexity_score\":{\"type\":\"INTEGER\"}}}}}";

    JsonNode side =
        GeminiWire.JSON.readTree(
            post("/v1beta/models/gemini-2.5-flash-lite:generateContent", router).body());

    String text =
        side.path("candidates")
            .path(0)
            .path("content")
            .path("parts")
            .path(0)
            .path("text")
            .asString();
    JsonNode answer = GeminiWire.JSON.readTree(text);
    assertThat(answer.path("complexity_reasoning").isString()).isTrue();
    assertThat(answer.path("complexity_score").isNumber()).isTrue();
    assertThat(fake.stepsLeft()).hasSize(1);
    assertThat(fake.sideRequests()).hasSize(1);
    assertThat(fake.mainRequests()).isEmpty();
  }

  @Test
  void readsToolResultsBackFromTheConversation() throws Exception {
    String body =
        "{\"contents\":["
            + "{\"role\":\"model\",\"parts\":[{\"functionCall\":{\"id\":\"c1\",\"name\":\"write_file\",\"args\":{}}}]},"
            + "{\"role\":\"user\",\"parts\":[{\"functionResponse\":{\"id\":\"c1\",\"name\":\"write_file\","
            + "\"response\":{\"error\":\"Tool execution blocked: held\"}}}]}],"
            + "\"tools\":[{\"functionDeclarations\":[{\"name\":\"write_file\"}]}]}";

    post(STREAM + "?alt=sse", body);

    assertThat(fake.toolResults())
        .containsExactly(
            new GenerateContentRequest.ToolResult(
                "c1", "write_file", "Tool execution blocked: held", true));
  }

  @Test
  void aDelayedStepIsHeldBackUntilItsTime() throws Exception {
    fake.script(ModelStep.text("late").after(Duration.ofMillis(700)));

    CompletableFuture<HttpResponse<String>> answer =
        http.sendAsync(
            request(STREAM + "?alt=sse", MAIN).build(), HttpResponse.BodyHandlers.ofString());
    fake.awaitMainRequests(1, Duration.ofSeconds(5));

    assertThat(answer).isNotDone();
    assertThat(answer.get().body()).contains("late");
  }

  @Test
  void countsTokensAndRecordsUnknownPaths() throws Exception {
    assertThat(post("/v1beta/models/gemini-2.5-pro:countTokens", MAIN).body())
        .contains("totalTokens");

    HttpResponse<String> unknown = post("/v1beta/files", "{}");

    assertThat(unknown.statusCode()).isEqualTo(404);
    assertThat(unknown.body()).contains("NOT_FOUND");
    assertThat(fake.unknownRequests()).containsExactly("POST /v1beta/files");
  }

  @Test
  void waitingForRequestsThatNeverComeSaysWhatItWaitedFor() {
    assertThatThrownBy(() -> fake.awaitMainRequests(2, Duration.ofMillis(50)))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("for 2 main-loop requests to " + fake.baseUrl());
  }

  private HttpResponse<String> post(String path, String body) throws Exception {
    return http.send(request(path, body).build(), HttpResponse.BodyHandlers.ofString());
  }

  private HttpRequest.Builder request(String path, String body) {
    return HttpRequest.newBuilder(URI.create(fake.baseUrl() + path))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body));
  }
}
