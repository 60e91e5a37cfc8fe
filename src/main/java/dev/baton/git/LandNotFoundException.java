package dev.baton.git;

import dev.baton.core.BatonException;
import dev.baton.core.ErrorCode;
import java.util.Map;

/** No land with that id. */
public final class LandNotFoundException extends BatonException {
  private static final long serialVersionUID = 1L;

  public LandNotFoundException(long id) {
    super(
        ErrorCode.LAND_NOT_FOUND,
        "no land " + id + "; 'baton lands' (GET /v1/lands) lists the queue and recent lands",
        Map.of("land", id));
  }
}
