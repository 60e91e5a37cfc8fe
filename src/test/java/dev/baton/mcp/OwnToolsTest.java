package dev.baton.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.memory.MemoryConfig;
import io.modelcontextprotocol.spec.McpSchema;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** baton's own tool definitions, which every agent pays for in tokens. */
class OwnToolsTest {
  @Test
  void theCompactSetIsLeasesAndMessagesPlusTheMetaToolsAndTheMemoryToolsFollowTheirOwnSetting() {
    assertThat(
            McpEndpoints.ownTools(
                MemoryConfig.ToolSet.OFF, true, CoordinationConfig.ToolSet.COMPACT))
        .extracting(McpSchema.Tool::name)
        .containsExactly(
            "lease_acquire",
            "lease_release",
            "leases",
            "send_message",
            "inbox",
            "find_tools",
            "call_tool");
    assertThat(
            McpEndpoints.ownTools(
                MemoryConfig.ToolSet.COMPACT, false, CoordinationConfig.ToolSet.COMPACT))
        .extracting(McpSchema.Tool::name)
        .containsExactly(
            "lease_acquire",
            "lease_release",
            "leases",
            "log_decision",
            "log_progress",
            "search_memory",
            "find_tools",
            "call_tool");
    assertThat(
            McpEndpoints.ownTools(
                MemoryConfig.ToolSet.COMPACT, true, CoordinationConfig.ToolSet.FULL))
        .extracting(McpSchema.Tool::name)
        .contains("whoami", "who", "switch_role", "handoff", "checkpoint", "land", "focus_status")
        .hasSize(21);
  }

  /**
   * Schemas written with {@code Map.of} came out in a different order in each run, and so cost a
   * few tokens more or less from one run of {@code baton roles --tokens} to the next.
   */
  @Test
  void schemasAreInOneOrderRequiredPropertiesFirstThenByName() {
    McpSchema.Tool acquire =
        McpEndpoints.ownTools(MemoryConfig.ToolSet.OFF, false, CoordinationConfig.ToolSet.FULL)
            .stream()
            .filter(t -> t.name().equals("lease_acquire"))
            .findFirst()
            .orElseThrow();
    assertThat(acquire.inputSchema().keySet())
        .containsExactly("type", "properties", "required", "additionalProperties");
    @SuppressWarnings("unchecked")
    Map<String, Object> properties = (Map<String, Object>) acquire.inputSchema().get("properties");
    assertThat(properties.keySet()).containsExactly("paths", "reason", "shared", "ttl_s", "wait_s");
    @SuppressWarnings("unchecked")
    Map<String, Object> paths = (Map<String, Object>) properties.get("paths");
    assertThat(paths.keySet()).containsExactly("type", "description", "items");
    assertThat(acquire.annotations().readOnlyHint()).as("MCP's default, left out").isNull();
    assertThat(acquire.annotations().destructiveHint()).isFalse();
  }
}
