package dev.baton.registry;

import dev.baton.core.BatonException;
import dev.baton.core.ErrorCode;
import java.util.List;
import java.util.Map;

/** A role that the configuration does not define. */
public final class UnknownRoleException extends BatonException {
  private static final long serialVersionUID = 1L;

  public UnknownRoleException(String role, List<String> validRoles) {
    super(
        ErrorCode.UNKNOWN_ROLE,
        "unknown role '" + role + "'; valid roles: " + String.join(", ", validRoles),
        Map.of("role", role, "validRoles", validRoles));
  }
}
