package dev.baton.registry;

import dev.baton.core.BatonException;
import dev.baton.core.ErrorCode;
import java.util.Map;

/** A workspace path that does not exist or is not inside a git repository. */
public final class InvalidWorkspaceException extends BatonException {
  private static final long serialVersionUID = 1L;

  public InvalidWorkspaceException(String path, String message) {
    super(ErrorCode.INVALID_WORKSPACE, message, Map.of("workspace", path));
  }
}
