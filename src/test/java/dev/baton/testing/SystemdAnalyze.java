package dev.baton.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;

/**
 * {@code systemd-analyze --user verify}, systemd's own check of a unit file: syntax, settings and
 * that the executable exists. Skips the test when systemd-analyze is not installed (CI does not
 * install systemd for it).
 */
public final class SystemdAnalyze {
  private SystemdAnalyze() {}

  /**
   * Verifies {@code unit} as a user unit; {@code scratch} becomes the runtime directory a user
   * manager needs.
   */
  public static Processes.Result verify(Path unit, Path scratch) {
    Path binary =
        List.of("/usr/bin/systemd-analyze", "/bin/systemd-analyze").stream()
            .map(Path::of)
            .filter(Files::isExecutable)
            .findFirst()
            .orElse(null);
    Assumptions.assumeTrue(
        binary != null,
        "systemd-analyze is not installed, so the unit is not verified by systemd"
            + " (Debian: apt-get install systemd)");
    Path runtime = scratch.resolve("xdg-runtime");
    try {
      Files.createDirectories(runtime);
      Files.setPosixFilePermissions(runtime, PosixFilePermissions.fromString("rwx------"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return Processes.run(
        scratch,
        Map.of("XDG_RUNTIME_DIR", runtime.toString()),
        List.of(binary.toString(), "--user", "verify", unit.toString()));
  }
}
