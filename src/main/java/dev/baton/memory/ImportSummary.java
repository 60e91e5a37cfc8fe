package dev.baton.memory;

import java.util.List;

/**
 * What an import did.
 *
 * @param added items stored now
 * @param alreadyThere items a previous import of the same database had stored
 * @param linksAdded links stored now
 * @param contextsUpdated contexts given a new version
 * @param skipped what could not be imported, each with the reason
 */
public record ImportSummary(
    int added, int alreadyThere, int linksAdded, int contextsUpdated, List<String> skipped) {
  public ImportSummary {
    skipped = List.copyOf(skipped);
  }
}
