package dev.baton.registry;

/**
 * Narrows a listing; null fields do not filter.
 *
 * @param workspace a directory inside the workspace, resolved like a registration's
 * @param role a role name
 */
public record InstanceFilter(String workspace, String role) {
  public static InstanceFilter all() {
    return new InstanceFilter(null, null);
  }
}
