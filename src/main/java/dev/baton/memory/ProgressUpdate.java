package dev.baton.memory;

/**
 * A change to a progress entry (ConPort's {@code update_progress}): each non-null field replaces
 * the entry's, at least one is given.
 *
 * @param viewer who changes it (null: a person); another instance's private entry is not found
 */
public record ProgressUpdate(
    String workspace, String viewer, long id, String status, String description, Long parentId) {}
