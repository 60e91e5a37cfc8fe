package dev.baton.api;

import dev.baton.core.BatonException;
import dev.baton.core.ErrorCode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Map;
import java.util.function.Predicate;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * Refuses, before any route runs: a Host or Origin that is not loopback (DNS-rebinding protection),
 * a missing or wrong bearer token on connectors that need one (TCP), and a declared body larger
 * than the limit. On those connectors a request without a bearer token may instead carry a
 * dashboard session cookie, which reaches what {@link DashboardAccess} allows; the dashboard's own
 * pages check the cookie themselves. Thread-safe.
 */
public final class RequestGuard extends Handler.Wrapper {
  private final byte[] token;
  private final Predicate<Connector> needsToken;
  private final long maxBodyBytes;
  private final DashboardAccess dashboard;

  public RequestGuard(
      Handler next, String token, Predicate<Connector> needsToken, long maxBodyBytes) {
    this(next, token, needsToken, maxBodyBytes, null);
  }

  /**
   * @param dashboard what a dashboard session cookie admits instead of the token; null: nothing
   */
  public RequestGuard(
      Handler next,
      String token,
      Predicate<Connector> needsToken,
      long maxBodyBytes,
      DashboardAccess dashboard) {
    super(next);
    this.token = token.getBytes(StandardCharsets.UTF_8);
    this.needsToken = needsToken;
    this.maxBodyBytes = maxBodyBytes;
    this.dashboard = dashboard;
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) throws Exception {
    BatonException refusal = refusal(request);
    if (refusal != null) {
      if (refusal.code() == ErrorCode.UNAUTHORIZED) {
        response.getHeaders().put(HttpHeader.WWW_AUTHENTICATE, "Bearer realm=\"baton\"");
      }
      Responses.error(response, callback, refusal);
      return true;
    }
    return super.handle(request, response, callback);
  }

  private BatonException refusal(Request request) {
    String host = request.getHeaders().get(HttpHeader.HOST);
    if (host != null && !Loopback.isLoopbackHost(host)) {
      return new BatonException(
          ErrorCode.FORBIDDEN,
          "Host '"
              + host
              + "' is not loopback; baton answers only requests for localhost, 127.0.0.1 or [::1]",
          Map.of("host", host));
    }
    String origin = request.getHeaders().get(HttpHeader.ORIGIN);
    if (origin != null && !Loopback.isLoopbackOrigin(origin)) {
      return new BatonException(
          ErrorCode.FORBIDDEN,
          "Origin '" + origin + "' is not loopback; baton answers only pages served from localhost",
          Map.of("origin", origin));
    }
    if (needsToken.test(request.getConnectionMetaData().getConnector())) {
      BatonException unauthorized = tokenRefusal(request);
      if (unauthorized != null) {
        return unauthorized;
      }
    }
    long limit = BodyLimits.forPath(request.getHttpURI().getDecodedPath(), maxBodyBytes);
    if (Exchange.hasContentLengthOver(request, limit)) {
      return new BatonException(
          ErrorCode.BODY_TOO_LARGE,
          "request body of "
              + request.getLength()
              + " bytes exceeds the limit of "
              + limit
              + " bytes"
              + (limit == maxBodyBytes ? " (server.max-body)" : ""),
          Map.of("limit", limit));
    }
    return null;
  }

  /** Why a request on a connector that needs the token is refused, or null to let it through. */
  private BatonException tokenRefusal(Request request) {
    String authorization = request.getHeaders().get(HttpHeader.AUTHORIZATION);
    if (authorization == null || authorization.isBlank()) {
      if (dashboard != null) {
        String path = request.getHttpURI().getDecodedPath();
        if (DashboardAccess.servesItself(path)) {
          return null; // the dashboard's pages check the cookie themselves
        }
        DashboardAccess.Decision decision =
            dashboard.decide(
                request.getMethod(),
                path,
                request.getHeaders().get(HttpHeader.COOKIE),
                request.getHeaders().get(DashboardAccess.CSRF_HEADER));
        if (decision instanceof DashboardAccess.Decision.Admitted) {
          return null;
        }
        if (decision instanceof DashboardAccess.Decision.Refused refused) {
          return new BatonException(refused.code(), refused.message());
        }
      }
      return new BatonException(
          ErrorCode.UNAUTHORIZED,
          "missing bearer token: TCP clients must send 'Authorization: Bearer <token>'; 'baton token' prints it");
    }
    if (!authorization.regionMatches(true, 0, "Bearer ", 0, 7)
        || !MessageDigest.isEqual(
            token, authorization.substring(7).trim().getBytes(StandardCharsets.UTF_8))) {
      return new BatonException(
          ErrorCode.UNAUTHORIZED,
          "bearer token does not match this broker's; 'baton token' prints the right one");
    }
    return null;
  }
}
