package dev.baton.leases;

import dev.baton.core.BatonException;
import dev.baton.core.ErrorCode;
import java.util.Map;

/** An instance tried to renew or release a lease that another instance holds. */
public final class LeaseNotHeldException extends BatonException {
  private static final long serialVersionUID = 1L;

  public LeaseNotHeldException(Lease lease, String instance) {
    super(
        ErrorCode.LEASE_NOT_HELD,
        "lease "
            + lease.id()
            + " on "
            + lease.pattern().text()
            + " is held by "
            + lease.instance()
            + ", not by "
            + instance
            + "; a person can take it away with 'baton lease release --force "
            + lease.id()
            + "'",
        Map.of("lease", lease.id(), "holder", lease.instance()));
  }
}
