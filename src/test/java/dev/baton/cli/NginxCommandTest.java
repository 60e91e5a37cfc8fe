package dev.baton.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.api.Json;
import dev.baton.server.Broker;
import dev.baton.testing.GitRepos;
import dev.baton.testing.Nginx;
import dev.baton.testing.Processes;
import dev.baton.testing.TestBroker;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * What {@code baton nginx} prints, served by Debian's real nginx with TLS (a certificate made for
 * the test) in front of a real broker's Unix socket: the token is demanded by nginx, the API, an
 * event stream and an MCP session work through it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class NginxCommandTest {
  private static final Duration WAIT = Duration.ofSeconds(20);

  @TempDir static Path dir;
  private Broker broker;
  private Nginx nginx;
  private HttpClient http;
  private String base;
  private Path repo;

  @BeforeAll
  void startBrokerAndNginx() throws Exception {
    Nginx.binary();
    broker = TestBroker.start(dir.resolve("broker"), "sqlite", null);
    repo = GitRepos.create(dir.resolve("repo"));
    Path tls = Files.createDirectories(dir.resolve("tls"));
    Processes.check(
        tls,
        List.of(
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:prime256v1",
            "-nodes",
            "-keyout",
            "key.pem",
            "-out",
            "cert.pem",
            "-days",
            "2",
            "-subj",
            "/CN=localhost",
            "-addext",
            "subjectAltName=DNS:localhost,IP:127.0.0.1"));
    int port = Nginx.freePort();
    String site =
        printed(
            "nginx",
            "--config",
            Files.writeString(dir.resolve("empty.yaml"), "").toString(),
            "--socket",
            broker.socket().toString(),
            "--data-dir",
            broker.config().dataDir().toString(),
            "--server-name",
            "localhost",
            "--listen",
            "127.0.0.1:" + port,
            "--cert",
            tls.resolve("cert.pem").toString(),
            "--key",
            tls.resolve("key.pem").toString());
    // The broker marks /v1/events unbuffered itself (X-Accel-Buffering); nginx ignores that here,
    // so that the stream test checks the block's own proxy_buffering, on which MCP streams rely.
    nginx =
        Nginx.start(dir.resolve("nginx"), "proxy_ignore_headers X-Accel-Buffering;\n" + site, port);
    http = HttpClient.newBuilder().sslContext(trusting(tls.resolve("cert.pem"))).build();
    base = "https://127.0.0.1:" + port;
  }

  @AfterAll
  void stop() {
    if (nginx != null) {
      nginx.close();
    }
    if (broker != null) {
      broker.close();
    }
  }

  @Test
  void theApiAnswersWithTheTokenAndNginxRefusesWithoutItOrWithAnother() throws Exception {
    HttpResponse<String> with = http.send(get("/v1/health", broker.token()), body());
    HttpResponse<String> without = http.send(get("/v1/health", null), body());
    HttpResponse<String> wrong = http.send(get("/v1/health", broker.token() + "x"), body());

    assertThat(with.statusCode()).as("with the token: %s", with.body()).isEqualTo(200);
    assertThat(Json.MAPPER.readTree(with.body()).path("pid").asLong())
        .isEqualTo(ProcessHandle.current().pid());
    for (HttpResponse<String> refused : List.of(without, wrong)) {
      assertThat(refused.statusCode()).as("%s", refused.request()).isEqualTo(401);
      assertThat(refused.headers().firstValue("WWW-Authenticate"))
          .hasValue("Bearer realm=\"baton\"");
      assertThat(Json.MAPPER.readTree(refused.body()).path("error").path("code").asString())
          .isEqualTo("unauthorized");
    }
  }

  @Test
  void anEventStreamDeliversARegistrationAsItHappens() throws Exception {
    BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    HttpResponse<Stream<String>> stream;
    try {
      stream = http.send(get("/v1/events", broker.token()), HttpResponse.BodyHandlers.ofLines());
    } catch (java.net.http.HttpTimeoutException e) {
      throw new AssertionError(
          "no answer to GET /v1/events through nginx within "
              + WAIT.toSeconds()
              + " s (does nginx buffer the stream?)",
          e);
    }
    assertThat(stream.statusCode()).isEqualTo(200);
    assertThat(stream.headers().firstValue("Content-Type"))
        .hasValueSatisfying(t -> assertThat(t).startsWith("text/event-stream"));
    Thread reader = new Thread(() -> stream.body().forEach(lines::add), "sse-through-nginx");
    reader.setDaemon(true);
    reader.start();
    try {
      awaitLine(lines, ": connected", "the stream's opening comment");

      String registered =
          post(
                  "/v1/instances",
                  "{\"role\":\"developer\",\"workspace\":"
                      + Json.MAPPER.writeValueAsString(repo.toString())
                      + "}",
                  null)
              .body();
      String id = Json.MAPPER.readTree(registered).path("instance").path("id").asString();

      awaitLine(lines, "event: instance.registered", "instance.registered of " + id);
      assertThat(awaitLine(lines, "data: ", "the event's data"))
          .contains("\"instance\":\"" + id + "\"");
    } finally {
      stream.body().close();
    }
  }

  @Test
  void anMcpSessionInitializesAndListsToolsThroughNginx() throws Exception {
    HttpResponse<String> initialized =
        post(
            "/mcp/developer",
            "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":"
                + "{\"protocolVersion\":\"2025-06-18\",\"capabilities\":{},"
                + "\"clientInfo\":{\"name\":\"nginx-test\",\"version\":\"1\"}}}",
            null);
    assertThat(initialized.statusCode()).as(initialized.body()).isEqualTo(200);
    String session =
        initialized
            .headers()
            .firstValue("Mcp-Session-Id")
            .orElseThrow(
                () ->
                    new AssertionError(
                        "no Mcp-Session-Id through nginx: " + initialized.headers()));
    assertThat(rpc(initialized).path("result").path("serverInfo").path("name").asString())
        .isEqualTo("baton");

    HttpResponse<String> notified =
        post(
            "/mcp/developer",
            "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}",
            session);
    HttpResponse<String> listed =
        post("/mcp/developer", "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/list\"}", session);

    assertThat(notified.statusCode()).as(notified.body()).isEqualTo(202);
    assertThat(listed.statusCode()).as(listed.body()).isEqualTo(200);
    List<String> tools = new java.util.ArrayList<>();
    rpc(listed).path("result").path("tools").forEach(t -> tools.add(t.path("name").asString()));
    assertThat(tools).contains("lease_acquire", "whoami");
  }

  @Test
  void aHookDocumentLargerThanTheApiLimitReachesTheBroker() throws Exception {
    String big = "{\"padding\":\"" + "a".repeat(2 * 1024 * 1024) + "\"}";

    HttpResponse<String> hook = post("/v1/hooks/nosuchclient/PreToolUse", big, null);
    HttpResponse<String> api = post("/v1/instances", big, null);

    assertThat(hook.statusCode()).as("a 2 MiB hook document: %s", hook.body()).isEqualTo(404);
    assertThat(hook.body()).contains("nosuchclient");
    assertThat(api.statusCode()).as("a 2 MiB API body").isEqualTo(413);
  }

  private HttpRequest get(String path, String token) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(WAIT);
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    return b.GET().build();
  }

  private HttpResponse<String> post(String path, String json, String session) throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(base + path))
            .timeout(WAIT)
            .header("Authorization", "Bearer " + broker.token())
            .header("Content-Type", "application/json")
            .header("Accept", "application/json, text/event-stream")
            .header("X-Baton-Workspace", repo.toString())
            .POST(HttpRequest.BodyPublishers.ofString(json));
    if (session != null) {
      b.header("Mcp-Session-Id", session);
    }
    return http.send(b.build(), body());
  }

  /** A JSON-RPC answer, sent as JSON or as one server-sent event. */
  private static JsonNode rpc(HttpResponse<String> r) {
    String text = r.body();
    if (r.headers().firstValue("Content-Type").orElse("").startsWith("text/event-stream")) {
      text =
          text.lines()
              .filter(l -> l.startsWith("data:"))
              .map(l -> l.substring(5).trim())
              .findFirst()
              .orElseThrow(() -> new AssertionError("no data in " + r.body()));
    }
    return Json.MAPPER.readTree(text);
  }

  private static String awaitLine(BlockingQueue<String> lines, String prefix, String what)
      throws InterruptedException {
    long deadline = System.nanoTime() + WAIT.toNanos();
    List<String> seen = new java.util.ArrayList<>();
    while (System.nanoTime() < deadline) {
      String line = lines.poll(100, TimeUnit.MILLISECONDS);
      if (line != null && line.startsWith(prefix)) {
        return line;
      }
      if (line != null) {
        seen.add(line);
      }
    }
    throw new AssertionError(
        "no line starting with '"
            + prefix
            + "' ("
            + what
            + ") through nginx within "
            + WAIT.toSeconds()
            + " s; lines: "
            + seen);
  }

  private static HttpResponse.BodyHandler<String> body() {
    return HttpResponse.BodyHandlers.ofString();
  }

  private static SSLContext trusting(Path certificate) throws Exception {
    KeyStore trusted = KeyStore.getInstance(KeyStore.getDefaultType());
    trusted.load(null, null);
    trusted.setCertificateEntry(
        "nginx",
        CertificateFactory.getInstance("X.509")
            .generateCertificate(new ByteArrayInputStream(Files.readAllBytes(certificate))));
    TrustManagerFactory tmf =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trusted);
    SSLContext ssl = SSLContext.getInstance("TLS");
    ssl.init(null, tmf.getTrustManagers(), null);
    return ssl;
  }

  /** Runs {@code baton ARGS} in this JVM; returns what it printed, failing unless it exits 0. */
  private static String printed(String... args) {
    PrintStream out = System.out;
    PrintStream err = System.err;
    ByteArrayOutputStream stdout = new ByteArrayOutputStream();
    ByteArrayOutputStream stderr = new ByteArrayOutputStream();
    int exit;
    try {
      System.setOut(new PrintStream(stdout, true, StandardCharsets.UTF_8));
      System.setErr(new PrintStream(stderr, true, StandardCharsets.UTF_8));
      exit = Main.run(args);
    } finally {
      System.setOut(out);
      System.setErr(err);
    }
    assertThat(exit).as("baton %s: %s", String.join(" ", args), stderr).isZero();
    return stdout.toString(StandardCharsets.UTF_8);
  }
}
