package dev.baton.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class FleetRolesTest {
  @Test
  void rolesListGivesOneInstancePerEntryInOrder() {
    assertThat(FleetRoles.expand("developer, Developer,reviewer", null, null))
        .containsExactly("developer", "developer", "reviewer");
  }

  @Test
  void countRepeatsTheRoleAndDefaultsToOneDeveloper() {
    assertThat(FleetRoles.expand(null, 3, "reviewer"))
        .containsExactly("reviewer", "reviewer", "reviewer");
    assertThat(FleetRoles.expand(null, 2, null)).containsExactly("developer", "developer");
    assertThat(FleetRoles.expand(null, null, null)).containsExactly("developer");
  }

  @Test
  void contradictoryOrEmptyInputIsRefusedNamingTheValue() {
    assertThatThrownBy(() -> FleetRoles.expand("developer", 2, null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("--roles and --count/--role exclude each other");
    assertThatThrownBy(() -> FleetRoles.expand("developer,,reviewer", null, null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("--roles 'developer,,reviewer' has an empty role");
    assertThatThrownBy(() -> FleetRoles.expand(null, 0, null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("--count 0 is out of range 1..50");
  }

  @Test
  void unknownRolesAreListedOnceInOrder() {
    assertThat(
            FleetRoles.unknown(
                List.of("wizard", "developer", "bard", "wizard"), List.of("developer", "reviewer")))
        .containsExactly("wizard", "bard");
  }

  @Test
  void sessionNameComesFromTheRepositoryDirectoryAndIsSafeForTmux() {
    assertThat(FleetRoles.sessionName(Path.of("/home/a/my.repo:x"))).isEqualTo("baton-my-repo-x");
  }
}
