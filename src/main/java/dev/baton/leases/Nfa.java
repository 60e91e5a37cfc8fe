package dev.baton.leases;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A nondeterministic automaton over characters for one glob alternative plus its coverage suffix
 * ({@code ""} or {@code "/"} followed by anything). Edge labels are one character, any character
 * but {@code /}, or any character; two labels intersect when some character satisfies both, which
 * makes the product construction in {@link #intersects} exact. Immutable, thread-safe.
 */
final class Nfa {
  private static final int ANY_BUT_SLASH = -1;
  private static final int ANY = -2;

  /** Edges per state: label (a char, or one of the two classes) and target. */
  private final List<int[]>[] edges;

  private final List<Integer>[] epsilon;
  private final int start;
  private final int accept;

  private Nfa(Builder b) {
    this.edges = b.edges.toArray(newArray(0));
    this.epsilon = b.epsilon.toArray(newArray(0));
    this.start = b.start;
    this.accept = b.accept;
  }

  @SuppressWarnings("unchecked")
  private static <T> List<T>[] newArray(int n) {
    return (List<T>[]) new List<?>[n];
  }

  static Nfa literal(String path) {
    Builder b = new Builder();
    int s = b.start;
    for (int i = 0; i < path.length(); i++) {
      s = b.step(s, path.charAt(i));
    }
    return b.finish(s);
  }

  static Nfa glob(String glob) {
    Builder b = new Builder();
    int s = b.start;
    String[] segments = glob.split("/");
    for (int i = 0; i < segments.length; i++) {
      boolean last = i == segments.length - 1;
      String segment = segments[i];
      if (segment.equals("**")) {
        if (last) {
          // "a/**": something beneath (the separator was consumed already); alone: anything.
          s = b.loop(s, ANY, i == 0);
        } else {
          // "**/" : zero or more whole segments, each followed by '/'.
          int after = b.state();
          b.eps(s, after);
          int inside = b.state();
          b.edge(s, ANY, inside);
          b.edge(inside, ANY, inside);
          b.edge(inside, '/', after);
          s = after;
        }
        continue;
      }
      for (int k = 0; k < segment.length(); k++) {
        char c = segment.charAt(k);
        if (c == '*') {
          s = b.loop(s, ANY_BUT_SLASH, false);
        } else if (c == '?') {
          int next = b.state();
          b.edge(s, ANY_BUT_SLASH, next);
          s = next;
        } else {
          s = b.step(s, c);
        }
      }
      if (!last) {
        s = b.step(s, '/');
      }
    }
    return b.finish(s);
  }

  /** Simulates the automaton on a concrete path. */
  boolean accepts(String path) {
    BitSet current = closure(new BitSet(), start);
    for (int i = 0; i < path.length() && !current.isEmpty(); i++) {
      char c = path.charAt(i);
      BitSet next = new BitSet();
      for (int s = current.nextSetBit(0); s >= 0; s = current.nextSetBit(s + 1)) {
        for (int[] e : edges[s]) {
          if (matches(e[0], c)) {
            closure(next, e[1]);
          }
        }
      }
      current = next;
    }
    return current.get(accept);
  }

  /** True when some string is accepted by both automata (product construction, breadth first). */
  boolean intersects(Nfa other) {
    Set<Long> seen = new HashSet<>();
    Deque<long[]> queue = new ArrayDeque<>();
    visit(seen, queue, start, other.start);
    while (!queue.isEmpty()) {
      long[] pair = queue.poll();
      int p = (int) pair[0];
      int q = (int) pair[1];
      if (p == accept && q == other.accept) {
        return true;
      }
      for (int p2 : epsilon[p]) {
        visit(seen, queue, p2, q);
      }
      for (int q2 : other.epsilon[q]) {
        visit(seen, queue, p, q2);
      }
      for (int[] a : edges[p]) {
        for (int[] b : other.edges[q]) {
          if (labelsIntersect(a[0], b[0])) {
            visit(seen, queue, a[1], b[1]);
          }
        }
      }
    }
    return false;
  }

  private static void visit(Set<Long> seen, Deque<long[]> queue, int p, int q) {
    if (seen.add(((long) p << 32) | (q & 0xffffffffL))) {
      queue.add(new long[] {p, q});
    }
  }

  private BitSet closure(BitSet into, int state) {
    if (into.get(state)) {
      return into;
    }
    into.set(state);
    for (int next : epsilon[state]) {
      closure(into, next);
    }
    return into;
  }

  private static boolean matches(int label, char c) {
    return label == ANY || (label == ANY_BUT_SLASH && c != '/') || label == c;
  }

  private static boolean labelsIntersect(int a, int b) {
    if (a >= 0 && b >= 0) {
      return a == b;
    }
    if (a >= 0) {
      return matches(b, (char) a);
    }
    if (b >= 0) {
      return matches(a, (char) b);
    }
    return true;
  }

  private static final class Builder {
    final List<List<int[]>> edges = new ArrayList<>();
    final List<List<Integer>> epsilon = new ArrayList<>();
    final int start = state();
    int accept;

    int state() {
      edges.add(new ArrayList<>());
      epsilon.add(new ArrayList<>());
      return edges.size() - 1;
    }

    void edge(int from, int label, int to) {
      edges.get(from).add(new int[] {label, to});
    }

    void eps(int from, int to) {
      epsilon.get(from).add(to);
    }

    int step(int from, int label) {
      int to = state();
      edge(from, label, to);
      return to;
    }

    /** Zero or more (or, when {@code atLeastOne}, one or more) characters of a class. */
    int loop(int from, int label, boolean atLeastOne) {
      int to = state();
      if (!atLeastOne) {
        eps(from, to);
      }
      edge(from, label, to);
      edge(to, label, to);
      return to;
    }

    /** Adds the coverage suffix: the match itself, or it followed by '/' and anything. */
    Nfa finish(int end) {
      accept = state();
      eps(end, accept);
      int beneath = state();
      edge(end, '/', beneath);
      edge(beneath, ANY, beneath);
      eps(beneath, accept);
      return new Nfa(this);
    }
  }
}
