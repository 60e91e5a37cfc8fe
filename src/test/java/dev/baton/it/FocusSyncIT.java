package dev.baton.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.baton.api.FocusJson;
import dev.baton.api.Json;
import dev.baton.api.RegisterBody;
import dev.baton.api.client.BrokerClient;
import dev.baton.api.client.HttpResponse;
import dev.baton.testing.GitRepos;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * One break for the whole fleet, through a real broker process: 10 instances work through 4 short
 * blocks (prompts through the Claude hook), and recording stand-ins for {@code tmux} and {@code
 * notify-send}, first on the broker's PATH, count what reaches the person: exactly one reminder per
 * break on each channel, never one per agent. Each break checkpoints every instance once, and each
 * agent's prompts during a break carry the break context.
 */
class FocusSyncIT {
  private static final int INSTANCES = 10;
  private static final int BLOCKS = 4;
  private static final String BREAK_CONTEXT = "the person is on a break until ";
  private static final String CONFIG =
      """
      focus:
        block: 3s
        break: 2s
        long-break: 3s
        auto: on
        notify: [tmux, desktop]
      """;

  @TempDir Path tmp;

  private BrokerProcess broker;
  private Path repo;
  private Path bin;
  private Path calls;

  @BeforeEach
  void setUp() throws IOException {
    repo = GitRepos.create(tmp.resolve("repo"));
    bin = Files.createDirectories(tmp.resolve("bin"));
    calls = Files.createDirectories(tmp.resolve("calls"));
    standIn("tmux");
    standIn("notify-send");
    BrokerSandbox sandbox =
        BrokerSandbox.in(tmp.resolve("b"))
            .withEnv("PATH", bin + ":" + System.getenv("PATH"))
            .withEnv("DISPLAY", ":99")
            .withEnv("WAYLAND_DISPLAY", null);
    broker = sandbox.start("--config", sandbox.writeConfig("baton.yaml", CONFIG).toString());
  }

  @AfterEach
  void tearDown() {
    if (broker != null) {
      broker.close();
    }
  }

  /** A program that appends its arguments, one line per call, to calls/NAME and succeeds. */
  private void standIn(String name) throws IOException {
    Path script = bin.resolve(name);
    Files.writeString(
        script,
        "#!/bin/sh\nprintf '%s|' \"$@\" >> '"
            + calls.resolve(name)
            + "'\necho >> '"
            + calls.resolve(name)
            + "'\n",
        StandardCharsets.UTF_8);
    Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
  }

  private List<String> calls(String name) {
    Path file = calls.resolve(name);
    try {
      return Files.exists(file) ? Files.readAllLines(file, StandardCharsets.UTF_8) : List.of();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The agent's prompt through the Claude hook; the context it is given, or "". */
  private static String prompt(BrokerClient client, Path repo, String instance) throws Exception {
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("session_id", "00000000-0000-4000-8000-" + instance.substring(7) + "0000");
    doc.put("cwd", repo.toString());
    doc.put("hook_event_name", "UserPromptSubmit");
    doc.put("prompt", "go on");
    HttpResponse r =
        client.send(
            "POST",
            "/v1/hooks/claude/UserPromptSubmit",
            Map.of("Content-Type", "application/json", "X-Baton-Instance", instance),
            Json.MAPPER.writeValueAsBytes(doc));
    assertThat(r.status()).isEqualTo(200);
    JsonNode answer = Json.MAPPER.readTree(r.body());
    return answer.path("hookSpecificOutput").path("additionalContext").asString("");
  }

  @Test
  void tenInstancesThroughFourBlocksAreRemindedFourTimesOnEachChannel() throws Exception {
    List<String> fleet = new ArrayList<>();
    try (BrokerClient client = broker.unixClient()) {
      client.call(
          "POST",
          "/v1/fleet/sessions",
          Map.of("socket", tmp.resolve("tmux-socket").toString(), "session", "baton-sync"),
          JsonNode.class);
      for (int i = 0; i < INSTANCES; i++) {
        String id = String.format("claude-%02d00aa00", i);
        client.register(new RegisterBody("developer", repo.toString(), id, "claude"));
        fleet.add(id);
      }
      // every agent prompts in turn until the fourth break; rounds that begin and end in one
      // break tell which agents were given the break context in it
      Map<String, Set<Integer>> toldOfBreak = new HashMap<>();
      List<String> toldWhileWorking = new ArrayList<>();
      long deadline = System.nanoTime() + Duration.ofSeconds(45).toNanos();
      while (true) {
        assertThat(System.nanoTime()).as("4 blocks within 45 s").isLessThan(deadline);
        FocusJson before = client.focus();
        if (before.mode().equals("break") && before.block() == BLOCKS) {
          break;
        }
        Map<String, String> answers = new HashMap<>();
        for (String id : fleet) {
          answers.put(id, prompt(client, repo, id));
        }
        FocusJson after = client.focus();
        boolean sameState = before.mode().equals(after.mode()) && before.block() == after.block();
        for (var a : answers.entrySet()) {
          boolean told = a.getValue().contains(BREAK_CONTEXT);
          if (sameState && before.mode().equals("break") && told) {
            toldOfBreak.computeIfAbsent(a.getKey(), k -> new HashSet<>()).add(before.block());
          } else if (sameState && before.mode().equals("working") && told) {
            toldWhileWorking.add(a.getKey() + " in block " + before.block());
          }
        }
        Thread.sleep(100);
      }
      // the fourth break, prompted through as well
      for (String id : fleet) {
        if (prompt(client, repo, id).contains(BREAK_CONTEXT)) {
          toldOfBreak.computeIfAbsent(id, k -> new HashSet<>()).add(BLOCKS);
        }
      }

      // the long fourth break ends, and without prompts no fifth block starts
      await().atMost(Duration.ofSeconds(10)).until(() -> client.focus().mode().equals("idle"));
      await()
          .atMost(Duration.ofSeconds(15))
          .until(() -> checkpointsAtBreaks(client).size() == INSTANCES * BLOCKS);

      assertThat(calls("tmux")).hasSize(BLOCKS);
      assertThat(calls("tmux"))
          .allSatisfy(
              line ->
                  assertThat(line)
                      .startsWith("-S|" + tmp.resolve("tmux-socket") + "|display-message|")
                      .contains("|-t|=baton-sync:|")
                      .containsPattern(
                          "(Break|Long break) until \\d\\d:\\d\\d — \\d s\\. Agents will pause"));
      assertThat(calls("tmux").get(BLOCKS - 1)).contains("Long break until ");
      assertThat(calls("notify-send")).hasSize(BLOCKS);
      assertThat(calls("notify-send"))
          .allSatisfy(line -> assertThat(line).contains("baton: time for a break|"));

      Map<String, Integer> perInstance = new HashMap<>();
      checkpointsAtBreaks(client).forEach(c -> perInstance.merge(c, 1, Integer::sum));
      assertThat(perInstance).hasSize(INSTANCES).allSatisfy((id, n) -> assertThat(n).isEqualTo(4));

      assertThat(toldOfBreak).hasSize(INSTANCES);
      assertThat(toldOfBreak)
          .allSatisfy((id, breaks) -> assertThat(breaks).containsExactlyInAnyOrder(1, 2, 3, 4));
      assertThat(toldWhileWorking).isEmpty();
      assertThat(client.focus().block()).isEqualTo(BLOCKS);
    }
  }

  /** The instance of every checkpoint taken because a break started. */
  private static List<String> checkpointsAtBreaks(BrokerClient client) {
    JsonNode all = client.call("GET", "/v1/checkpoints?limit=1000", null, JsonNode.class);
    List<String> out = new ArrayList<>();
    for (JsonNode c : all.path("checkpoints")) {
      if (c.path("reason").asString().equals("break")) {
        out.add(c.path("instance").asString());
      }
    }
    return out;
  }
}
