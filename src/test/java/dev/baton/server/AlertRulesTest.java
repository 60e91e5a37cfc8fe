package dev.baton.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.testing.Promtool;
import org.junit.jupiter.api.Test;

/** The example alert rules, as Prometheus' own checker reads them and runs their unit tests. */
class AlertRulesTest {
  @Test
  void theExampleAlertRulesAreValid() {
    Promtool.Result check = Promtool.run(null, "check", "rules", "examples/alerts.yml");

    assertThat(check.exitCode()).as(check.output()).isZero();
    assertThat(check.output()).contains("SUCCESS: 4 rules found");
  }

  @Test
  void theExampleAlertsFireWhenTheirUnitTestsSayTheyShould() {
    Promtool.Result test = Promtool.run(null, "test", "rules", "examples/alerts-test.yml");

    assertThat(test.exitCode()).as(test.output()).isZero();
    assertThat(test.output()).contains("SUCCESS");
  }
}
