package dev.baton.api;

import java.util.function.Supplier;

/**
 * {@code GET /v1/status/line}: the tmux status line as plain text, the same line the broker writes
 * to {@code <data-dir>/tmux-status}, e.g. for {@code curl --unix-socket SOCK
 * http://localhost/v1/status/line}.
 */
public final class StatusRoutes {
  private final Supplier<String> line;

  /**
   * @param line the current line without a line break (see {@link StatusLineFormat})
   */
  public StatusRoutes(Supplier<String> line) {
    this.line = line;
  }

  public Router addTo(Router router) {
    return router.add("GET", "/v1/status/line", ex -> Reply.text(200, line.get() + "\n"));
  }
}
