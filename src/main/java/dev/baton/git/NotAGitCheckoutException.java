package dev.baton.git;

import dev.baton.core.BatonException;
import dev.baton.core.ErrorCode;
import java.util.Map;

/** A directory that does not exist or is not inside a git working tree. */
public final class NotAGitCheckoutException extends BatonException {
  private static final long serialVersionUID = 1L;

  private final String path;

  public NotAGitCheckoutException(String path, String message) {
    super(ErrorCode.INVALID_WORKSPACE, message, Map.of("workspace", path));
    this.path = path;
  }

  public String path() {
    return path;
  }
}
