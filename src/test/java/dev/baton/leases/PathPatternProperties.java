package dev.baton.leases;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.statistics.Statistics;

/**
 * Overlap must never be missed. A brute-force model (each glob translated to a regular expression
 * independently of the automata) decides, over generated file trees, which paths two patterns
 * cover; whenever some path of the tree is covered by both, {@link PathPattern#overlaps} must say
 * so.
 */
class PathPatternProperties {
  private static final List<String> NAMES =
      List.of("a", "b", "ab", "ba", "a.md", "b.py", "x.md", ".md");
  private static final List<String> GLOB_SEGMENTS =
      List.of(
          "a",
          "b",
          "ab",
          "a.md",
          "*",
          "?",
          "**",
          "*.md",
          "a*",
          "*b",
          "?.md",
          "{a,b}",
          "*.{md,py}",
          "x.md");

  @Provide
  Arbitrary<List<String>> trees() {
    Arbitrary<String> path =
        Arbitraries.of(NAMES)
            .list()
            .ofMinSize(1)
            .ofMaxSize(4)
            .map(segments -> String.join("/", segments));
    return path.list().ofMinSize(1).ofMaxSize(30).map(PathPatternProperties::withAncestors);
  }

  @Provide
  Arbitrary<String> patterns() {
    return Arbitraries.of(GLOB_SEGMENTS)
        .list()
        .ofMinSize(1)
        .ofMaxSize(4)
        .map(s -> String.join("/", s));
  }

  @Property(tries = 3000)
  void anOverlapInTheTreeIsNeverMissed(
      @ForAll("trees") List<String> tree,
      @ForAll("patterns") String a,
      @ForAll("patterns") String b) {
    Pattern ma = model(a);
    Pattern mb = model(b);
    boolean overlapInTree =
        tree.stream().anyMatch(p -> ma.matcher(p).matches() && mb.matcher(p).matches());

    if (overlapInTree) {
      assertThat(PathPattern.parse(a).overlaps(PathPattern.parse(b)))
          .as("%s vs %s in %s", a, b, tree)
          .isTrue();
    }
  }

  @Property(tries = 2000)
  void coversAgreesWithTheModelOnEveryPathOfTheTree(
      @ForAll("trees") List<String> tree, @ForAll("patterns") String glob) {
    PathPattern pattern = PathPattern.parse(glob);
    Pattern model = model(glob);

    for (String path : tree) {
      assertThat(pattern.covers(path))
          .as("%s covers %s", glob, path)
          .isEqualTo(model.matcher(path).matches());
    }
  }

  @Property(tries = 2000)
  void aLiteralPathOverlapsAGlobExactlyWhenTheGlobCoversItOrSomethingBeneathIt(
      @ForAll("trees") List<String> tree, @ForAll("patterns") String glob) {
    PathPattern pattern = PathPattern.parse(glob);
    Pattern model = model(glob);

    for (String path : tree) {
      boolean modelSaysSomethingCovered =
          tree.stream()
              .anyMatch(
                  p -> (p.equals(path) || p.startsWith(path + "/")) && model.matcher(p).matches());
      if (modelSaysSomethingCovered) {
        assertThat(PathPattern.literal(path).overlaps(pattern)).as("%s vs %s", path, glob).isTrue();
      }
    }
  }

  /**
   * A search stopped by its budget of state pairs says so ({@code UNDECIDED}, which {@link
   * PathPattern#overlaps} takes as an overlap); whatever it does answer is the exact answer.
   */
  @Property(tries = 3000)
  void aSearchCutShortByItsBudgetNeverAnswersWrongly(
      @ForAll("patterns") String a,
      @ForAll("patterns") String b,
      @ForAll @IntRange(min = 1, max = 120) int budget) {
    Nfa p = PathPattern.parse(a).nfa();
    Nfa q = PathPattern.parse(b).nfa();

    Nfa.Intersection exact = p.intersect(q, Integer.MAX_VALUE);
    Nfa.Intersection cut = p.intersect(q, budget);

    Statistics.label("cut short").collect(cut == Nfa.Intersection.UNDECIDED);
    if (cut != Nfa.Intersection.UNDECIDED) {
      assertThat(cut).as("%s vs %s within %d pairs", a, b, budget).isEqualTo(exact);
    }
    assertThat(q.intersect(p, budget) == Nfa.Intersection.DISJOINT)
        .as("symmetric: %s vs %s within %d pairs", a, b, budget)
        .isEqualTo(cut == Nfa.Intersection.DISJOINT);
  }

  /** The coverage of a glob as a regular expression: it matches, or an ancestor matches. */
  static Pattern model(String glob) {
    List<String> alternatives = new ArrayList<>();
    for (String expanded : expand(glob)) {
      alternatives.add(regex(expanded));
    }
    return Pattern.compile("(?:" + String.join("|", alternatives) + ")(?:/.*)?");
  }

  private static String regex(String glob) {
    String[] segments = glob.split("/");
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < segments.length; i++) {
      boolean last = i == segments.length - 1;
      String segment = segments[i];
      if (segment.equals("**")) {
        out.append(last ? (i == 0 ? ".+" : ".*") : "(?:[^/]*/)*");
        continue;
      }
      for (char c : segment.toCharArray()) {
        out.append(c == '*' ? "[^/]*" : c == '?' ? "[^/]" : Pattern.quote(String.valueOf(c)));
      }
      if (!last) {
        out.append('/');
      }
    }
    return out.toString();
  }

  private static List<String> expand(String glob) {
    int open = glob.indexOf('{');
    if (open < 0) {
      return List.of(glob);
    }
    int close = glob.indexOf('}', open);
    List<String> out = new ArrayList<>();
    for (String option : glob.substring(open + 1, close).split(",")) {
      for (String rest : expand(glob.substring(close + 1))) {
        out.add(glob.substring(0, open) + option + rest);
      }
    }
    return out;
  }

  private static List<String> withAncestors(List<String> paths) {
    Set<String> all = new LinkedHashSet<>();
    for (String p : paths) {
      String[] segments = p.split("/");
      for (int i = 1; i <= segments.length; i++) {
        all.add(String.join("/", java.util.Arrays.copyOf(segments, i)));
      }
    }
    return new ArrayList<>(all);
  }
}
