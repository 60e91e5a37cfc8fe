package dev.baton.api;

import dev.baton.core.BatonException;
import dev.baton.core.ErrorCode;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The live dashboard: {@code GET /} (the page, for a browser with a session cookie; with {@code
 * ?code=} it exchanges a one-time code for the cookie and redirects to {@code /}), {@code GET
 * /dashboard/{file}} (its scripts and style, which hold no data) and {@code POST
 * /v1/dashboard/codes} (a one-time code for {@code baton dashboard}; on TCP it needs the bearer
 * token like every other route, so in practice it is asked for over the Unix socket). Every page is
 * sent with a strict Content-Security-Policy: the page loads nothing that is not the broker's own.
 */
public final class DashboardRoutes {
  private static final Logger LOG = LoggerFactory.getLogger(DashboardRoutes.class);
  static final String CSP =
      "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:;"
          + " connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none';"
          + " form-action 'self'; frame-ancestors 'none'";

  private static final String HTML = "text/html; charset=utf-8";

  private final DashboardSessions sessions;
  private final DashboardAccess access;
  private final DashboardFiles files = new DashboardFiles();
  private final Supplier<Optional<String>> tcpAddress;
  private final String states = statesJson();

  /**
   * @param tcpAddress the TCP address the broker listens on, e.g. {@code 127.0.0.1:8090}, or empty
   */
  public DashboardRoutes(DashboardSessions sessions, Supplier<Optional<String>> tcpAddress) {
    this.sessions = sessions;
    this.access = new DashboardAccess(sessions);
    this.tcpAddress = tcpAddress;
  }

  public Router addTo(Router router) {
    return router
        .add("GET", "/", this::page)
        .add("GET", "/dashboard/{file}", this::file)
        .add("POST", "/v1/dashboard/codes", ex -> issue());
  }

  private Reply issue() {
    String address =
        tcpAddress
            .get()
            .orElseThrow(
                () ->
                    new BatonException(
                        ErrorCode.NOT_FOUND,
                        "this broker has no TCP listener, so it serves no dashboard; start it with"
                            + " 'baton serve --tcp 127.0.0.1:8090' or set server.tcp in baton.yaml",
                        Map.of("setting", "server.tcp")));
    DashboardSessions.IssuedCode code = sessions.issue();
    return Reply.created(
        new DashboardCodeJson(
            code.code(), "http://" + address + "/?code=" + code.code(), code.expiresAt()));
  }

  private Reply page(Exchange ex) {
    String code = ex.query("code");
    if (code != null) {
      DashboardSession session;
      try {
        session = sessions.redeem(code);
      } catch (BatonException e) {
        LOG.info("dashboard code refused: {}", e.getMessage());
        return html(ex, HttpErrors.status(e.code()), files.refused(e.getMessage()));
      }
      LOG.info("dashboard session opened; it ends at {} or with the broker", session.expiresAt());
      HttpFields.Mutable headers = ex.response().getHeaders();
      headers.add(HttpHeader.SET_COOKIE, DashboardAccess.setCookie(session));
      headers.put(HttpHeader.LOCATION, "/");
      return html(ex, 303, files.refused("Signed in; the dashboard is at /"));
    }
    Optional<DashboardSession> session = access.session(ex.header("Cookie"));
    if (session.isEmpty()) {
      return html(
          ex,
          401,
          files.refused(
              "No dashboard session: run 'baton dashboard' and open the link it prints"
                  + " (each link works once, for "
                  + DashboardSessions.CODE_TTL.toSeconds()
                  + " s)."));
    }
    return html(ex, 200, files.index(session.get().csrf(), states));
  }

  private Reply file(Exchange ex) {
    DashboardFiles.File f =
        files
            .file(ex.pathParam("file"))
            .orElseThrow(
                () ->
                    new BatonException(
                        ErrorCode.NOT_FOUND,
                        "the dashboard has no file '" + ex.pathParam("file") + "'"));
    secure(ex);
    return new Reply.TextReply(200, f.contentType(), f.text());
  }

  private static Reply html(Exchange ex, int status, String text) {
    secure(ex);
    return new Reply.TextReply(status, HTML, text);
  }

  private static void secure(Exchange ex) {
    HttpFields.Mutable headers = ex.response().getHeaders();
    headers.put("Content-Security-Policy", CSP);
    headers.put("X-Content-Type-Options", "nosniff");
    headers.put("X-Frame-Options", "DENY");
    headers.put("Referrer-Policy", "no-referrer");
  }

  /** The state rule's symbols and labels and its active window, for the page's copy of the rule. */
  private static String statesJson() {
    Map<String, Object> symbols = new LinkedHashMap<>();
    for (InstanceState s : InstanceState.values()) {
      symbols.put(s.name(), Map.of("symbol", s.symbol(), "label", s.label()));
    }
    return Json.MAPPER.writeValueAsString(
        Map.of("activeWindowMs", InstanceState.ACTIVE_WINDOW.toMillis(), "states", symbols));
  }
}
