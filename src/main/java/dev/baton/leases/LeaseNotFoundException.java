package dev.baton.leases;

import dev.baton.core.BatonException;
import dev.baton.core.ErrorCode;
import java.util.Map;

/** No live lease has this id. */
public final class LeaseNotFoundException extends BatonException {
  private static final long serialVersionUID = 1L;

  public LeaseNotFoundException(String id) {
    super(
        ErrorCode.LEASE_NOT_FOUND,
        "lease "
            + id
            + " does not exist (it was released, expired, or never granted); 'baton lease list' shows the live ones",
        Map.of("lease", id));
  }
}
