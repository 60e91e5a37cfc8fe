package dev.baton.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Facts about the operating-system user that defaults depend on. */
public final class Os {
  private Os() {}

  /** The real user id of this process, or -1 where the platform does not say. */
  public static long uid() {
    try {
      Object uid = Files.getAttribute(Path.of("/proc/self"), "unix:uid");
      return ((Number) uid).longValue();
    } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
      return new com.sun.security.auth.module.UnixSystem().getUid();
    }
  }
}
