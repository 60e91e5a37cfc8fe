package dev.baton.integrations;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.baton.core.BatonException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.dataformat.toml.TomlMapper;

class CodexConfigTest {
  private static final TomlMapper TOML = TomlMapper.builder().build();
  private static final List<String> ARGS = List.of("mcp", "--role", "developer");

  @TempDir Path tmp;

  private JsonNode parse(Path file) throws Exception {
    return TOML.readTree(Files.readString(file));
  }

  private boolean addBaton(Path file) {
    return CodexConfig.addMcpServer(file, "baton", "/opt/baton", ARGS, List.of("whoami", "inbox"));
  }

  @Test
  void aMissingFileGetsTheServerItsVariablesAndItsApprovedTools() throws Exception {
    Path file = tmp.resolve(".codex/config.toml");

    assertThat(addBaton(file)).isFalse();

    JsonNode baton = parse(file).path("mcp_servers").path("baton");
    assertThat(baton.path("command").asString()).isEqualTo("/opt/baton");
    assertThat(baton.path("args").toString()).isEqualTo("[\"mcp\",\"--role\",\"developer\"]");
    assertThat(baton.path("required").asBoolean()).isTrue();
    assertThat(baton.path("env_vars").toString()).contains("BATON_INSTANCE", "BATON_JAR");
    assertThat(baton.path("tools").path("whoami").path("approval_mode").asString())
        .isEqualTo("approve");
    assertThat(baton.path("tools").path("inbox").path("approval_mode").asString())
        .isEqualTo("approve");
  }

  @Test
  void anEarlierBatonServerIsReplacedAndEveryOtherEntryAndCommentIsKept() throws Exception {
    Path file = tmp.resolve("config.toml");
    Files.writeString(
        file,
        "# mine\nmodel = \"o3\"\n\n[mcp_servers.\"baton\"]\ncommand = \"old\"\n\n"
            + "[mcp_servers.baton.tools.call_tool]\napproval_mode = \"approve\"\n\n"
            + "# the docs server\n[mcp_servers.docs]\ncommand = \"docs\" # keep\n");

    assertThat(addBaton(file)).isTrue();
    assertThat(addBaton(file)).isTrue();

    String text = Files.readString(file);
    assertThat(text)
        .startsWith("# mine\nmodel = \"o3\"\n\n# the docs server\n[mcp_servers.docs]\n")
        .contains("command = \"docs\" # keep")
        .containsOnlyOnce("[mcp_servers.baton]")
        .doesNotContain("old")
        .doesNotContain("call_tool");
    assertThat(parse(file).path("mcp_servers").path("baton").path("command").asString())
        .isEqualTo("/opt/baton");
  }

  @Test
  void aHeaderLikeLineInsideAMultiLineStringOrArrayIsNotATable() throws Exception {
    Path file = tmp.resolve("config.toml");
    String text =
        "notes = \"\"\"\n[mcp_servers.baton]\n\"\"\"\n"
            + "[mcp_servers.other]\ncommand = \"x\"\nargs = [\n[\"a\"],\n]\n";
    Files.writeString(file, text);

    addBaton(file);

    assertThat(Files.readString(file)).startsWith(text);
    assertThat(parse(file).path("notes").asString()).isEqualTo("[mcp_servers.baton]\n");
  }

  @Test
  void aMalformedFileIsRefusedNamingItAndTheProblemAndLeftUntouched() throws Exception {
    Path file = tmp.resolve("config.toml");
    String broken = "model = \"o3\"\n[mcp_servers.docs\ncommand = \"docs\"\n";
    Files.writeString(file, broken);

    assertThatThrownBy(() -> addBaton(file))
        .isInstanceOf(BatonException.class)
        .hasMessageStartingWith(file + " is not valid TOML (")
        .hasMessageContaining("at line 2")
        .hasMessageEndingWith("fix it by hand, then run setup again");
    assertThat(Files.readString(file)).isEqualTo(broken);
  }

  @Test
  void aBatonServerWrittenWithDottedKeysIsRefusedAndLeftUntouched() throws Exception {
    Path file = tmp.resolve("config.toml");
    String dotted = "mcp_servers.baton.command = \"mine\"\n";
    Files.writeString(file, dotted);

    assertThatThrownBy(() -> addBaton(file))
        .isInstanceOf(BatonException.class)
        .hasMessageContaining(
            file + " defines mcp_servers.baton other than as a [mcp_servers.baton]");
    assertThat(Files.readString(file)).isEqualTo(dotted);
  }

  @Test
  void anInlineTableOfServersThatATableCannotExtendIsRefusedAndLeftUntouched() throws Exception {
    Path file = tmp.resolve("config.toml");
    String inline = "mcp_servers = { docs = { command = \"docs\" } }\n";
    Files.writeString(file, inline);

    assertThatThrownBy(() -> addBaton(file))
        .isInstanceOf(BatonException.class)
        .hasMessageStartingWith("cannot add baton's entries to " + file + " without breaking it");
    assertThat(Files.readString(file)).isEqualTo(inline);
  }

  @Test
  void aProjectIsTrustedOnceAndAnUntrustedOneIsLeftAlone() throws Exception {
    Path file = tmp.resolve("home/.codex/config.toml");
    Path project = tmp.resolve("my repo");

    assertThat(CodexConfig.trustProject(file, project)).isEqualTo(CodexConfig.Trust.ADDED);
    assertThat(CodexConfig.trustProject(file, project)).isEqualTo(CodexConfig.Trust.ALREADY);

    assertThat(Files.readString(file))
        .isEqualTo("[projects.\"" + project + "\"]\ntrust_level = \"trusted\"\n");
    assertThat(
            java.nio.file.attribute.PosixFilePermissions.toString(
                Files.getPosixFilePermissions(file)))
        .isEqualTo("rw-------");

    Path other = tmp.resolve("other");
    String untrusted = "[projects.\"" + other + "\"]\ntrust_level = \"untrusted\"\n";
    Files.writeString(file, untrusted);
    assertThat(CodexConfig.trustProject(file, other)).isEqualTo(CodexConfig.Trust.KEPT_UNTRUSTED);
    assertThat(Files.readString(file)).isEqualTo(untrusted);
  }

  @Test
  void trustGoesIntoTheProjectsExistingTableKeepingItsOtherKeys() throws Exception {
    Path file = tmp.resolve("config.toml");
    Path project = tmp.resolve("repo");
    Files.writeString(
        file, "model = \"o3\"\n[projects.'" + project + "']\nsomething = 1\n[tui]\nx = 2\n");

    CodexConfig.trustProject(file, project);

    JsonNode entry = parse(file).path("projects").path(project.toString());
    assertThat(entry.path("trust_level").asString()).isEqualTo("trusted");
    assertThat(entry.path("something").asInt()).isEqualTo(1);
    assertThat(parse(file).path("tui").path("x").asInt()).isEqualTo(2);
  }

  @Test
  void theUserFileIsInCodexHomeElseInDotCodex() {
    Path home = Path.of("/home/u");
    assertThat(CodexConfig.userFile(java.util.Map.of("CODEX_HOME", "/etc/cx"), home))
        .isEqualTo(Path.of("/etc/cx/config.toml"));
    assertThat(CodexConfig.userFile(java.util.Map.of(), home))
        .isEqualTo(Path.of("/home/u/.codex/config.toml"));
  }
}
