package dev.baton.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.modelcontextprotocol.spec.McpSchema;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ToolNamesTest {
  @Test
  void shortNamesArePrefixedAndKeptAsTheyAre() {
    assertThat(ToolNames.of("files", "read_text_file")).isEqualTo("files__read_text_file");
    assertThat(ToolNames.of("everything", "get-sum")).isEqualTo("everything__get-sum");
  }

  @Test
  void longOrUnsafeNamesAreCutDeterministicallyToFiftyTwoCharactersWithoutCollisions() {
    String longTool = "a_really_long_tool_name_that_goes_on_and_on_and_on_forever";
    String cut = ToolNames.of("filesystem", longTool);
    assertThat(cut).hasSize(ToolNames.MAX).matches("[A-Za-z0-9_-]+");
    assertThat(ToolNames.of("filesystem", longTool)).isEqualTo(cut);
    assertThat(ToolNames.of("filesystem", longTool + "_2"))
        .isNotEqualTo(cut)
        .hasSize(ToolNames.MAX);
    assertThat(("mcp__baton__" + cut).length()).isLessThanOrEqualTo(64);
    String dotted = ToolNames.of("web", "fetch.url");
    assertThat(dotted).matches("web__fetch_url_[0-9a-f]{8}");
    assertThat(dotted).isNotEqualTo(ToolNames.of("web", "fetch_url"));
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < 1000; i++) {
      assertThat(seen.add(ToolNames.of("server", longTool + i))).isTrue();
    }
  }

  @Test
  void globsMatchWholeNames() {
    assertThat(ToolNames.matches("files__read_*", "files__read_text_file")).isTrue();
    assertThat(ToolNames.matches("files__read_*", "files__write_file")).isFalse();
    assertThat(ToolNames.matches("*__get-?um", "everything__get-sum")).isTrue();
    assertThat(ToolNames.matches("files.x", "filesAx")).isFalse();
  }

  @Test
  void searchRanksNameMatchesFirstAndIgnoresToolsThatShareNoWord() {
    List<Gateway.CatalogTool> tools =
        List.of(
            tool("files", "read_text_file", "Read the complete contents of a file as text."),
            tool("files", "write_file", "Create a new file or overwrite an existing file."),
            tool("everything", "get-sum", "Returns the sum of two numbers"),
            tool("memory", "search_nodes", "Search for nodes in the knowledge graph"));
    assertThat(ToolSearch.rank(tools, "add two numbers", 5))
        .extracting(Gateway.CatalogTool::original)
        .containsExactly("get-sum");
    assertThat(ToolSearch.rank(tools, "reading files", 5))
        .extracting(Gateway.CatalogTool::original)
        .startsWith("read_text_file");
    assertThat(ToolSearch.rank(tools, "searchNodes graph", 1))
        .extracting(Gateway.CatalogTool::original)
        .containsExactly("search_nodes");
    assertThat(ToolSearch.rank(tools, "kubernetes", 5)).isEmpty();
  }

  private static Gateway.CatalogTool tool(String server, String name, String description) {
    McpSchema.Tool t =
        McpSchema.Tool.builder(ToolNames.of(server, name), Map.of("type", "object"))
            .description(description)
            .build();
    return new Gateway.CatalogTool(ToolNames.of(server, name), server, t, name);
  }
}
