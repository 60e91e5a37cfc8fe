package dev.baton.api;

import dev.baton.core.ErrorCode;
import java.util.Optional;

/**
 * What a dashboard session cookie admits on a listener that otherwise needs the bearer token (TCP).
 * The cookie reaches only the routes the page uses: the reads of {@link #READS}, and the actions of
 * {@link #ACTIONS} when the request also carries the session's CSRF token in {@link #CSRF_HEADER}.
 * Everything else still needs the bearer token. The dashboard's own pages ({@code /} and {@code
 * /dashboard/...}) check the cookie themselves. Pure apart from reading the sessions; thread-safe.
 */
public final class DashboardAccess {
  /** The session cookie's name. */
  public static final String COOKIE = "baton_dashboard";

  /** The header in which the page sends its session's CSRF token. */
  public static final String CSRF_HEADER = "X-Baton-CSRF";

  private static final Router.Handler NONE = ex -> null;

  /** The routes the page reads. */
  private static final Router READS =
      new Router()
          .add("GET", "/v1/health", NONE)
          .add("GET", "/v1/instances", NONE)
          .add("GET", "/v1/events", NONE)
          .add("GET", "/v1/leases", NONE)
          .add("GET", "/v1/leases/waiting", NONE)
          .add("GET", "/v1/lands", NONE)
          .add("GET", "/v1/focus", NONE)
          .add("GET", "/v1/memory/recent", NONE)
          .add("GET", "/v1/handoffs", NONE)
          .add("GET", "/v1/worktrees", NONE);

  /** The changes a person makes from the page: broadcast, land, break, force-release. */
  private static final Router ACTIONS =
      new Router()
          .add("POST", "/v1/messages", NONE)
          .add("POST", "/v1/lands", NONE)
          .add("POST", "/v1/focus", NONE)
          .add("DELETE", "/v1/leases/{id}", NONE);

  /** The outcome for one request without a bearer token. */
  public sealed interface Decision {
    /** No dashboard cookie: the listener's usual rule applies. */
    record NotDashboard() implements Decision {}

    /** A live session and a route it reaches (with the CSRF token, for an action). */
    record Admitted(DashboardSession session) implements Decision {}

    /** A cookie, but refused, with why. */
    record Refused(ErrorCode code, String message) implements Decision {}
  }

  private final DashboardSessions sessions;

  public DashboardAccess(DashboardSessions sessions) {
    this.sessions = sessions;
  }

  /** True for the dashboard's own pages, which check the cookie themselves. */
  public static boolean servesItself(String path) {
    return path.equals("/") || path.startsWith("/dashboard/");
  }

  /**
   * Decides a request that has no bearer token.
   *
   * @param cookieHeader the {@code Cookie} header, or null
   * @param csrfHeader the {@link #CSRF_HEADER} header, or null
   */
  public Decision decide(String method, String path, String cookieHeader, String csrfHeader) {
    String id = cookieValue(cookieHeader);
    if (id == null) {
      return new Decision.NotDashboard();
    }
    Optional<DashboardSession> session = sessions.session(id);
    if (session.isEmpty()) {
      return new Decision.Refused(
          ErrorCode.UNAUTHORIZED,
          "the dashboard session is unknown or expired (a broker restart ends every session);"
              + " run 'baton dashboard' for a new link");
    }
    if (READS.match(method, path) instanceof Router.Match.Found) {
      return new Decision.Admitted(session.get());
    }
    if (ACTIONS.match(method, path) instanceof Router.Match.Found) {
      if (!DashboardSessions.csrfMatches(session.get(), csrfHeader)) {
        return new Decision.Refused(
            ErrorCode.FORBIDDEN,
            method
                + " "
                + path
                + " from the dashboard needs its CSRF token in "
                + CSRF_HEADER
                + "; reload the page");
      }
      return new Decision.Admitted(session.get());
    }
    return new Decision.Refused(
        ErrorCode.FORBIDDEN,
        "a dashboard session does not reach "
            + method
            + " "
            + path
            + "; other clients send 'Authorization: Bearer <token>' ('baton token' prints it)");
  }

  /** The live session named by the request's cookie, if any. */
  public Optional<DashboardSession> session(String cookieHeader) {
    return sessions.session(cookieValue(cookieHeader));
  }

  /** The value of the {@link #COOKIE} cookie in a {@code Cookie} header, or null. */
  static String cookieValue(String cookieHeader) {
    if (cookieHeader == null) {
      return null;
    }
    for (String pair : cookieHeader.split(";")) {
      String p = pair.strip();
      int eq = p.indexOf('=');
      if (eq > 0 && p.substring(0, eq).equals(COOKIE)) {
        String value = p.substring(eq + 1).strip();
        return value.isEmpty() ? null : value;
      }
    }
    return null;
  }

  /** The {@code Set-Cookie} value for a new session: HttpOnly, SameSite=Strict, whole site. */
  static String setCookie(DashboardSession session) {
    return COOKIE + "=" + session.id() + "; Path=/; HttpOnly; SameSite=Strict";
  }
}
