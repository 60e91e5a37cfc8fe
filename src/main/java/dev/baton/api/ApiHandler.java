package dev.baton.api;

import dev.baton.core.BatonException;
import dev.baton.core.ErrorCode;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.Map;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.EofException;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Dispatches every request to its route, writes the reply, maps exceptions to the JSON error shape
 * and measures each request by route template. Thread-safe.
 */
public final class ApiHandler extends Handler.Abstract {
  private static final Logger LOG = LoggerFactory.getLogger(ApiHandler.class);

  /**
   * The status counted for an answer whose client hung up first (nginx's "client closed request").
   */
  private static final int CLIENT_GONE = 499;

  private final Router router;
  private final long maxBodyBytes;
  private final ApiMetrics metrics;

  public ApiHandler(Router router, long maxBodyBytes, PrometheusRegistry registry) {
    this.router = router;
    this.maxBodyBytes = maxBodyBytes;
    this.metrics = new ApiMetrics(registry);
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) {
    long start = System.nanoTime();
    String method = request.getMethod();
    String path = request.getHttpURI().getDecodedPath();
    String route = "unmatched";
    Reply reply;
    try {
      Router.Match match = router.match(method, path);
      if (match instanceof Router.Match.WrongMethod wrong) {
        response.getHeaders().put(HttpHeader.ALLOW, String.join(", ", wrong.allowed()));
        throw new BatonException(
            ErrorCode.METHOD_NOT_ALLOWED,
            method
                + " is not allowed on "
                + path
                + "; allowed: "
                + String.join(", ", wrong.allowed()));
      }
      if (!(match instanceof Router.Match.Found found)) {
        throw new BatonException(
            ErrorCode.NOT_FOUND, "no route for " + method + " " + path + "; the API is under /v1");
      }
      route = found.route().template();
      Exchange exchange =
          new Exchange(
              request, response, callback, found.params(), BodyLimits.forPath(path, maxBodyBytes));
      reply = found.route().handler().handle(exchange);
    } catch (RuntimeException e) {
      reply = failure(method, path, e);
    }
    String template = route;
    if (reply instanceof Reply.Deferred deferred) {
      answerLater(deferred, request, response, callback, method, path, template, start);
      return true;
    }
    write(reply, response, callback);
    metrics.observe(method, template, reply.status(), System.nanoTime() - start);
    return true;
  }

  /**
   * Writes a deferred answer when it is ready. A client that goes away first (connection closed,
   * seen by {@link HangUpWatch}) abandons it, and so does an answer that cannot be written; idle
   * timeouts do not end the wait.
   */
  private void answerLater(
      Reply.Deferred deferred,
      Request request,
      Response response,
      Callback callback,
      String method,
      String path,
      String template,
      long start) {
    java.util.concurrent.atomic.AtomicBoolean abandoned =
        new java.util.concurrent.atomic.AtomicBoolean();
    Runnable abandon =
        () -> {
          if (abandoned.compareAndSet(false, true)) {
            LOG.debug("{} {}: the client went away before its answer", method, path);
            deferred.abandon().run();
          }
        };
    request.addIdleTimeoutListener(timeout -> false);
    request.addFailureListener(failure -> abandon.run());
    HangUpWatch watch = HangUpWatch.start(request, abandon);
    deferred
        .future()
        .whenComplete(
            (later, error) -> {
              if (!watch.answering()) {
                metrics.observe(method, template, CLIENT_GONE, System.nanoTime() - start);
                callback.failed(new EofException(method + " " + path + ": the client hung up"));
                return;
              }
              if (watch.readAhead()) {
                response.getHeaders().put(HttpHeader.CONNECTION, "close");
              }
              Reply done = error != null ? failure(method, path, error) : later;
              Callback delivered =
                  Callback.from(
                      callback::succeeded,
                      x -> {
                        abandon.run();
                        callback.failed(x);
                      });
              write(done, response, delivered);
              metrics.observe(method, template, done.status(), System.nanoTime() - start);
            });
  }

  /** The JSON error answer for a failure; unexpected ones are logged with their stack. */
  private static Reply failure(String method, String path, Throwable error) {
    Throwable e = error;
    while ((e instanceof java.util.concurrent.CompletionException
            || e instanceof java.util.concurrent.ExecutionException)
        && e.getCause() != null) {
      e = e.getCause();
    }
    BatonException baton;
    if (e instanceof java.nio.file.InvalidPathException invalid) {
      // Only a request's own paths reach Path.of on this edge's threads: the client's input.
      baton =
          new BatonException(
              ErrorCode.INVALID_REQUEST,
              "'"
                  + dev.baton.core.Printable.of(invalid.getInput())
                  + "' is not a path on this machine: "
                  + invalid.getReason(),
              Map.of());
      LOG.debug("{} {} -> 400 {}", method, path, baton.getMessage());
    } else if (e instanceof BatonException b) {
      baton = b;
      LOG.debug("{} {} -> {} {}", method, path, HttpErrors.status(b.code()), b.getMessage());
    } else {
      LOG.error("{} {} failed", method, path, e);
      baton =
          new BatonException(
              ErrorCode.INTERNAL,
              "internal error while answering " + method + " " + path + ": " + e,
              Map.of());
    }
    return new Reply.JsonReply(HttpErrors.status(baton.code()), Responses.errorBody(baton));
  }

  private static void write(Reply reply, Response response, Callback callback) {
    if (reply instanceof Reply.JsonReply json) {
      Responses.json(response, callback, json.status(), json.body());
    } else if (reply instanceof Reply.TextReply text) {
      Responses.text(response, callback, text.status(), text.contentType(), text.text());
    }
    // Reply.Streaming: the route owns the response and completes the callback itself.
  }
}
