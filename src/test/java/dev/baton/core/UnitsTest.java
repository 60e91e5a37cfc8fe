package dev.baton.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class UnitsTest {
  @Test
  void durationsParseEveryUnitAndPrintBackExactly() {
    for (String text : new String[] {"500ms", "30s", "10m", "2h", "7d", "1500ms", "90s"}) {
      assertThat(Units.formatDuration(Units.parseDuration(text))).isEqualTo(text);
    }
    assertThat(Units.parseDuration(" 30S ")).isEqualTo(Duration.ofSeconds(30));
  }

  @Test
  void aDurationWithoutAUnitIsRefused() {
    assertThatThrownBy(() -> Units.parseDuration("30"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("'30' is not a duration; write a number and a unit: 500ms, 30s, 10m, 2h or 7d");
  }

  @Test
  void sizesParseBytesAndBinaryAndDecimalUnits() {
    assertThat(Units.parseSize("1024")).isEqualTo(1024);
    assertThat(Units.parseSize("512KiB")).isEqualTo(512 * 1024);
    assertThat(Units.parseSize("1MiB")).isEqualTo(1024 * 1024);
    assertThat(Units.parseSize("1MB")).isEqualTo(1_000_000);
    assertThat(Units.formatSize(1024 * 1024)).isEqualTo("1MiB");
    assertThat(Units.formatSize(1000)).isEqualTo("1000");
    assertThatThrownBy(() -> Units.parseSize("lots"))
        .hasMessageStartingWith("'lots' is not a size");
  }
}
