package dev.baton.leases;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.baton.events.internal.DefaultEventService;
import dev.baton.events.internal.EventBus;
import dev.baton.leases.internal.DefaultLeaseService;
import dev.baton.registry.InstanceService;
import dev.baton.registry.RegisterRequest;
import dev.baton.registry.RegistryConfig;
import dev.baton.registry.internal.DefaultInstanceService;
import dev.baton.server.GitPathResolver;
import dev.baton.server.GitWorkspaceResolver;
import dev.baton.store.Store;
import dev.baton.store.StoreConfig;
import dev.baton.store.internal.SqlStore;
import dev.baton.testing.GitRepos;
import dev.baton.testing.MutableClock;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.lifecycle.AfterProperty;
import net.jqwik.api.lifecycle.BeforeProperty;
import net.jqwik.api.statistics.Statistics;

/**
 * Random sequences of acquire, release, renew, clock moves and expiry sweeps against the real lease
 * service on a SQLite file. After every step a brute-force model over a generated file tree checks
 * that no path is covered by an exclusive lease of one instance and any lease of another, that
 * every grant's fencing token is larger than all earlier ones in the workspace, and that a request
 * of plain paths is refused only when it really clashes. One store per property, a fresh git
 * workspace per try.
 */
class LeaseExclusivityProperties {
  private static final List<String> NAMES = List.of("a", "b", "c.md");
  private static final List<String> GLOB_SEGMENTS =
      List.of("a", "b", "c.md", "*", "?", "**", "*.md", "{a,b}");
  private static final String[] ROLES = {"developer", "research", "reviewer"};

  /** Every path up to three segments deep over {@link #NAMES}: the brute-force model's world. */
  private static final List<String> TREE = tree();

  private Path base;
  private Path template;
  private Store store;
  private InstanceService instances;
  private DefaultLeaseService leases;
  private final MutableClock clock = MutableClock.at("2026-11-21T10:00:00Z");
  private final AtomicInteger tries = new AtomicInteger();

  // --- the operations ---------------------------------------------------------------------------

  sealed interface Op permits Acquire, Release, Renew, Advance, Sweep {}

  /** One instance asks for one or two paths or globs, without waiting. */
  record Acquire(int who, LeaseMode mode, List<String> patterns, Duration ttl) implements Op {}

  /** The holder of the {@code pick}-th live lease releases it. */
  record Release(int pick) implements Op {}

  /** The holder (or, when {@code byOther}, another instance) renews the {@code pick}-th lease. */
  record Renew(int pick, boolean byOther) implements Op {}

  record Advance(Duration by) implements Op {}

  /** The janitor's sweep. */
  record Sweep() implements Op {}

  @Provide
  Arbitrary<List<Op>> pathsAndGlobs() {
    Arbitrary<String> pattern =
        Arbitraries.frequencyOf(List.of(Tuple.of(1, plainPaths()), Tuple.of(1, globs())));
    return ops(pattern).list().ofMinSize(5).ofMaxSize(30);
  }

  @Provide
  Arbitrary<List<Op>> plainPathsOnly() {
    return ops(plainPaths()).list().ofMinSize(5).ofMaxSize(30);
  }

  /** Paths of the tree, shallow ones more often so that requests clash often enough. */
  private static Arbitrary<String> plainPaths() {
    return Arbitraries.frequencyOf(
        List.of(
            Tuple.of(3, Arbitraries.of(atDepth(1))),
            Tuple.of(3, Arbitraries.of(atDepth(2))),
            Tuple.of(2, Arbitraries.of(atDepth(3)))));
  }

  private static List<String> atDepth(int depth) {
    return TREE.stream().filter(p -> p.split("/").length == depth).toList();
  }

  private static Arbitrary<String> globs() {
    return Arbitraries.of(GLOB_SEGMENTS)
        .list()
        .ofMinSize(1)
        .ofMaxSize(3)
        .map(s -> String.join("/", s));
  }

  private static Arbitrary<Op> ops(Arbitrary<String> pattern) {
    Arbitrary<Op> acquire =
        Combinators.combine(
                Arbitraries.integers().between(0, 2),
                Arbitraries.of(LeaseMode.class),
                pattern.list().ofMinSize(1).ofMaxSize(2),
                Arbitraries.of(1L, 3L, 10L).map(Duration::ofMinutes))
            .as(Acquire::new);
    Arbitrary<Op> release = Arbitraries.integers().between(0, 20).map(Release::new);
    Arbitrary<Op> renew =
        Combinators.combine(Arbitraries.integers().between(0, 20), Arbitraries.of(false, true))
            .as(Renew::new);
    Arbitrary<Op> advance =
        Arbitraries.of(20L, 70L, 150L, 400L).map(s -> new Advance(Duration.ofSeconds(s)));
    Arbitrary<Op> sweep = Arbitraries.just(new Sweep());
    return Arbitraries.frequencyOf(
        List.of(
            Tuple.of(8, acquire),
            Tuple.of(3, release),
            Tuple.of(2, renew),
            Tuple.of(2, advance),
            Tuple.of(1, sweep)));
  }

  // --- the properties ---------------------------------------------------------------------------

  @Property(tries = 100)
  void exclusivityAndFencingHoldForPathsAndGlobs(@ForAll("pathsAndGlobs") List<Op> ops) {
    new Run().play(ops);
  }

  @Property(tries = 80)
  void plainPathsAreRefusedExactlyWhenTheyClash(@ForAll("plainPathsOnly") List<Op> ops) {
    new Run().play(ops);
  }

  /** One try: a fresh workspace with three instances, and what the model knows about it. */
  private final class Run {
    private final Path workspace;
    private final String[] ids = new String[3];
    private long lastToken;
    private final List<String> log = new ArrayList<>();
    private int grants;
    private int refusals;
    private int upgrades;

    Run() {
      int n = tries.incrementAndGet();
      workspace = copy(template, base.resolve("ws" + n));
      for (int i = 0; i < ids.length; i++) {
        ids[i] = "t" + n + "-" + i;
        instances.register(new RegisterRequest(ROLES[i], workspace.toString(), ids[i], "prop"));
      }
    }

    void play(List<Op> ops) {
      for (Op op : ops) {
        log.add(op.toString());
        List<Lease> before = live();
        if (op instanceof Acquire a) {
          acquire(a, before);
        } else if (op instanceof Release r && !before.isEmpty()) {
          Lease l = before.get(r.pick() % before.size());
          leases.release(l.id(), l.instance(), false);
          assertThat(live()).as(context()).doesNotContain(l);
        } else if (op instanceof Renew r && !before.isEmpty()) {
          renew(r, before.get(r.pick() % before.size()));
        } else if (op instanceof Advance a) {
          clock.advance(a.by());
        } else if (op instanceof Sweep) {
          for (Lease l : leases.expireOverdue()) {
            assertThat(l.expiresAt()).as(context()).isBeforeOrEqualTo(clock.instant());
          }
        }
        checkExclusivity(live());
      }
      Statistics.label("refusals").collect(refusals == 0 ? "none" : refusals < 4 ? "1-3" : "4+");
      Statistics.label("grants").collect(grants == 0 ? "none" : grants < 4 ? "1-3" : "4+");
      Statistics.label("upgrades").collect(upgrades > 0);
    }

    private List<Lease> live() {
      return leases.list(workspace.toString(), null);
    }

    private void acquire(Acquire a, List<Lease> before) {
      String who = ids[a.who()];
      AcquireRequest request =
          new AcquireRequest(who, a.patterns(), false, a.mode(), a.ttl(), null, "property");
      boolean compatible = model(before, who, a.mode(), a.patterns());
      boolean decidable =
          a.patterns().stream().noneMatch(PathPattern::looksLikeGlob)
              && before.stream()
                  .filter(l -> !l.instance().equals(who))
                  .noneMatch(l -> l.pattern().isGlob());
      List<Lease> granted;
      try {
        granted = leases.acquire(request).get(30, TimeUnit.SECONDS);
      } catch (ExecutionException e) {
        refused(a, who, before, compatible, decidable, e.getCause());
        return;
      } catch (Exception e) {
        throw new AssertionError(context() + ": no answer: " + e, e);
      }
      log.add("  granted " + describe(granted));
      grants++;
      for (Lease l : granted) {
        Optional<Lease> previous = before.stream().filter(b -> b.id().equals(l.id())).findFirst();
        boolean fresh =
            previous.isEmpty()
                || (previous.get().mode() == LeaseMode.SHARED && l.mode() == LeaseMode.EXCLUSIVE);
        if (previous.isPresent() && fresh) {
          upgrades++;
        }
        if (fresh) {
          assertThat(l.fencingToken())
              .as(context() + ": token of new grant " + l.id())
              .isGreaterThan(lastToken);
          lastToken = l.fencingToken();
        } else {
          assertThat(l.fencingToken())
              .as(context() + ": a renewal keeps its token")
              .isEqualTo(previous.get().fencingToken());
        }
        assertThat(l.instance()).isEqualTo(who);
        assertThat(l.expiresAt()).isEqualTo(clock.instant().plus(a.ttl()));
      }
    }

    private void refused(
        Acquire a,
        String who,
        List<Lease> before,
        boolean compatible,
        boolean decidable,
        Throwable cause) {
      log.add("  refused: " + cause.getMessage());
      refusals++;
      assertThat(cause).as(context()).isInstanceOf(LeaseConflictException.class);
      LeaseConflictException e = (LeaseConflictException) cause;
      assertThat(e.holders()).as(context()).isNotEmpty();
      for (Holder h : e.holders()) {
        assertThat(h.lease().instance()).as(context()).isNotEqualTo(who);
        assertThat(before).as(context() + ": a holder is a live lease").contains(h.lease());
        assertThat(h.lease().mode().clashesWith(a.mode())).as(context()).isTrue();
      }
      if (decidable) {
        assertThat(compatible)
            .as(context() + ": refused although no live lease clashes on any path")
            .isFalse();
      }
      assertThat(live()).as(context() + ": all or nothing").isEqualTo(before);
    }

    private void renew(Renew r, Lease l) {
      if (r.byOther()) {
        String other = ids[(List.of(ids).indexOf(l.instance()) + 1) % ids.length];
        assertThatThrownBy(() -> leases.renew(l.id(), other, null))
            .as(context())
            .isInstanceOf(LeaseNotHeldException.class);
        assertThat(leases.get(l.id())).as(context()).isEqualTo(l);
        return;
      }
      Lease renewed = leases.renew(l.id(), l.instance(), null);
      assertThat(renewed.fencingToken()).as(context()).isEqualTo(l.fencingToken());
      assertThat(renewed.expiresAt()).as(context()).isEqualTo(clock.instant().plus(l.ttl()));
    }

    /** No path of the tree is covered by an exclusive lease of one instance and any of another. */
    private void checkExclusivity(List<Lease> live) {
      for (String path : TREE) {
        List<Lease> covering =
            live.stream()
                .filter(l -> coverage(l.pattern().text()).matcher(path).matches())
                .toList();
        for (Lease x : covering) {
          for (Lease y : covering) {
            if (!x.instance().equals(y.instance()) && x.mode() == LeaseMode.EXCLUSIVE) {
              throw new AssertionError(
                  context()
                      + ": "
                      + path
                      + " is covered by "
                      + describe(List.of(x))
                      + " and "
                      + describe(List.of(y)));
            }
          }
        }
      }
    }

    private String context() {
      return "workspace " + workspace.getFileName() + " after\n  " + String.join("\n  ", log);
    }
  }

  /**
   * True when granting the patterns to {@code who} in {@code mode} leaves no path of the tree
   * covered by a clashing pair.
   */
  private static boolean model(List<Lease> live, String who, LeaseMode mode, List<String> asked) {
    for (String p : asked) {
      Pattern mine = coverage(p);
      for (Lease l : live) {
        if (l.instance().equals(who) || !l.mode().clashesWith(mode)) {
          continue;
        }
        Pattern theirs = coverage(l.pattern().text());
        for (String path : TREE) {
          if (mine.matcher(path).matches() && theirs.matcher(path).matches()) {
            return false;
          }
        }
      }
    }
    return true;
  }

  /** What a path or glob covers, by the model independent of the automata. */
  private static Pattern coverage(String pattern) {
    return PathPatternProperties.model(pattern);
  }

  private static String describe(List<Lease> ls) {
    List<String> out = new ArrayList<>();
    for (Lease l : ls) {
      out.add(
          l.id()
              + " "
              + l.pattern().text()
              + " "
              + l.mode().wireName()
              + " by "
              + l.instance()
              + " token "
              + l.fencingToken()
              + " until "
              + l.expiresAt());
    }
    return String.join(", ", out);
  }

  private static List<String> tree() {
    List<String> out = new ArrayList<>();
    List<String> level = List.of("");
    for (int depth = 1; depth <= 3; depth++) {
      List<String> next = new ArrayList<>();
      for (String parent : level) {
        for (String name : NAMES) {
          next.add(parent.isEmpty() ? name : parent + "/" + name);
        }
      }
      out.addAll(next);
      level = next;
    }
    return List.copyOf(out);
  }

  /** A copy of a git repository is a repository of its own: cheaper than three git commands. */
  private static Path copy(Path from, Path to) {
    try (Stream<Path> walk = Files.walk(from)) {
      for (Path p : (Iterable<Path>) walk::iterator) {
        Files.copy(p, to.resolve(from.relativize(p).toString()));
      }
      return to.toRealPath();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  // --- one store per property -------------------------------------------------------------------

  @BeforeProperty
  void open() throws IOException {
    base = Files.createTempDirectory("baton-lease-props-").toRealPath();
    template = GitRepos.create(base.resolve("template"));
    EventBus bus = new EventBus();
    store =
        SqlStore.open(
            StoreConfig.sqlite(base.resolve("baton.db"), 2),
            clock,
            bus::publish,
            new PrometheusRegistry());
    instances =
        new DefaultInstanceService(
            store.instances(),
            new GitWorkspaceResolver(),
            new RegistryConfig(
                Duration.ofDays(365),
                Duration.ofDays(1),
                Duration.ofSeconds(1),
                RegistryConfig.BUILT_IN_ROLES),
            clock);
    leases =
        new DefaultLeaseService(
            store.leases(),
            instances,
            new GitWorkspaceResolver(),
            new GitPathResolver(),
            LeaseConfig.defaults(),
            clock,
            new DefaultEventService(store.events(), bus));
  }

  @AfterProperty
  void close() throws IOException {
    if (leases != null) {
      leases.close();
    }
    if (store != null) {
      store.close();
    }
    if (base != null) {
      try (Stream<Path> walk = Files.walk(base)) {
        walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }
}
