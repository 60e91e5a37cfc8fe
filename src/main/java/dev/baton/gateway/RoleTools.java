package dev.baton.gateway;

import java.util.List;

/**
 * Which downstream tools a role sees, from {@code roles.<role>}.
 *
 * @param servers the servers whose tools the role gets
 * @param allow globs on full tool names ({@code filesystem__read_*}); empty allows all
 * @param deny globs on full tool names, applied after {@code allow}
 * @param metaOnly {@code tools: meta}: list only the coordination and meta-tools; the role's tools
 *     stay reachable through {@code find_tools} and {@code call_tool}
 */
public record RoleTools(
    List<String> servers, List<String> allow, List<String> deny, boolean metaOnly) {
  public RoleTools {
    servers = List.copyOf(servers);
    allow = List.copyOf(allow);
    deny = List.copyOf(deny);
  }

  public static RoleTools none() {
    return new RoleTools(List.of(), List.of(), List.of(), false);
  }
}
