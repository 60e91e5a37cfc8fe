package dev.baton.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.baton.core.BatonException;
import dev.baton.core.ErrorCode;
import dev.baton.testing.MutableClock;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class DashboardSessionsTest {
  private final MutableClock clock = MutableClock.at("2026-12-07T10:00:00Z");
  private final DashboardSessions sessions = new DashboardSessions(clock);

  @Test
  void aCodeBecomesASessionWithItsOwnCsrfToken() {
    DashboardSessions.IssuedCode code = sessions.issue();

    DashboardSession session = sessions.redeem(code.code());

    assertThat(code.expiresAt()).isEqualTo(clock.instant().plus(DashboardSessions.CODE_TTL));
    assertThat(session.id()).hasSizeGreaterThanOrEqualTo(43).isNotEqualTo(code.code());
    assertThat(session.csrf()).hasSizeGreaterThanOrEqualTo(43).isNotEqualTo(session.id());
    assertThat(sessions.session(session.id())).contains(session);
    assertThat(session.toString()).doesNotContain(session.id()).doesNotContain(session.csrf());
  }

  @Test
  void aCodeWorksOnlyOnceAndTheSecondUseSaysSo() {
    String code = sessions.issue().code();
    sessions.redeem(code);

    assertThatThrownBy(() -> sessions.redeem(code))
        .isInstanceOf(BatonException.class)
        .hasMessageStartingWith("this dashboard code was already used at 2026-12-07T10:00:00Z")
        .hasMessageEndingWith("run 'baton dashboard' for a new link")
        .extracting(e -> ((BatonException) e).code())
        .isEqualTo(ErrorCode.FORBIDDEN);
    assertThat(sessions.openSessions()).isEqualTo(1);
  }

  @Test
  void aCodeExpiresAfterItsTimeToLiveAndMakesNoSession() {
    String code = sessions.issue().code();
    clock.advance(DashboardSessions.CODE_TTL);

    assertThatThrownBy(() -> sessions.redeem(code))
        .isInstanceOf(BatonException.class)
        .hasMessageStartingWith("this dashboard code expired at 2026-12-07T10:01:00Z");
    assertThat(sessions.openSessions()).isZero();
  }

  @Test
  void aCodeJustBeforeItsExpiryStillWorks() {
    String code = sessions.issue().code();
    clock.advance(DashboardSessions.CODE_TTL.minusMillis(1));

    assertThat(sessions.redeem(code)).isNotNull();
  }

  @Test
  void anUnknownCodeIsRefusedAndNothingChanges() {
    assertThatThrownBy(() -> sessions.redeem("made-up"))
        .isInstanceOf(BatonException.class)
        .hasMessageStartingWith("this dashboard code is unknown to the broker");
    assertThatThrownBy(() -> sessions.redeem(null)).isInstanceOf(BatonException.class);
    assertThat(sessions.openSessions()).isZero();
  }

  @Test
  void aSessionEndsAfterItsLifetime() {
    DashboardSession session = sessions.redeem(sessions.issue().code());
    clock.advance(DashboardSessions.SESSION_TTL.minus(Duration.ofSeconds(1)));
    assertThat(sessions.session(session.id())).isPresent();

    clock.advance(Duration.ofSeconds(1));

    assertThat(sessions.session(session.id())).isEmpty();
    assertThat(sessions.session(null)).isEmpty();
    assertThat(sessions.session("")).isEmpty();
  }

  @Test
  void codesWaitingToBeUsedAreLimited() {
    for (int i = 0; i < DashboardSessions.MAX_CODES; i++) {
      sessions.issue();
    }

    assertThatThrownBy(sessions::issue)
        .isInstanceOf(BatonException.class)
        .hasMessage("100 dashboard codes are waiting to be used; try again in 60 s");

    clock.advance(DashboardSessions.CODE_TTL.multipliedBy(2));
    assertThat(sessions.issue()).isNotNull();
  }

  @Test
  void theCsrfTokenMustMatchExactly() {
    DashboardSession session = sessions.redeem(sessions.issue().code());

    assertThat(DashboardSessions.csrfMatches(session, session.csrf())).isTrue();
    assertThat(DashboardSessions.csrfMatches(session, null)).isFalse();
    assertThat(DashboardSessions.csrfMatches(session, "")).isFalse();
    assertThat(DashboardSessions.csrfMatches(session, session.csrf() + "x")).isFalse();
    assertThat(DashboardSessions.csrfMatches(session, session.id())).isFalse();
  }
}
