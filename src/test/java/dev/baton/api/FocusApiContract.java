package dev.baton.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.api.client.BrokerClient;
import dev.baton.api.client.HttpResponse;
import dev.baton.server.Broker;
import dev.baton.testing.GitRepos;
import dev.baton.testing.TestBroker;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * {@code /v1/focus} and the break context of the Claude Code hooks as a client sees them, on a real
 * broker; subclassed per backend. Bad input is a 400 naming the field, and changes nothing.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class FocusApiContract {
  private static final String CONFIG = "focus:\n  auto: off\n  block: 25m\n";

  @TempDir static Path dir;
  private Broker broker;
  private BrokerClient client;
  private Path repo;

  protected String storeUrl() {
    return "sqlite";
  }

  @BeforeAll
  void startBroker() {
    broker = TestBroker.start(dir.resolve("broker"), storeUrl(), CONFIG);
    client = BrokerClient.overUnixSocket(broker.socket(), true, BrokerClient.DEFAULT_TIMEOUT);
    repo = GitRepos.create(dir.resolve("repo"));
  }

  @AfterAll
  void stopBroker() {
    if (client != null) {
      client.close();
    }
    if (broker != null) {
      broker.close();
    }
  }

  @BeforeEach
  void stopTheTimer() {
    client.focus(new FocusBody("stop", null));
  }

  private HttpResponse post(String path, Map<String, ?> body) {
    return client.send(
        "POST",
        path,
        Map.of(),
        Json.MAPPER.writeValueAsString(body).getBytes(StandardCharsets.UTF_8));
  }

  /** A 400 naming {@code field}, with the timer and the event history unchanged. */
  private JsonNode refused(Map<String, ?> body, String field) {
    FocusJson before = client.focus();
    long lastEvent = client.health().lastEventId();
    HttpResponse r = post("/v1/focus", body);
    assertThat(r.status()).as(r.bodyText()).isEqualTo(400);
    JsonNode error = Json.MAPPER.readTree(r.bodyText()).path("error");
    assertThat(error.path("code").asString()).isEqualTo("invalid_request");
    assertThat(error.path("field").asString()).as(r.bodyText()).isEqualTo(field);
    assertThat(client.focus()).isEqualTo(before);
    assertThat(client.health().lastEventId()).isEqualTo(lastEvent);
    return error;
  }

  private static Map<String, Object> body(String action, String duration) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("action", action);
    if (duration != null) {
      m.put("duration", duration);
    }
    return m;
  }

  @Test
  void theTimerIsIdleUntilABlockStarts() {
    FocusJson idle = client.focus();
    assertThat(idle.mode()).isEqualTo("idle");
    assertThat(idle.until()).isNull();

    Instant before = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
    FocusJson working = client.focus(new FocusBody("start", "30m"));
    assertThat(working.mode()).isEqualTo("working");
    assertThat(working.block()).isEqualTo(1);
    assertThat(working.nextBreakAt()).isAfterOrEqualTo(before.plusSeconds(30 * 60));
    assertThat(working.snoozesLeft()).isEqualTo(2);
    assertThat(client.focus()).isEqualTo(working);

    FocusJson snoozed = client.focus(new FocusBody("snooze", "10m"));
    assertThat(snoozed.until()).isEqualTo(working.until().plusSeconds(600));
    assertThat(snoozed.snoozesLeft()).isEqualTo(1);
    assertThat(client.focus(new FocusBody("stop", null)).mode()).isEqualTo("idle");
  }

  @Test
  void anUnknownOrMissingActionIsABadRequestNamingTheField() {
    assertThat(refused(body("pause", null), "action").path("message").asString())
        .isEqualTo("action 'pause' is not one of start, break, stop, snooze");
    refused(body(null, "5m"), "action");
  }

  @Test
  void aDurationThatDoesNotParseIsABadRequestNamingTheField() {
    assertThat(refused(body("start", "soon"), "duration").path("message").asString())
        .contains("'soon' is not a duration");
    refused(body("start", "0m"), "duration");
    refused(body("break", "25h"), "duration");
    refused(body("stop", "5m"), "duration");
  }

  @Test
  void aBreakWhileNoBlockRunsAndAThirdSnoozeAreConflicts() {
    HttpResponse noBlock = post("/v1/focus", body("break", null));
    assertThat(noBlock.status()).isEqualTo(409);
    assertThat(noBlock.bodyText()).contains("focus_refused").contains("no block runs");

    client.focus(new FocusBody("start", null));
    client.focus(new FocusBody("snooze", null));
    client.focus(new FocusBody("snooze", null));
    HttpResponse third = post("/v1/focus", body("snooze", null));
    assertThat(third.status()).isEqualTo(409);
    assertThat(third.bodyText()).contains("focus.max-snoozes 2");
  }

  @Test
  void duringABreakAgentsAreToldUntilWhenAndNotToAskQuestions() {
    String session = "5e55a0f1-0000-4000-8000-00000000f0c5";
    JsonNode before = hook("UserPromptSubmit", session);
    assertThat(before.toString()).doesNotContain("on a break");

    client.focus(new FocusBody("start", null));
    FocusJson onBreak = client.focus(new FocusBody("break", "10m"));
    assertThat(onBreak.mode()).isEqualTo("break");
    String until =
        DateTimeFormatter.ofPattern("HH:mm").format(onBreak.until().atZone(ZoneId.systemDefault()));
    String told =
        "the person is on a break until "
            + until
            + "; finish the current step, checkpoint, and do not ask questions until then";

    JsonNode prompt = hook("UserPromptSubmit", session);
    assertThat(prompt.path("hookSpecificOutput").path("hookEventName").asString())
        .isEqualTo("UserPromptSubmit");
    assertThat(prompt.path("hookSpecificOutput").path("additionalContext").asString())
        .contains(told);
    assertThat(hook("Stop", session).path("systemMessage").asString()).contains(told);

    client.focus(new FocusBody("stop", null));
    assertThat(hook("UserPromptSubmit", session).toString()).doesNotContain("on a break");
  }

  private JsonNode hook(String event, String session) {
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("session_id", session);
    doc.put("cwd", repo.toString());
    doc.put("hook_event_name", event);
    if (event.equals("UserPromptSubmit")) {
      doc.put("prompt", "go on");
    }
    HttpResponse r = post("/v1/hooks/claude/" + event, doc);
    assertThat(r.status()).as(r.bodyText()).isEqualTo(200);
    return Json.MAPPER.readTree(r.bodyText());
  }
}
