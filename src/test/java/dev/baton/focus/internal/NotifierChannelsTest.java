package dev.baton.focus.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.baton.core.InvalidInputException;
import dev.baton.focus.FleetSession;
import dev.baton.focus.Notice;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The channels with stand-in programs on a PATH of the test's own: what they run, when they stay
 * silent, sessions tmux no longer knows, a program that hangs; and the file of fleet sessions.
 */
class NotifierChannelsTest {
  private static final Notice BREAK =
      new Notice("baton: time for a break", "Break until 10:35 — 5 min. #1", false);

  @TempDir Path dir;

  /** A stand-in that appends its arguments to calls/NAME and then runs {@code body}. */
  private Path standIn(String name, String body) throws IOException {
    Path bin = Files.createDirectories(dir.resolve("bin"));
    Files.createDirectories(dir.resolve("calls"));
    Path script = bin.resolve(name);
    Files.writeString(
        script,
        "#!/bin/sh\nprintf '%s|' \"$@\" >> '"
            + dir.resolve("calls").resolve(name)
            + "'\necho >> '"
            + dir.resolve("calls").resolve(name)
            + "'\n"
            + body
            + "\n",
        StandardCharsets.UTF_8);
    Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
    return bin;
  }

  private List<String> calls(String name) throws IOException {
    Path f = dir.resolve("calls").resolve(name);
    return Files.exists(f) ? Files.readAllLines(f) : List.of();
  }

  private FleetSessionFile sessions() {
    return new FleetSessionFile(dir.resolve("fleet-sessions"));
  }

  @Test
  void tmuxShowsTheNoticeInEverySessionAndForgetsTheOnesThatAreGone() throws IOException {
    Path bin =
        standIn(
            "tmux",
            "case \"$*\" in *=gone:*) echo \"can't find session: gone\" >&2; exit 1;; esac");
    FleetSessionFile sessions = sessions();
    sessions.register(new FleetSession("/tmp/tmux-1/default", "baton-app"));
    sessions.register(new FleetSession("/tmp/tmux-1/default", "gone"));
    TmuxNotifier tmux =
        new TmuxNotifier(
            sessions, new Programs(Map.of("PATH", bin.toString()), Duration.ofSeconds(5)));

    assertThat(tmux.send(BREAK)).isTrue();

    assertThat(calls("tmux"))
        .containsExactly(
            "-S|/tmp/tmux-1/default|display-message|-d|8000|-t|=baton-app:|"
                + "baton: time for a break: Break until 10:35 — 5 min. ##1|",
            "-S|/tmp/tmux-1/default|display-message|-d|8000|-t|=gone:|"
                + "baton: time for a break: Break until 10:35 — 5 min. ##1|");
    assertThat(sessions.list())
        .containsExactly(new FleetSession("/tmp/tmux-1/default", "baton-app"));
    assertThat(sessions().list()).as("kept in the file").hasSize(1);
  }

  @Test
  void tmuxWithoutSessionsRunsNothing() throws IOException {
    Path bin = standIn("tmux", "");
    TmuxNotifier tmux =
        new TmuxNotifier(
            sessions(), new Programs(Map.of("PATH", bin.toString()), Duration.ofSeconds(5)));
    assertThat(tmux.send(BREAK)).isFalse();
    assertThat(calls("tmux")).isEmpty();
  }

  @Test
  void theDesktopIsNotifiedOnlyWithADisplayAndNotifySendOnPath() throws IOException {
    Path bin = standIn("notify-send", "");
    Notice urgent = new Notice("baton: urgent from claude-1", "main is broken", true);

    assertThat(
            new DesktopNotifier(new Programs(Map.of("PATH", bin.toString()), Duration.ofSeconds(5)))
                .send(urgent))
        .isFalse();
    assertThat(
            new DesktopNotifier(
                    new Programs(
                        Map.of("PATH", dir.toString(), "DISPLAY", ":0"), Duration.ofSeconds(5)))
                .send(urgent))
        .as("no notify-send on PATH")
        .isFalse();
    assertThat(calls("notify-send")).isEmpty();

    assertThat(
            new DesktopNotifier(
                    new Programs(
                        Map.of("PATH", bin.toString(), "WAYLAND_DISPLAY", "wayland-0"),
                        Duration.ofSeconds(5)))
                .send(urgent))
        .isTrue();
    assertThat(calls("notify-send"))
        .containsExactly(
            "--app-name=baton|--urgency=critical|baton: urgent from claude-1|main is broken|");
  }

  @Test
  void aProgramThatHangsIsKilledAtTheTimeout() throws IOException {
    Path bin = standIn("notify-send", "exec sleep 30");
    Programs programs =
        new Programs(Map.of("PATH", bin.toString(), "DISPLAY", ":0"), Duration.ofMillis(500));
    long start = System.nanoTime();
    assertThat(new DesktopNotifier(programs).send(BREAK)).isFalse();
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
  }

  @Test
  void fleetSessionsNeedAnAbsoluteSocketAndAName() {
    FleetSessionFile sessions = sessions();
    assertThatThrownBy(() -> sessions.register(new FleetSession("default", "baton-app")))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageStartingWith(
            "socket 'default' is not the absolute path of a tmux server's socket");
    assertThatThrownBy(() -> sessions.register(new FleetSession("/tmp/tmux-1/default", " ")))
        .isInstanceOf(InvalidInputException.class)
        .hasMessage("session ' ' is not a tmux session name");
    assertThat(sessions.list()).isEmpty();
    sessions.register(new FleetSession("/tmp/tmux-1/default", "baton-app"));
    sessions.register(new FleetSession("/tmp/tmux-1/default", "baton-app"));
    assertThat(sessions().list()).hasSize(1);
    assertThat(sessions.forget(new FleetSession("/tmp/tmux-1/default", "baton-app"))).isTrue();
    assertThat(sessions().list()).isEmpty();
  }
}
