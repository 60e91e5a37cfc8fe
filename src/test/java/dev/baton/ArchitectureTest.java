package dev.baton;

import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideOutsideOfPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.Dependency;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The layering of DESIGN.md and STYLE.md ("Layering is a test, not a hope"), checked on the
 * compiled main classes. One method per rule; a rule that does not hold everywhere yet names its
 * exceptions here, each with the reason, as a debt to pay, never as a silent ignore.
 */
class ArchitectureTest {
  private static final JavaClasses BATON =
      new ClassFileImporter()
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
          .importPackages("dev.baton");

  /**
   * The capabilities of DESIGN.md's table, plus {@code integrations} (installers for the tools
   * around baton), which has the same standing. {@code focus} is listed ahead of its package.
   */
  private static final String[] CAPABILITIES = {
    "dev.baton.registry..",
    "dev.baton.leases..",
    "dev.baton.gateway..",
    "dev.baton.mcp..",
    "dev.baton.memory..",
    "dev.baton.handoff..",
    "dev.baton.focus..",
    "dev.baton.git..",
    "dev.baton.events..",
    "dev.baton.integrations..",
  };

  @Test
  void capabilitiesDependOnlyOnCoreEventsAndEachOther() {
    String[] allowed = new String[CAPABILITIES.length + 1];
    allowed[0] = "dev.baton.core..";
    System.arraycopy(CAPABILITIES, 0, allowed, 1, CAPABILITIES.length);
    classes()
        .that()
        .resideInAnyPackage(CAPABILITIES)
        .should()
        .onlyDependOnClassesThat(
            resideOutsideOfPackage("dev.baton..").or(resideInAnyPackage(allowed)))
        .because(
            "a capability is wired together by the composition root (server); if it reached into"
                + " store, api, server, cli or config it could not be tested or reused alone, and"
                + " every backend or edge change would ripple into domain code")
        .check(BATON);
  }

  @Test
  void onlyTheServerImportsInternalPackages() {
    classes()
        .that()
        .resideOutsideOfPackage("dev.baton.server..")
        .should(notDependOnAnotherPackagesInternals())
        .because(
            "an internal package is an implementation that only the composition root chooses and"
                + " constructs; everyone else talks to the public service interface, so the"
                + " implementation can change without touching its callers")
        .check(BATON);
  }

  @Test
  void theApiDoesNotImportTheStore() {
    noClasses()
        .that()
        .resideInAPackage("dev.baton.api..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("dev.baton.store..")
        .because(
            "the HTTP edge maps failures by ErrorCode, once; knowing the store's exception types"
                + " would tie the wire to one persistence layer and bypass that mapping")
        .check(BATON);
  }

  @Test
  void topLevelPackagesHaveNoCycles() {
    slices()
        .matching("dev.baton.(*)..")
        .should()
        .beFreeOfCycles()
        .because(
            "a cycle makes two packages one unit in disguise: neither can be understood, tested"
                + " or changed without the other, and the layering stops meaning anything")
        .check(BATON);
  }

  /** Depending on {@code dev.baton.x.internal..} is fine only from inside {@code dev.baton.x}. */
  private static ArchCondition<JavaClass> notDependOnAnotherPackagesInternals() {
    return new ArchCondition<>("not depend on another package's internal classes") {
      @Override
      public void check(JavaClass origin, ConditionEvents events) {
        for (Dependency dependency : origin.getDirectDependenciesFromSelf()) {
          JavaClass target = dependency.getTargetClass().getBaseComponentType();
          Optional<String> owner = internalOwner(target.getPackageName());
          if (owner.isPresent() && !within(origin.getPackageName(), owner.get())) {
            events.add(SimpleConditionEvent.violated(dependency, dependency.getDescription()));
          }
        }
      }
    };
  }

  /** {@code dev.baton.leases} for {@code dev.baton.leases.internal[.x]}, else empty. */
  private static Optional<String> internalOwner(String packageName) {
    if (!packageName.startsWith("dev.baton.")) {
      return Optional.empty();
    }
    int at = (packageName + ".").indexOf(".internal.");
    return at < 0 ? Optional.empty() : Optional.of(packageName.substring(0, at));
  }

  private static boolean within(String packageName, String parent) {
    return packageName.equals(parent) || packageName.startsWith(parent + ".");
  }
}
