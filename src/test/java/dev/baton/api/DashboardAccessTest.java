package dev.baton.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.api.DashboardAccess.Decision;
import dev.baton.core.ErrorCode;
import dev.baton.testing.MutableClock;
import org.junit.jupiter.api.Test;

class DashboardAccessTest {
  private final MutableClock clock = MutableClock.at("2026-12-07T10:00:00Z");
  private final DashboardSessions sessions = new DashboardSessions(clock);
  private final DashboardAccess access = new DashboardAccess(sessions);
  private final DashboardSession session = sessions.redeem(sessions.issue().code());
  private final String cookie = "theme=dark; baton_dashboard=" + session.id() + "; other=1";

  @Test
  void withoutTheCookieTheListenersOwnRuleApplies() {
    assertThat(access.decide("GET", "/v1/instances", null, null))
        .isInstanceOf(Decision.NotDashboard.class);
    assertThat(access.decide("GET", "/v1/instances", "theme=dark", null))
        .isInstanceOf(Decision.NotDashboard.class);
    assertThat(access.decide("GET", "/v1/instances", "baton_dashboard=", null))
        .isInstanceOf(Decision.NotDashboard.class);
  }

  @Test
  void theCookieReachesThePagesReads() {
    for (String path :
        new String[] {
          "/v1/instances",
          "/v1/events",
          "/v1/leases",
          "/v1/leases/waiting",
          "/v1/lands",
          "/v1/focus",
          "/v1/memory/recent",
          "/v1/handoffs",
          "/v1/health"
        }) {
      assertThat(access.decide("GET", path, cookie, null))
          .as(path)
          .isEqualTo(new Decision.Admitted(session));
    }
  }

  @Test
  void anActionNeedsTheCsrfTokenToo() {
    assertThat(access.decide("POST", "/v1/focus", cookie, session.csrf()))
        .isEqualTo(new Decision.Admitted(session));
    assertThat(access.decide("DELETE", "/v1/leases/abc", cookie, session.csrf()))
        .isEqualTo(new Decision.Admitted(session));

    Decision without = access.decide("POST", "/v1/focus", cookie, null);
    assertThat(without).isInstanceOf(Decision.Refused.class);
    Decision.Refused refused = (Decision.Refused) without;
    assertThat(refused.code()).isEqualTo(ErrorCode.FORBIDDEN);
    assertThat(refused.message())
        .isEqualTo(
            "POST /v1/focus from the dashboard needs its CSRF token in X-Baton-CSRF; reload the page");
    assertThat(access.decide("POST", "/v1/messages", cookie, "wrong"))
        .isInstanceOf(Decision.Refused.class);
  }

  @Test
  void theCookieDoesNotReachOtherRoutes() {
    for (String[] route :
        new String[][] {
          {"POST", "/v1/instances"},
          {"DELETE", "/v1/instances/claude-1"},
          {"POST", "/v1/dashboard/codes"},
          {"POST", "/v1/hooks/claude/PreToolUse"},
          {"GET", "/metrics"},
          {"POST", "/v1/memory/export"}
        }) {
      Decision d = access.decide(route[0], route[1], cookie, session.csrf());
      assertThat(d).as(route[0] + " " + route[1]).isInstanceOf(Decision.Refused.class);
      assertThat(((Decision.Refused) d).message()).startsWith("a dashboard session does not reach");
    }
  }

  @Test
  void anExpiredOrUnknownSessionIsRefusedAsUnauthorized() {
    Decision unknown = access.decide("GET", "/v1/instances", "baton_dashboard=nope", null);
    assertThat(unknown).isInstanceOf(Decision.Refused.class);
    assertThat(((Decision.Refused) unknown).code()).isEqualTo(ErrorCode.UNAUTHORIZED);

    clock.advance(DashboardSessions.SESSION_TTL);
    assertThat(access.decide("GET", "/v1/instances", cookie, null))
        .isInstanceOf(Decision.Refused.class);
  }

  @Test
  void theSessionCookieIsHttpOnlyAndSameSiteStrictForTheWholeSite() {
    assertThat(DashboardAccess.setCookie(session))
        .isEqualTo("baton_dashboard=" + session.id() + "; Path=/; HttpOnly; SameSite=Strict");
    assertThat(DashboardAccess.cookieValue(cookie)).isEqualTo(session.id());
    assertThat(DashboardAccess.cookieValue("xbaton_dashboard=1")).isNull();
  }

  @Test
  void onlyTheDashboardsOwnPagesServeThemselves() {
    assertThat(DashboardAccess.servesItself("/")).isTrue();
    assertThat(DashboardAccess.servesItself("/dashboard/app.js")).isTrue();
    assertThat(DashboardAccess.servesItself("/v1/instances")).isFalse();
    assertThat(DashboardAccess.servesItself("/dashboardx")).isFalse();
  }
}
