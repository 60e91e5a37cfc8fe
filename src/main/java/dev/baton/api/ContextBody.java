package dev.baton.api;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Map;

/**
 * The body of {@code PUT /v1/memory/context/<product|active>}: the whole new {@code content}, or a
 * {@code patch_content} whose {@code "__DELETE__"} values remove keys.
 *
 * @param instance who writes it (or {@code workspace}, for a person)
 * @param own the instance's own active context instead of the shared one
 */
public record ContextBody(
    String instance,
    String workspace,
    Map<String, Object> content,
    @JsonProperty("patch_content") Map<String, Object> patchContent,
    Boolean own) {}
