package dev.baton.git;

/**
 * A file the rebase of a land could not merge.
 *
 * @param file the path, relative to the repository's top level
 * @param lastLandedBy the instance whose land last changed the file on the base, or null when no
 *     land through baton did
 */
public record LandConflict(String file, String lastLandedBy) {}
