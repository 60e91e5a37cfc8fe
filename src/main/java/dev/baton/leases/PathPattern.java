package dev.baton.leases;

import dev.baton.core.ErrorCode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A path or a glob relative to a workspace root, in normal form ({@code src/auth/login.py}, {@code
 * src/**}, {@code *.{ts,tsx}}), and the set of paths it covers.
 *
 * <p>Globs: {@code *} is any run of characters within one segment, {@code ?} one character other
 * than {@code /}, {@code **} as a whole segment any number of segments, {@code {a,b}} either
 * alternative (not nested). Everything else, brackets included, is literal. A path or glob covers
 * what it matches <em>and everything beneath it</em>: a lease on {@code src/auth} covers {@code
 * src/auth/login.py}.
 *
 * <p>Limits, so that one request cannot stall the broker: at most {@value #MAX_LENGTH} characters
 * and, for a glob, at most {@value #MAX_ALTERNATIVES} alternatives once its {@code {...}} groups
 * are multiplied out; nested groups are refused.
 *
 * <p>{@link #overlaps} decides whether two patterns cover a common path by searching the product of
 * their automata, visiting each pair of states once and at most {@value #MAX_PAIRS} pairs: the work
 * was (length × alternatives)² and a 1,000-character glob held the store's writer for tens of
 * seconds. Real globs need a few hundred pairs; a pair that would need more is answered "overlaps",
 * a false conflict, which is safe: an overlap is never missed. Immutable, thread-safe.
 */
public final class PathPattern {
  /** The longest path or glob, in characters. */
  public static final int MAX_LENGTH = 1024;

  /** The most alternatives a glob's {@code {...}} groups may multiply out to. */
  public static final int MAX_ALTERNATIVES = 32;

  /**
   * The most alternatives of a pattern granted by an older broker, which allowed more: its lease
   * must stay readable until it is released or expires.
   */
  private static final int MAX_STORED_ALTERNATIVES = 256;

  /** The most pairs of automaton states one overlap check visits before it says "overlaps". */
  static final int MAX_PAIRS = 20_000;

  private static final int CACHE_SIZE = 4096;

  /** The most automaton states the cache holds: a few long globs must not fill the heap. */
  private static final long CACHE_STATES = 1 << 21;

  /**
   * Parsed patterns by text: every lease transaction re-reads the workspace's leases, and compiling
   * their automata again each time cost more than the SQL. Bounded by clearing it when full.
   */
  private static final Map<String, PathPattern> CACHE = new ConcurrentHashMap<>();

  private static long cachedStates;

  private final String text;
  private final boolean glob;
  private final List<String> alternatives;

  /** Compiled when first needed: listing leases needs no automaton. */
  private volatile Nfa nfa;

  private PathPattern(String text, boolean glob, List<String> alternatives) {
    this.text = text;
    this.glob = glob;
    this.alternatives = alternatives;
  }

  /**
   * Parses a relative path or glob; it is a glob when it contains {@code *}, {@code ?} or a {@code
   * {a,b}} group.
   *
   * @throws InvalidPatternException when it is empty, too long, absolute, has a {@code ..} segment,
   *     or too many alternatives
   */
  public static PathPattern parse(String relative) {
    return of(relative, looksLikeGlob(relative));
  }

  /** A relative path taken literally: {@code *}, {@code ?} and braces are ordinary characters. */
  public static PathPattern literal(String relative) {
    return of(relative, false);
  }

  /**
   * A pattern to lease, within the limits.
   *
   * @throws InvalidPatternException as {@link #parse} does
   */
  public static PathPattern of(String relative, boolean glob) {
    Objects.requireNonNull(relative, "path");
    if (glob && relative.length() <= MAX_LENGTH) { // a longer one is refused for its length
      long count = alternativesOf(relative);
      if (count > MAX_ALTERNATIVES) {
        throw new InvalidPatternException(
            shown(relative),
            "glob '"
                + shown(relative)
                + "' expands to "
                + (count > MAX_STORED_ALTERNATIVES ? "more than " + MAX_STORED_ALTERNATIVES : count)
                + " alternatives (its {...} groups multiplied out), more than the limit of "
                + MAX_ALTERNATIVES
                + "; lease a broader glob or several smaller ones");
      }
    }
    return cached(relative, glob);
  }

  /**
   * Recreates a stored pattern as it was granted, even past today's limit on alternatives: an older
   * broker granted up to 256, and a lease that cannot be read could not expire either.
   */
  public static PathPattern stored(String relative, boolean glob) {
    Objects.requireNonNull(relative, "path");
    return cached(relative, glob);
  }

  private static PathPattern cached(String relative, boolean glob) {
    String key = (glob ? "g:" : "l:") + relative;
    PathPattern cached = CACHE.get(key);
    if (cached != null) {
      return cached;
    }
    PathPattern parsed = compile(relative, glob);
    synchronized (CACHE) {
      long states = parsed.weight();
      if (CACHE.size() >= CACHE_SIZE || cachedStates + states > CACHE_STATES) {
        CACHE.clear();
        cachedStates = 0;
      }
      if (CACHE.putIfAbsent(key, parsed) == null) {
        cachedStates += states;
      }
    }
    return parsed;
  }

  private static PathPattern compile(String relative, boolean glob) {
    String normal = normalize(relative);
    if (!glob) {
      return new PathPattern(normal, false, List.of(normal));
    }
    List<String> alternatives = new ArrayList<>();
    for (String alternative : expandBraces(normal)) {
      alternatives.add(normalize(alternative));
    }
    return new PathPattern(normal, true, List.copyOf(alternatives));
  }

  /** About the number of automaton states: the characters of every alternative. */
  private long weight() {
    long chars = 0;
    for (String a : alternatives) {
      chars += a.length() + 4;
    }
    return chars;
  }

  /** The automaton of every alternative and the coverage suffix. */
  Nfa nfa() {
    Nfa compiled = nfa;
    if (compiled == null) {
      compiled = glob ? Nfa.globs(alternatives) : Nfa.literal(text);
      nfa = compiled;
    }
    return compiled;
  }

  /** True when the text has a glob operator. */
  public static boolean looksLikeGlob(String text) {
    if (text.indexOf('*') >= 0 || text.indexOf('?') >= 0) {
      return true;
    }
    int open = text.indexOf('{');
    int close = open < 0 ? -1 : text.indexOf('}', open);
    return close > 0 && text.substring(open, close).indexOf(',') > 0;
  }

  public String text() {
    return text;
  }

  public boolean isGlob() {
    return glob;
  }

  /**
   * True when this pattern covers the concrete relative path (itself or an ancestor matches).
   *
   * <p>Not bounded like {@link #overlaps}: it steps every live automaton state over every
   * character, about 10–15 ms for a 1,023-character path against a worst 1,024-character glob. No
   * request path calls it (the broker asks {@code overlaps} of the path as a literal pattern);
   * tests use it as the plain definition to check {@code overlaps} against.
   */
  public boolean covers(String relativePath) {
    return nfa().accepts(normalize(relativePath));
  }

  /**
   * True when some path is covered by both patterns. Never false when such a path exists; true also
   * when deciding it would take more than {@value #MAX_PAIRS} steps (see the class comment).
   */
  public boolean overlaps(PathPattern other) {
    return nfa().intersect(other.nfa(), MAX_PAIRS) != Nfa.Intersection.DISJOINT;
  }

  /**
   * The normal form: {@code /} separators, no empty or {@code .} segments, no leading or trailing
   * {@code /}.
   *
   * @throws InvalidPatternException for {@code ..} segments, absolute or empty paths
   */
  static String normalize(String relative) {
    Objects.requireNonNull(relative, "path");
    if (relative.length() > MAX_LENGTH) {
      throw new InvalidPatternException(
          shown(relative),
          "path '"
              + shown(relative)
              + "' has "
              + relative.length()
              + " characters, more than the limit of "
              + MAX_LENGTH);
    }
    if (relative.startsWith("/")) {
      throw new InvalidPatternException(
          relative, "path '" + relative + "' is absolute; give it relative to the workspace root");
    }
    if (relative.indexOf('\0') >= 0) {
      throw new InvalidPatternException(relative, "path contains a NUL character");
    }
    List<String> segments = new ArrayList<>();
    for (String segment : relative.split("/")) {
      if (segment.isEmpty() || segment.equals(".")) {
        continue;
      }
      if (segment.equals("..")) {
        throw new InvalidPatternException(
            ErrorCode.PATH_OUTSIDE_WORKSPACE,
            relative,
            "path '" + relative + "' leaves the workspace ('..' is not allowed)");
      }
      segments.add(segment);
    }
    if (segments.isEmpty()) {
      throw new InvalidPatternException(
          relative,
          "path '" + relative + "' names the workspace itself; lease '**' to cover all of it");
    }
    return String.join("/", segments);
  }

  /**
   * How many alternatives the glob's {@code {...}} groups multiply out to, without expanding them;
   * counting stops past {@value #MAX_STORED_ALTERNATIVES}.
   */
  static long alternativesOf(String glob) {
    long count = 1;
    int from = 0;
    while (count <= MAX_STORED_ALTERNATIVES) {
      int open = glob.indexOf('{', from);
      int close = open < 0 ? -1 : glob.indexOf('}', open);
      if (close < 0) {
        return count;
      }
      String inside = glob.substring(open + 1, close);
      if (inside.indexOf('{') >= 0) {
        throw nested(glob);
      }
      count *= inside.chars().filter(c -> c == ',').count() + 1;
      from = close + 1;
    }
    return count;
  }

  /** {@code a{b,c}d{e,f}} becomes abde, abdf, acde, acdf. Nested groups are refused. */
  static List<String> expandBraces(String glob) {
    int open = glob.indexOf('{');
    if (open < 0) {
      return List.of(glob);
    }
    int close = glob.indexOf('}', open);
    if (close < 0) {
      return List.of(glob);
    }
    String inside = glob.substring(open + 1, close);
    if (inside.indexOf('{') >= 0) {
      throw nested(glob);
    }
    List<String> out = new ArrayList<>();
    for (String option : inside.split(",", -1)) {
      for (String rest : expandBraces(glob.substring(close + 1))) {
        out.add(glob.substring(0, open) + option + rest);
        if (out.size() > MAX_STORED_ALTERNATIVES) {
          throw new InvalidPatternException(
              shown(glob),
              "glob '"
                  + shown(glob)
                  + "' expands to more than "
                  + MAX_STORED_ALTERNATIVES
                  + " alternatives");
        }
      }
    }
    return out;
  }

  private static InvalidPatternException nested(String glob) {
    return new InvalidPatternException(
        shown(glob), "glob '" + shown(glob) + "' nests {...} groups; write the alternatives out");
  }

  /** The text for a message: a long one is cut, so that an error is not a kilobyte of glob. */
  private static String shown(String text) {
    return text.length() <= 80 ? text : text.substring(0, 60) + "...(" + text.length() + " chars)";
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof PathPattern p && p.text.equals(text) && p.glob == glob;
  }

  @Override
  public int hashCode() {
    return text.hashCode() * 31 + (glob ? 1 : 0);
  }

  @Override
  public String toString() {
    return text;
  }
}
