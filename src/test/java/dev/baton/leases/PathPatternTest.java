package dev.baton.leases;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PathPatternTest {
  @ParameterizedTest
  @CsvSource({
    "src/a.py, src/a.py",
    "./src//a.py/, src/a.py",
    "src/./auth/, src/auth",
    "'src/**', 'src/**'",
  })
  void patternsAreNormalised(String input, String normal) {
    assertThat(PathPattern.parse(input).text()).isEqualTo(normal);
  }

  @Test
  void globsAreDetectedByTheirOperators() {
    assertThat(PathPattern.parse("src/*.py").isGlob()).isTrue();
    assertThat(PathPattern.parse("a?.md").isGlob()).isTrue();
    assertThat(PathPattern.parse("*.{ts,tsx}").isGlob()).isTrue();
    assertThat(PathPattern.parse("pages/[id].tsx").isGlob()).isFalse();
    assertThat(PathPattern.parse("odd{name}.txt").isGlob()).isFalse();
  }

  @ParameterizedTest
  @CsvSource({
    "src/auth, src/auth, true",
    "src/auth, src/auth/login.py, true",
    "src/auth, src/authz/x.py, false",
    "src/auth, src, false",
    "'src/**', src/a/b/c.py, true",
    "'src/**', src, false",
    "'src/*.py', src/a.py, true",
    "'src/*.py', src/sub/a.py, false",
    "'*.md', README.md, true",
    "'*.md', docs/README.md, false",
    "'**/*.md', docs/deep/README.md, true",
    "'**/*.md', README.md, true",
    "'a/**/b', a/b, true",
    "'a/**/b', a/x/y/b, true",
    "'a/**/b', a/x/y/bc, false",
    "'*.{ts,tsx}', app.tsx, true",
    "'*.{ts,tsx}', app.js, false",
    "'src/?.py', src/ab.py, false",
    "'src/?.py', src/a.py, true",
    "'**', anything/at/all, true",
    "pages/[id].tsx, pages/[id].tsx, true",
    "pages/[id].tsx, pages/i.tsx, false",
  })
  void coversWhatItMatchesAndEverythingBeneath(String pattern, String path, boolean covered) {
    assertThat(PathPattern.parse(pattern).covers(path)).isEqualTo(covered);
  }

  @Test
  void aLiteralPathTakesGlobCharactersLiterally() {
    PathPattern star = PathPattern.literal("weird*name.txt");

    assertThat(star.isGlob()).isFalse();
    assertThat(star.covers("weird*name.txt")).isTrue();
    assertThat(star.covers("weirdXname.txt")).isFalse();
  }

  @ParameterizedTest
  @CsvSource({
    "src/a.py, src/a.py, true",
    "src/a.py, src/b.py, false",
    "src, src/a.py, true",
    "'src/**', src/a.py, true",
    "'src/**', 'src/*.py', true",
    "'*.md', '**/*.md', true",
    "'*.md', 'docs/*.md', false",
    "'docs/*.md', 'docs/**', true",
    "'src/*/test', 'src/auth/*', true",
    "'a/*/c', 'a/b/d', false",
    "'**/x', 'y/**', true",
    "'*.ts', '*.tsx', false",
    "'*.{ts,tsx}', 'app.tsx', true",
    "'?', 'ab', false",
    "'**', 'anything', true",
    "'a*', 'b*', false",
    "'*a', '*b', false",
    "'*a*', '*b*', true",
    "lib/x.py, 'lib/x.py/**', true",
  })
  void overlapIsDecidedExactlyAndSymmetrically(String a, String b, boolean overlap) {
    PathPattern p = PathPattern.parse(a);
    PathPattern q = PathPattern.parse(b);

    assertThat(p.overlaps(q)).isEqualTo(overlap);
    assertThat(q.overlaps(p)).isEqualTo(overlap);
  }

  @Test
  void pathsThatLeaveTheWorkspaceAreRefused() {
    assertThatThrownBy(() -> PathPattern.parse("src/../../etc/passwd"))
        .isInstanceOf(InvalidPatternException.class)
        .hasMessage("path 'src/../../etc/passwd' leaves the workspace ('..' is not allowed)");
    assertThatThrownBy(() -> PathPattern.parse("{..,x}/secrets"))
        .isInstanceOf(InvalidPatternException.class)
        .hasMessage("path '../secrets' leaves the workspace ('..' is not allowed)");
    assertThatThrownBy(() -> PathPattern.parse("/etc/passwd"))
        .isInstanceOf(InvalidPatternException.class)
        .hasMessage("path '/etc/passwd' is absolute; give it relative to the workspace root");
    assertThatThrownBy(() -> PathPattern.parse("./"))
        .isInstanceOf(InvalidPatternException.class)
        .hasMessage("path './' names the workspace itself; lease '**' to cover all of it");
  }

  @Test
  void nestedBracesAreRefused() {
    assertThatThrownBy(() -> PathPattern.parse("{a,{b,c}}.txt"))
        .isInstanceOf(InvalidPatternException.class)
        .hasMessageContaining("nests {...} groups");
  }
}
