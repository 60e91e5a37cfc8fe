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
 * <p>{@link #overlaps} decides exactly whether two patterns cover a common path (an emptiness test
 * of the intersection of two automata), so an overlap is never missed. Immutable, thread-safe.
 */
public final class PathPattern {
  private static final int MAX_LENGTH = 1024;
  private static final int MAX_ALTERNATIVES = 256;
  private static final int CACHE_SIZE = 4096;

  /**
   * Parsed patterns by text: every lease transaction re-reads the workspace's leases, and compiling
   * their automata again each time cost more than the SQL. Bounded by clearing it when full.
   */
  private static final Map<String, PathPattern> CACHE = new ConcurrentHashMap<>();

  private final String text;
  private final boolean glob;
  private final List<Nfa> alternatives;

  private PathPattern(String text, boolean glob, List<Nfa> alternatives) {
    this.text = text;
    this.glob = glob;
    this.alternatives = alternatives;
  }

  /**
   * Parses a relative path or glob; it is a glob when it contains {@code *}, {@code ?} or a {@code
   * {a,b}} group.
   *
   * @throws InvalidPatternException when it is empty, too long, absolute, or has a {@code ..}
   *     segment
   */
  public static PathPattern parse(String relative) {
    return of(relative, looksLikeGlob(relative));
  }

  /** A relative path taken literally: {@code *}, {@code ?} and braces are ordinary characters. */
  public static PathPattern literal(String relative) {
    return of(relative, false);
  }

  /** Recreates a stored pattern. */
  public static PathPattern of(String relative, boolean glob) {
    Objects.requireNonNull(relative, "path");
    String key = (glob ? "g:" : "l:") + relative;
    PathPattern cached = CACHE.get(key);
    if (cached != null) {
      return cached;
    }
    PathPattern parsed = compile(relative, glob);
    if (CACHE.size() >= CACHE_SIZE) {
      CACHE.clear();
    }
    CACHE.put(key, parsed);
    return parsed;
  }

  private static PathPattern compile(String relative, boolean glob) {
    String normal = normalize(relative);
    List<Nfa> nfas = new ArrayList<>();
    if (glob) {
      for (String alternative : expandBraces(normal)) {
        nfas.add(Nfa.glob(normalize(alternative)));
      }
    } else {
      nfas.add(Nfa.literal(normal));
    }
    return new PathPattern(normal, glob, List.copyOf(nfas));
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

  /** True when this pattern covers the concrete relative path (itself or an ancestor matches). */
  public boolean covers(String relativePath) {
    String path = normalize(relativePath);
    for (Nfa nfa : alternatives) {
      if (nfa.accepts(path)) {
        return true;
      }
    }
    return false;
  }

  /** True when some path is covered by both patterns. Never false when such a path exists. */
  public boolean overlaps(PathPattern other) {
    for (Nfa a : alternatives) {
      for (Nfa b : other.alternatives) {
        if (a.intersects(b)) {
          return true;
        }
      }
    }
    return false;
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
          relative.substring(0, 40) + "...",
          "path of " + relative.length() + " characters is longer than " + MAX_LENGTH);
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
      throw new InvalidPatternException(
          glob, "glob '" + glob + "' nests {...} groups; write the alternatives out");
    }
    List<String> out = new ArrayList<>();
    for (String option : inside.split(",", -1)) {
      for (String rest : expandBraces(glob.substring(close + 1))) {
        out.add(glob.substring(0, open) + option + rest);
        if (out.size() > MAX_ALTERNATIVES) {
          throw new InvalidPatternException(
              glob,
              "glob '" + glob + "' expands to more than " + MAX_ALTERNATIVES + " alternatives");
        }
      }
    }
    return out;
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
