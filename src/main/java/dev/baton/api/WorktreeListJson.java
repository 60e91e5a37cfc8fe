package dev.baton.api;

import java.util.List;

/** The answer to {@code GET /v1/worktrees}. */
public record WorktreeListJson(List<WorktreeJson> worktrees, int count) {}
