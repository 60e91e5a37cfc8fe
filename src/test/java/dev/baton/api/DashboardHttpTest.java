package dev.baton.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.api.client.BrokerClient;
import dev.baton.server.Broker;
import dev.baton.testing.TestBroker;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dashboard's access over a real broker's TCP listener, as a browser would meet it: the code
 * exchange, the cookie, the CSRF token, and that the token-protected routes stay so.
 */
class DashboardHttpTest {
  private static final Pattern CSRF = Pattern.compile("name=\"baton-csrf\" content=\"([^\"]+)\"");

  @TempDir Path dir;
  private Broker broker;
  private final HttpClient http =
      HttpClient.newBuilder()
          .followRedirects(HttpClient.Redirect.NEVER)
          .connectTimeout(Duration.ofSeconds(5))
          .build();

  @BeforeEach
  void start() {
    broker = TestBroker.start(dir.resolve("broker"), "sqlite", null);
  }

  @AfterEach
  void stop() {
    broker.close();
  }

  private DashboardCodeJson code() {
    try (BrokerClient unix =
        BrokerClient.overUnixSocket(broker.socket(), false, Duration.ofSeconds(10))) {
      return unix.call("POST", "/v1/dashboard/codes", Map.of(), DashboardCodeJson.class);
    }
  }

  private HttpResponse<String> send(String method, String path, Map<String, String> headers)
      throws IOException, InterruptedException {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + broker.tcpPort() + path))
            .timeout(Duration.ofSeconds(10));
    headers.forEach(b::header);
    b.method(
        method,
        method.equals("GET")
            ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString("{}"));
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> send(
      String method, String path, Map<String, String> headers, String body)
      throws IOException, InterruptedException {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + broker.tcpPort() + path))
            .timeout(Duration.ofSeconds(10))
            .header("Content-Type", "application/json")
            .method(method, HttpRequest.BodyPublishers.ofString(body));
    headers.forEach(b::header);
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** Exchanges a fresh code and returns the cookie header to send. */
  private String signIn() throws Exception {
    String url = code().url();
    HttpResponse<String> r = send("GET", url.substring(url.indexOf("/?code=")), Map.of());
    String setCookie = r.headers().firstValue("Set-Cookie").orElseThrow();
    return setCookie.substring(0, setCookie.indexOf(';'));
  }

  @Test
  void theCodeFromTheUnixSocketBecomesAnHttpOnlyStrictCookieAndARedirectWithoutTheCode()
      throws Exception {
    DashboardCodeJson code = code();
    assertThat(code.url())
        .isEqualTo("http://127.0.0.1:" + broker.tcpPort() + "/?code=" + code.code());

    HttpResponse<String> exchange = send("GET", "/?code=" + code.code(), Map.of());

    assertThat(exchange.statusCode()).isEqualTo(303);
    assertThat(exchange.headers().firstValue("Location")).contains("/");
    assertThat(exchange.headers().firstValue("Set-Cookie").orElseThrow())
        .matches("baton_dashboard=[A-Za-z0-9_-]{43}; Path=/; HttpOnly; SameSite=Strict");
    String cookie = exchange.headers().firstValue("Set-Cookie").orElseThrow().split(";")[0];

    HttpResponse<String> page = send("GET", "/", Map.of("Cookie", cookie));
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.headers().firstValue("Content-Security-Policy").orElseThrow())
        .startsWith("default-src 'self'")
        .contains("frame-ancestors 'none'");
    assertThat(page.headers().firstValue("Content-Type")).contains("text/html; charset=utf-8");
    assertThat(CSRF.matcher(page.body()).find()).isTrue();
    assertThat(page.body()).contains("&quot;activeWindowMs&quot;:120000").doesNotContain("{{");
  }

  @Test
  void withoutTheCookieThePageAndItsDataAreRefused() throws Exception {
    HttpResponse<String> page = send("GET", "/", Map.of());
    assertThat(page.statusCode()).isEqualTo(401);
    assertThat(page.body()).contains("run &#39;baton dashboard&#39;");

    assertThat(send("GET", "/v1/instances", Map.of()).statusCode()).isEqualTo(401);
    HttpResponse<String> stale =
        send("GET", "/v1/instances", Map.of("Cookie", "baton_dashboard=x"));
    assertThat(stale.statusCode()).isEqualTo(401);
    assertThat(stale.body()).contains("the dashboard session is unknown or expired");
    assertThat(send("GET", "/", Map.of("Cookie", "baton_dashboard=x")).statusCode()).isEqualTo(401);
  }

  @Test
  void aReusedCodeIsRefusedAndMakesNoSecondSession() throws Exception {
    DashboardCodeJson code = code();
    assertThat(send("GET", "/?code=" + code.code(), Map.of()).statusCode()).isEqualTo(303);

    HttpResponse<String> again = send("GET", "/?code=" + code.code(), Map.of());

    assertThat(again.statusCode()).isEqualTo(403);
    assertThat(again.headers().firstValue("Set-Cookie")).isEmpty();
    assertThat(again.body()).contains("this dashboard code was already used at");
  }

  @Test
  void theCookieReadsButAnActionNeedsTheCsrfTokenAndChangesNothingWithoutIt() throws Exception {
    String cookie = signIn();
    HttpResponse<String> page = send("GET", "/", Map.of("Cookie", cookie));
    Matcher m = CSRF.matcher(page.body());
    assertThat(m.find()).isTrue();
    String csrf = m.group(1);

    assertThat(send("GET", "/v1/instances", Map.of("Cookie", cookie)).statusCode()).isEqualTo(200);
    HttpResponse<String> refused =
        send("POST", "/v1/focus", Map.of("Cookie", cookie), "{\"action\":\"start\"}");
    assertThat(refused.statusCode()).isEqualTo(403);
    assertThat(refused.body()).contains("needs its CSRF token in X-Baton-CSRF");
    assertThat(send("GET", "/v1/focus", Map.of("Cookie", cookie)).body())
        .contains("\"mode\":\"idle\"");

    HttpResponse<String> started =
        send(
            "POST",
            "/v1/focus",
            Map.of("Cookie", cookie, "X-Baton-CSRF", csrf),
            "{\"action\":\"start\"}");
    assertThat(started.statusCode()).isEqualTo(200);
    assertThat(started.body()).contains("\"mode\":\"working\"");
  }

  @Test
  void theCookieDoesNotReachTheOtherRoutesNorMintCodes() throws Exception {
    String cookie = signIn();

    HttpResponse<String> codes =
        send("POST", "/v1/dashboard/codes", Map.of("Cookie", cookie), "{}");
    assertThat(codes.statusCode()).isEqualTo(403);
    assertThat(codes.body())
        .contains("a dashboard session does not reach POST /v1/dashboard/codes");
    assertThat(send("POST", "/v1/dashboard/codes", Map.of(), "{}").statusCode()).isEqualTo(401);
    assertThat(send("GET", "/metrics", Map.of("Cookie", cookie)).statusCode()).isEqualTo(403);
  }

  @Test
  void aForeignOriginOrHostIsRefusedEvenWithTheCookie() throws Exception {
    String cookie = signIn();

    HttpResponse<String> r =
        send("GET", "/v1/instances", Map.of("Cookie", cookie, "Origin", "http://evil.example"));
    assertThat(r.statusCode()).isEqualTo(403);
    assertThat(
            send("GET", "/", Map.of("Cookie", cookie, "Origin", "http://evil.example"))
                .statusCode())
        .isEqualTo(403);
  }

  @Test
  void theScriptsAreServedWithTheirTypeAndOnlyTheListedFiles() throws Exception {
    HttpResponse<String> app = send("GET", "/dashboard/app.js", Map.of());
    assertThat(app.statusCode()).isEqualTo(200);
    assertThat(app.headers().firstValue("Content-Type")).contains("text/javascript; charset=utf-8");
    assertThat(app.headers().firstValue("Content-Security-Policy")).isPresent();
    assertThat(send("GET", "/dashboard/index.html", Map.of()).statusCode()).isEqualTo(404);
    assertThat(send("GET", "/dashboard/..%2Fbaton.yaml", Map.of()).statusCode()).isIn(400, 404);
  }
}
