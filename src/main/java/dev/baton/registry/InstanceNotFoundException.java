package dev.baton.registry;

import dev.baton.core.BatonException;
import dev.baton.core.ErrorCode;
import java.util.Map;

/** No live instance has this id. */
public final class InstanceNotFoundException extends BatonException {
  private static final long serialVersionUID = 1L;

  public InstanceNotFoundException(String id) {
    super(
        ErrorCode.INSTANCE_NOT_FOUND,
        "instance "
            + id
            + " is not registered (it never was, was deregistered, or expired without a heartbeat);"
            + " register it again",
        Map.of("instance", id));
  }
}
