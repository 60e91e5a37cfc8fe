package dev.baton.api;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * The body of {@code POST /v1/memory/batch} (ConPort's {@code batch_log_items}).
 *
 * @param instance who writes them (or {@code workspace}, for a person)
 * @param itemType decision, progress (or ConPort's progress_entry), system_pattern or custom_data
 * @param items each with the fields of {@code POST /v1/memory/<type>}
 */
public record BatchBody(
    String instance,
    String workspace,
    @JsonProperty("item_type") String itemType,
    List<MemoryItemBody> items) {}
