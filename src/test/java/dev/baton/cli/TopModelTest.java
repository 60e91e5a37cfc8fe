package dev.baton.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.api.EventJson;
import dev.baton.api.InstanceJson;
import dev.baton.api.InstanceState;
import dev.baton.api.LandJson;
import dev.baton.api.LeaseJson;
import dev.baton.api.WaitingListJson.WaitingJson;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TopModelTest {
  private static final String WS = "/repo";
  private static final Instant T0 = Instant.parse("2026-12-07T10:00:00Z");

  private static InstanceJson instance(String id, String role, Instant created) {
    return new InstanceJson(
        id,
        role,
        "cli",
        WS,
        null,
        "instance/" + id,
        created,
        created,
        created.plusSeconds(30),
        null,
        null,
        null);
  }

  private static LeaseJson lease(String id, String holder, String path) {
    return new LeaseJson(
        id,
        WS,
        holder,
        "developer",
        path,
        false,
        "exclusive",
        null,
        1,
        60_000,
        T0,
        T0,
        T0.plusSeconds(60),
        null,
        null,
        null);
  }

  private static EventJson event(long id, String type, String instance, Map<String, Object> data) {
    return new EventJson(id, type, T0.plusSeconds(id), WS, instance, data);
  }

  private static TopModel loaded(long horizon, List<LeaseJson> leases) {
    TopModel model = new TopModel();
    model.load(
        new TopModel.Snapshot(
            horizon,
            List.of(
                instance("claude-bbbb0001", "reviewer", T0.plusSeconds(2)),
                instance("claude-aaaa0001", "developer", T0)),
            leases,
            List.of(),
            List.of(),
            List.<LandJson>of(),
            List.of(),
            Map.of("claude-bbbb0001", 2)));
    return model;
  }

  @Test
  void rowsComeInTheOrderTheInstancesWereMadeWithTheirFilesAndUnreadMessages() {
    TopModel model = loaded(10, List.of(lease("L1", "claude-aaaa0001", "src/a.py")));
    List<TopModel.Row> rows = model.rows(T0.plusSeconds(5));
    assertThat(rows)
        .extracting(TopModel.Row::id)
        .containsExactly("claude-aaaa0001", "claude-bbbb0001");
    assertThat(rows.get(0).files()).containsExactly("src/a.py");
    assertThat(rows.get(1).unread()).isEqualTo(2);
    assertThat(model.filesLeased()).isEqualTo(1);
  }

  @Test
  void eventsBeforeTheHorizonSayWhoWorkedButDoNotChangeTheState() {
    TopModel model = loaded(10, List.of());
    model.apply(
        event(
            9,
            "lease.acquired",
            "claude-aaaa0001",
            Map.of("lease", "L9", "path", "old.py", "mode", "exclusive")));
    Instant now = T0.plus(InstanceState.ACTIVE_WINDOW).plusSeconds(5);
    TopModel.Row row = model.rows(now).get(0);
    assertThat(row.files()).isEmpty();
    assertThat(row.state()).isEqualTo(InstanceState.WORKING);
    assertThat(model.rows(now).get(1).state()).isEqualTo(InstanceState.IDLE);
  }

  @Test
  void leasesWaitsHandoffsAndEndingsAfterTheHorizonChangeTheStateAndTwiceChangesNothingMore() {
    TopModel model = loaded(10, List.of());
    List<EventJson> events =
        List.of(
            event(11, "lease.acquired", "claude-aaaa0001", Map.of("lease", "L1", "path", "a.py")),
            event(12, "lease.waiting", "claude-bbbb0001", Map.of("paths", List.of("a.py"))),
            event(
                13,
                "handoff.sent",
                "claude-bbbb0001",
                Map.of("handoff", 7, "from", "claude-aaaa0001", "summary", "go on")));
    events.forEach(model::apply);
    events.forEach(model::apply);
    Instant now = T0.plusSeconds(20);
    List<TopModel.Row> rows = model.rows(now);
    assertThat(rows.get(0).state()).isEqualTo(InstanceState.HANDING_OFF);
    assertThat(rows.get(0).files()).containsExactly("a.py");
    assertThat(rows.get(1).state()).isEqualTo(InstanceState.WAITING);
    assertThat(model.waiting()).hasSize(1);
    assertThat(model.log(10))
        .hasSize(1)
        .first()
        .extracting(TopModel.LogLine::text)
        .asString()
        .contains("handoff #7")
        .contains("DEV:claude-aaaa")
        .contains("go on");

    model.apply(event(14, "lease.released", "claude-aaaa0001", Map.of("lease", "L1")));
    model.apply(event(15, "lease.wait_ended", "claude-bbbb0001", Map.of("outcome", "timed_out")));
    model.apply(event(16, "handoff.declined", "claude-bbbb0001", Map.of("handoff", 7)));
    model.apply(event(17, "instance.deregistered", "claude-bbbb0001", Map.of()));
    rows = model.rows(now);
    assertThat(rows.get(0).files()).isEmpty();
    assertThat(rows.get(0).state()).isEqualTo(InstanceState.WORKING);
    assertThat(rows.get(1).state()).isEqualTo(InstanceState.GONE);
    assertThat(model.waiting()).isEmpty();
    assertThat(model.rows(T0.plus(TopModel.GONE_SHOWN).plusSeconds(60))).hasSize(1);
  }

  @Test
  void aMessageAsksForTheRecipientsUnreadCountAndIsLoggedOnce() {
    TopModel model = loaded(10, List.of());
    EventJson sent =
        event(
            11,
            "message.sent",
            "claude-bbbb0001",
            Map.of(
                "message",
                3,
                "from",
                "claude-aaaa0001",
                "importance",
                "urgent",
                "text",
                "look\nhere"));
    assertThat(model.apply(sent)).isEqualTo("claude-bbbb0001");
    model.apply(sent);
    assertThat(model.log(10))
        .singleElement()
        .extracting(TopModel.LogLine::text)
        .isEqualTo("DEV:claude-aaaa → REV:claude-bbbb (urgent): look here");
  }

  @Test
  void aBroadcastIsOneLineThatCountsItsRecipients() {
    TopModel model = loaded(10, List.of());
    for (long id = 11; id <= 12; id++) {
      EventJson e =
          event(
              id,
              "message.sent",
              id == 11 ? "claude-aaaa0001" : "claude-bbbb0001",
              Map.of("message", 5, "importance", "normal", "text", "rebase"));
      model.apply(e);
      model.apply(e);
    }
    assertThat(model.log(10))
        .singleElement()
        .extracting(TopModel.LogLine::text)
        .isEqualTo("human → 2 agents: rebase");
  }

  @Test
  void aNewInstanceAndItsLandsAppearFromEventsAlone() {
    TopModel model = loaded(10, List.of());
    model.apply(
        event(
            11,
            "instance.registered",
            "codex-cccc0001",
            Map.of("role", "debugger", "branch", "b")));
    model.apply(event(12, "land.queued", "codex-cccc0001", Map.of("land", 4, "branch", "b")));
    assertThat(model.landsQueued()).isEqualTo(1);
    model.apply(event(13, "land.landed", "codex-cccc0001", Map.of("land", 4)));
    assertThat(model.landsQueued()).isZero();
    assertThat(model.lands(3))
        .singleElement()
        .extracting(TopModel.LandRow::status)
        .isEqualTo("landed");
    assertThat(model.rows(T0.plusSeconds(14)))
        .extracting(TopModel.Row::role)
        .containsExactly("developer", "reviewer", "debugger");
  }

  @Test
  void aWaitInTheSnapshotShowsAsWaiting() {
    TopModel model = new TopModel();
    model.load(
        new TopModel.Snapshot(
            1,
            List.of(instance("claude-aaaa0001", "developer", T0)),
            List.of(),
            List.of(new WaitingJson("claude-aaaa0001", "developer", List.of("x"), T0)),
            List.of(new TopModel.HandoffRow(1, "claude-aaaa0001", "role:reviewer", "s", "pending")),
            List.of(),
            List.of(),
            Map.of()));
    assertThat(model.rows(T0).get(0).state()).isEqualTo(InstanceState.WAITING);
  }
}
