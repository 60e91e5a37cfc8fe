package dev.baton.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Text from the wire on a terminal (issue 12, J). */
class FormatTest {
  @Test
  void controlCharactersAreShownEscapedAndTheRestIsLeftAlone() {
    assertThat(Format.safe("fix\nL9  src/app.py  exclusive"))
        .isEqualTo("fix\\nL9  src/app.py  exclusive");
    assertThat(Format.safe("\u001b[2J\u001b]0;owned\u0007"))
        .isEqualTo("\\x1b[2J\\x1b]0;owned\\x07");
    assertThat(Format.safe("a\rb\tc\u009bd\u2028e")).isEqualTo("a\\rb\\tc\\x9bd\\u2028e");
    assertThat(Format.safe("Größe 日本 — ok")).isEqualTo("Größe 日本 — ok");
    assertThat(Format.safe(null)).isNull();
  }

  @Test
  void aReasonCannotForgeARowOfATable() {
    String table =
        Format.table(
            List.of("ID", "PATH", "REASON"),
            List.of(
                List.of("L1", "src/a.py", "refactor\nL2  src/b.py  mine"),
                List.of("L3", "src/\u001b[31mc.py", "-")));

    assertThat(table.lines()).hasSize(3);
    assertThat(table).contains("refactor\\nL2  src/b.py  mine").contains("src/\\x1b[31mc.py");
  }
}
