package dev.baton.leases;

import java.util.Arrays;
import java.util.BitSet;
import java.util.List;

/**
 * A nondeterministic automaton over characters for a glob (the union of its brace alternatives) or
 * a literal path, plus the coverage suffix ({@code ""} or {@code "/"} followed by anything). Edge
 * labels are one character, any character but {@code /}, or any character; two labels intersect
 * when some character satisfies both, which makes the product construction in {@link #intersect}
 * exact. Stored as flat arrays, because the product search touches every edge of every pair it
 * visits. Immutable, thread-safe.
 */
final class Nfa {
  private static final int ANY_BUT_SLASH = -1;
  private static final int ANY = -2;

  /** What {@link #intersect} found out within its budget. */
  enum Intersection {
    /** Some string is accepted by both. */
    COMMON,
    /** No string is accepted by both: every reachable pair of states was visited. */
    DISJOINT,
    /** The budget of state pairs ran out before either was certain. */
    UNDECIDED
  }

  /** Character edges of state {@code s}: indexes {@code edgeStart[s]} to {@code edgeStart[s+1]}. */
  private final int[] edgeStart;

  private final int[] edgeLabel;
  private final int[] edgeTarget;

  /** Epsilon edges, laid out like the character edges. */
  private final int[] epsStart;

  private final int[] epsTarget;
  private final int start;
  private final int accept;

  private Nfa(Builder b) {
    int n = b.states;
    edgeStart = offsets(b.edgeFrom, b.edges, n);
    edgeLabel = new int[b.edges];
    edgeTarget = new int[b.edges];
    int[] next = edgeStart.clone();
    for (int i = 0; i < b.edges; i++) {
      int slot = next[b.edgeFrom[i]]++;
      edgeLabel[slot] = b.edgeLabel[i];
      edgeTarget[slot] = b.edgeTo[i];
    }
    epsStart = offsets(b.epsFrom, b.eps, n);
    epsTarget = new int[b.eps];
    next = epsStart.clone();
    for (int i = 0; i < b.eps; i++) {
      epsTarget[next[b.epsFrom[i]]++] = b.epsTo[i];
    }
    start = b.start;
    accept = b.accept;
  }

  /** Where each state's edges begin once they are grouped by state (a counting sort). */
  private static int[] offsets(int[] from, int count, int states) {
    int[] starts = new int[states + 1];
    for (int i = 0; i < count; i++) {
      starts[from[i] + 1]++;
    }
    for (int s = 0; s < states; s++) {
      starts[s + 1] += starts[s];
    }
    return starts;
  }

  /** The number of states; what a cache of automata weighs. */
  int size() {
    return edgeStart.length - 1;
  }

  static Nfa literal(String path) {
    Builder b = new Builder();
    int s = b.start;
    for (int i = 0; i < path.length(); i++) {
      s = b.step(s, path.charAt(i));
    }
    return b.finish(s);
  }

  /** One automaton for several globs (the alternatives of braces), in normal form each. */
  static Nfa globs(List<String> alternatives) {
    Builder b = new Builder();
    if (alternatives.size() == 1) {
      return b.finish(b.glob(b.start, alternatives.get(0)));
    }
    int end = b.state();
    for (String alternative : alternatives) {
      int first = b.state();
      b.eps(b.start, first);
      b.eps(b.glob(first, alternative), end);
    }
    return b.finish(end);
  }

  /** Simulates the automaton on a concrete path. */
  boolean accepts(String path) {
    BitSet current = closure(new BitSet(), start);
    for (int i = 0; i < path.length() && !current.isEmpty(); i++) {
      char c = path.charAt(i);
      BitSet next = new BitSet();
      for (int s = current.nextSetBit(0); s >= 0; s = current.nextSetBit(s + 1)) {
        for (int e = edgeStart[s]; e < edgeStart[s + 1]; e++) {
          if (matches(edgeLabel[e], c)) {
            closure(next, edgeTarget[e]);
          }
        }
      }
      current = next;
    }
    return current.get(accept);
  }

  /**
   * Whether some string is accepted by both automata: a depth-first search of the product automaton
   * in which each pair of states is visited at most once, and at most {@code maxPairs} pairs in
   * all. So the work is bounded by {@code maxPairs} times the edges of two states, however long or
   * wild the globs are; past the budget the answer is {@link Intersection#UNDECIDED}.
   */
  Intersection intersect(Nfa other, int maxPairs) {
    PairSet seen = new PairSet();
    long[] stack = new long[64];
    int top = 0;
    seen.add(start, other.start);
    stack[top++] = pair(start, other.start);
    while (top > 0) {
      long pair = stack[--top];
      int p = (int) (pair >>> 32);
      int q = (int) pair;
      if (p == accept && q == other.accept) {
        return Intersection.COMMON;
      }
      if (seen.size() > maxPairs) {
        return Intersection.UNDECIDED;
      }
      for (int e = epsStart[p]; e < epsStart[p + 1]; e++) {
        top = push(seen, stack, top, epsTarget[e], q);
        stack = grown(stack, top);
      }
      for (int f = other.epsStart[q]; f < other.epsStart[q + 1]; f++) {
        top = push(seen, stack, top, p, other.epsTarget[f]);
        stack = grown(stack, top);
      }
      for (int e = edgeStart[p]; e < edgeStart[p + 1]; e++) {
        int a = edgeLabel[e];
        for (int f = other.edgeStart[q]; f < other.edgeStart[q + 1]; f++) {
          if (labelsIntersect(a, other.edgeLabel[f])) {
            top = push(seen, stack, top, edgeTarget[e], other.edgeTarget[f]);
            stack = grown(stack, top);
          }
        }
      }
    }
    return Intersection.DISJOINT;
  }

  private static long pair(int p, int q) {
    return ((long) p << 32) | (q & 0xffffffffL);
  }

  private static int push(PairSet seen, long[] stack, int top, int p, int q) {
    if (!seen.add(p, q)) {
      return top;
    }
    stack[top] = pair(p, q);
    return top + 1;
  }

  /** The stack with room for one more pair. */
  private static long[] grown(long[] stack, int top) {
    return top < stack.length ? stack : Arrays.copyOf(stack, stack.length * 2);
  }

  private BitSet closure(BitSet into, int state) {
    if (into.get(state)) {
      return into;
    }
    into.set(state);
    for (int e = epsStart[state]; e < epsStart[state + 1]; e++) {
      closure(into, epsTarget[e]);
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

  /**
   * A set of state pairs: open addressing over {@code long}s, because a boxed set cost more than
   * the search itself. Grows as it fills.
   */
  private static final class PairSet {
    private long[] slots = new long[256];
    private int size;

    int size() {
      return size;
    }

    /** Adds the pair; false when it was there. */
    boolean add(int p, int q) {
      if (2 * (size + 1) > slots.length) {
        rehash();
      }
      return insert(slots, pair(p, q) + 1); // 0 marks a free slot
    }

    private boolean insert(long[] table, long key) {
      int mask = table.length - 1;
      int i = (int) ((key * 0x9E3779B97F4A7C15L) >>> 40) & mask;
      while (table[i] != 0) {
        if (table[i] == key) {
          return false;
        }
        i = (i + 1) & mask;
      }
      table[i] = key;
      size++;
      return true;
    }

    private void rehash() {
      long[] old = slots;
      slots = new long[old.length * 2];
      size = 0;
      for (long key : old) {
        if (key != 0) {
          insert(slots, key);
        }
      }
    }
  }

  /** Collects states and edges in growing arrays; {@link Nfa} groups them by state. */
  private static final class Builder {
    int states;
    int[] edgeFrom = new int[32];
    int[] edgeLabel = new int[32];
    int[] edgeTo = new int[32];
    int edges;
    int[] epsFrom = new int[16];
    int[] epsTo = new int[16];
    int eps;
    final int start = state();
    int accept;

    int state() {
      return states++;
    }

    void edge(int from, int label, int to) {
      if (edges == edgeFrom.length) {
        edgeFrom = Arrays.copyOf(edgeFrom, edges * 2);
        edgeLabel = Arrays.copyOf(edgeLabel, edges * 2);
        edgeTo = Arrays.copyOf(edgeTo, edges * 2);
      }
      edgeFrom[edges] = from;
      edgeLabel[edges] = label;
      edgeTo[edges++] = to;
    }

    void eps(int from, int to) {
      if (eps == epsFrom.length) {
        epsFrom = Arrays.copyOf(epsFrom, eps * 2);
        epsTo = Arrays.copyOf(epsTo, eps * 2);
      }
      epsFrom[eps] = from;
      epsTo[eps++] = to;
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

    /** The states of one glob (normal form, no braces) from {@code s}; returns where it ends. */
    int glob(int s, String glob) {
      String[] segments = glob.split("/");
      for (int i = 0; i < segments.length; i++) {
        boolean last = i == segments.length - 1;
        String segment = segments[i];
        if (segment.equals("**")) {
          if (last) {
            // "a/**": something beneath (the separator was consumed already); alone: anything.
            s = loop(s, ANY, i == 0);
          } else {
            // "**/" : zero or more whole segments, each followed by '/'.
            int after = state();
            eps(s, after);
            int inside = state();
            edge(s, ANY, inside);
            edge(inside, ANY, inside);
            edge(inside, '/', after);
            s = after;
          }
          continue;
        }
        for (int k = 0; k < segment.length(); k++) {
          char c = segment.charAt(k);
          if (c == '*') {
            if (k == 0 || segment.charAt(k - 1) != '*') { // "a**b" is "a*b": one loop, not many
              s = loop(s, ANY_BUT_SLASH, false);
            }
          } else if (c == '?') {
            s = step(s, ANY_BUT_SLASH);
          } else {
            s = step(s, c);
          }
        }
        if (!last) {
          s = step(s, '/');
        }
      }
      return s;
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
