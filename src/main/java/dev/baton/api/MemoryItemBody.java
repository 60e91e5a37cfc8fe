package dev.baton.api;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import tools.jackson.databind.JsonNode;

/**
 * The body of {@code POST /v1/memory/<type>}, with ConPort's field names; each type uses its own
 * (decisions: summary, rationale, implementation_details, tags; progress: status, description,
 * parent_id; custom: category, key, value).
 *
 * @param instance who writes it; its workspace is the item's
 * @param isPrivate visible only to {@code instance}
 * @param workspace a directory of the repository, when a person writes (no {@code instance})
 */
public record MemoryItemBody(
    String instance,
    String summary,
    String rationale,
    @JsonProperty("implementation_details") String implementationDetails,
    List<String> tags,
    String status,
    String description,
    @JsonProperty("parent_id") Long parentId,
    String category,
    String key,
    JsonNode value,
    String name,
    @JsonProperty("private") Boolean isPrivate,
    String workspace) {}
