package dev.baton.api;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * The body of {@code POST /v1/memory/links}, with ConPort's field names.
 *
 * @param instance who links (or {@code workspace}, for a person)
 */
public record LinkBody(
    String instance,
    String workspace,
    @JsonProperty("source_item_type") String sourceItemType,
    @JsonProperty("source_item_id") Long sourceItemId,
    @JsonProperty("target_item_type") String targetItemType,
    @JsonProperty("target_item_id") Long targetItemId,
    @JsonProperty("relationship_type") String relationshipType,
    String description) {}
