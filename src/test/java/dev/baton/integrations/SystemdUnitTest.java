package dev.baton.integrations;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.baton.core.BatonException;
import dev.baton.testing.Processes;
import dev.baton.testing.SystemdAnalyze;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The unit file as systemd reads it, and what install and uninstall leave on disk. */
class SystemdUnitTest {
  @TempDir Path dir;

  @Test
  void systemdFindsAnExecutableWhosePathHasASpaceAPercentSignAndADollar() throws IOException {
    Path odd = Files.createDirectories(dir.resolve("j v%h$HOME"));
    Path java = Files.createSymbolicLink(odd.resolve("java"), Path.of("/bin/true"));
    Path unit = dir.resolve("baton.service");
    Files.writeString(
        unit,
        SystemdUnit.render(
            List.of(java.toString(), "-jar", "/x/100% $HOME.jar", "serve"),
            Duration.ofSeconds(20)));

    Processes.Result verified = SystemdAnalyze.verify(unit, dir);

    assertThat(verified.exitCode())
        .as("systemd-analyze verify of\n%s\n%s", Files.readString(unit), verified.stderr())
        .isZero();
    assertThat(verified.stderr() + verified.stdout()).isEmpty();
    assertThat(Files.readString(unit))
        .contains("ExecStart=\"" + odd.toString().replace("%", "%%") + "/java\" -jar")
        .contains(" \"/x/100%% $$HOME.jar\" serve\n");
  }

  @Test
  void aUnitOfSomeoneElseIsNeitherReplacedNorRemovedWithoutForce() throws IOException {
    Path unit = Files.createDirectories(dir.resolve("user")).resolve(SystemdUnit.NAME);
    Files.writeString(unit, "[Service]\nExecStart=/usr/bin/other\n");
    String ours = SystemdUnit.render(List.of("/usr/bin/java", "-jar", "b.jar"), Duration.ZERO);

    assertThatThrownBy(() -> SystemdUnit.install(unit, ours, false))
        .isInstanceOf(BatonException.class)
        .hasMessage(
            unit
                + " already exists and differs from the unit baton would write; see the new one"
                + " with 'baton service install --print', and replace it with"
                + " 'baton service install --force'");
    assertThatThrownBy(() -> SystemdUnit.uninstall(unit, false))
        .isInstanceOf(BatonException.class)
        .hasMessageContaining("was not written by 'baton service install'");
    assertThat(Files.readString(unit)).isEqualTo("[Service]\nExecStart=/usr/bin/other\n");

    assertThat(SystemdUnit.install(unit, ours, true)).isEqualTo(SystemdUnit.Outcome.REPLACED);
    assertThat(SystemdUnit.install(unit, ours, false)).isEqualTo(SystemdUnit.Outcome.UNCHANGED);
    assertThat(Files.readString(unit)).isEqualTo(ours);
  }

  @Test
  void uninstallRemovesTheUnitAndTheLinkThatEnabledIt() throws IOException {
    Path unit = Files.createDirectories(dir.resolve("user")).resolve(SystemdUnit.NAME);
    SystemdUnit.install(
        unit, SystemdUnit.render(List.of("/usr/bin/java"), Duration.ofSeconds(5)), false);
    Path wants = Files.createDirectories(unit.resolveSibling("default.target.wants"));
    Path link = Files.createSymbolicLink(wants.resolve(SystemdUnit.NAME), unit);

    SystemdUnit.Removed removed = SystemdUnit.uninstall(unit, false);

    assertThat(removed).isEqualTo(new SystemdUnit.Removed(unit, link));
    assertThat(unit).doesNotExist();
    assertThat(Files.exists(link, java.nio.file.LinkOption.NOFOLLOW_LINKS)).isFalse();
    assertThat(SystemdUnit.uninstall(unit, false)).isNull();
  }
}
