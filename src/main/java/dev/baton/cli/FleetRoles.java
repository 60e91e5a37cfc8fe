package dev.baton.cli;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Locale;

/** The roles of a fleet's instances, one per instance, from {@code --roles} or {@code --count}. */
final class FleetRoles {
  private FleetRoles() {}

  /**
   * {@code --roles a,b,b} gives [a, b, b]; {@code --count N --role R} gives N times R; neither
   * gives one developer.
   *
   * @throws IllegalArgumentException naming the offending value
   */
  static List<String> expand(String roles, Integer count, String role) {
    if (roles != null && (count != null || role != null)) {
      throw new IllegalArgumentException("--roles and --count/--role exclude each other");
    }
    if (roles != null) {
      List<String> list =
          Arrays.stream(roles.split(",", -1)).map(r -> r.strip().toLowerCase(Locale.ROOT)).toList();
      if (list.stream().anyMatch(String::isEmpty)) {
        throw new IllegalArgumentException(
            "--roles '" + roles + "' has an empty role; write e.g. developer,developer,reviewer");
      }
      return list;
    }
    int n = count == null ? 1 : count;
    if (n < 1 || n > 50) {
      throw new IllegalArgumentException("--count " + n + " is out of range 1..50");
    }
    String r = role == null ? "developer" : role.strip().toLowerCase(Locale.ROOT);
    List<String> list = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      list.add(r);
    }
    return list;
  }

  /** The roles not among {@code known}, in order, without repeats. */
  static List<String> unknown(List<String> roles, Collection<String> known) {
    return roles.stream().filter(r -> !known.contains(r)).distinct().toList();
  }

  /** A tmux session name from a repository directory: {@code baton-<dir>}, tmux-safe. */
  static String sessionName(java.nio.file.Path repository) {
    String base = repository.getFileName() == null ? "repo" : repository.getFileName().toString();
    return "baton-" + base.replaceAll("[^A-Za-z0-9_-]", "-");
  }
}
