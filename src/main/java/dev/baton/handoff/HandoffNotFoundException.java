package dev.baton.handoff;

import dev.baton.core.BatonException;
import dev.baton.core.ErrorCode;
import java.util.Map;

/** No handoff with that id (or none the caller may answer). */
public final class HandoffNotFoundException extends BatonException {
  private static final long serialVersionUID = 1L;

  public HandoffNotFoundException(long id) {
    super(
        ErrorCode.NOT_FOUND,
        "no handoff " + id + "; the inbox (MCP inbox, baton inbox ID) lists yours",
        Map.of("handoff", id));
  }
}
