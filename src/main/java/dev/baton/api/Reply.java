package dev.baton.api;

/** What a route answers: JSON, plain text, or a stream the route writes itself. */
public sealed interface Reply {
  int status();

  /** A JSON body; {@code body} is a wire record or a map. */
  record JsonReply(int status, Object body) implements Reply {}

  /** A text body with its content type, e.g. Prometheus exposition. */
  record TextReply(int status, String contentType, String text) implements Reply {}

  /** The route took over the response (server-sent events) and completes it later. */
  record Streaming() implements Reply {
    @Override
    public int status() {
      return 200;
    }
  }

  /** An answer that comes later (a lease acquire that waits); no thread waits with it. */
  record Deferred(java.util.concurrent.CompletableFuture<Reply> future, Runnable abandon)
      implements Reply {
    @Override
    public int status() {
      return 0;
    }
  }

  /** Plain text, for shell scripts. */
  static Reply text(int status, String text) {
    return new TextReply(status, "text/plain; charset=utf-8", text);
  }

  static Reply ok(Object body) {
    return new JsonReply(200, body);
  }

  static Reply created(Object body) {
    return new JsonReply(201, body);
  }
}
