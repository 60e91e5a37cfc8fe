package dev.baton.cli;

import dev.baton.api.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A fleet that {@code baton up} made, kept in {@code <data-dir>/fleets/<name>.json} so that {@code
 * --add}, {@code down} and {@code attach} find it again.
 *
 * @param name the fleet's name (the tmux session's, unless it is a window of another session)
 * @param session the tmux session it lives in
 * @param window the tmux window id ({@code @3}) that holds its panes
 * @param ownsSession whether {@code baton up} made the session (then {@code down} ends it)
 * @param repository the repository's top directory
 * @param control the control pane's id
 * @param members one per instance, in the order they were made
 */
record Fleet(
    String name,
    String session,
    String window,
    boolean ownsSession,
    String repository,
    String control,
    List<Member> members) {

  /** One instance of the fleet and its pane. */
  record Member(String instance, String role, String pane, String worktree) {}

  Fleet {
    members = List.copyOf(members);
  }

  Fleet with(Member member) {
    List<Member> more = new ArrayList<>(members);
    more.add(member);
    return new Fleet(name, session, window, ownsSession, repository, control, more);
  }

  static Path file(Path dataDir, String name) {
    return dataDir.resolve("fleets").resolve(name + ".json");
  }

  static Optional<Fleet> load(Path dataDir, String name) {
    Path file = file(dataDir, name);
    if (!Files.exists(file)) {
      return Optional.empty();
    }
    try {
      return Optional.of(Json.MAPPER.readValue(Files.readString(file), Fleet.class));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the fleet file " + file, e);
    }
  }

  void save(Path dataDir) {
    Path file = file(dataDir, name);
    try {
      Files.createDirectories(file.getParent());
      Path tmp = file.resolveSibling(name + ".json.tmp");
      Files.writeString(tmp, Json.MAPPER.writeValueAsString(this));
      Files.move(
          tmp,
          file,
          java.nio.file.StandardCopyOption.REPLACE_EXISTING,
          java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the fleet file " + file, e);
    }
  }

  static void delete(Path dataDir, String name) {
    try {
      Files.deleteIfExists(file(dataDir, name));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete the fleet file " + file(dataDir, name), e);
    }
  }

  /** Whether its tmux window still exists. */
  boolean alive(Tmux tmux) {
    return tmux.ok("list-panes", "-t", window);
  }

  /** The command that attaches a terminal to it. */
  String attachCommand(Tmux tmux) {
    List<String> cmd = new ArrayList<>(tmux.command(List.of("attach", "-t", session)));
    return String.join(
        " ",
        cmd.stream()
            .map(
                a ->
                    a.matches("[A-Za-z0-9_./=@%:+-]+")
                        ? a
                        : dev.baton.integrations.HookScripts.shellQuote(a))
            .toList());
  }
}
