package dev.baton.registry;

import dev.baton.core.BatonException;
import dev.baton.core.ErrorCode;
import java.util.Map;

/** An id is already registered with another role or workspace. */
public final class InstanceExistsException extends BatonException {
  private static final long serialVersionUID = 1L;

  public InstanceExistsException(Instance existing, String role, String workspace) {
    super(
        ErrorCode.INSTANCE_EXISTS,
        "instance "
            + existing.id()
            + " is already registered as "
            + existing.role()
            + " in "
            + existing.workspace()
            + "; it cannot also be "
            + role
            + " in "
            + workspace
            + ". Deregister it first or choose another id",
        Map.of(
            "instance",
            existing.id(),
            "role",
            existing.role(),
            "workspace",
            existing.workspace().toString()));
  }
}
