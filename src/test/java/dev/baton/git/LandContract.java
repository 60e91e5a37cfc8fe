package dev.baton.git;

import static dev.baton.testing.GitRepos.git;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.baton.core.InvalidInputException;
import dev.baton.events.Event;
import dev.baton.events.NewEvent;
import dev.baton.registry.RegisterRequest;
import dev.baton.store.Store;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Landing through the real service over a real store and real git repositories: instances in their
 * own worktrees land in order, conflicts name the files and who landed them, the base checked out
 * in the main worktree is fast-forwarded or refused, the land-check guards the base, the agent's
 * branch follows the landed commits, and a land cut short by a stopping broker completes after.
 * Subclassed once per backend.
 */
public abstract class LandContract extends LandFixture {
  @Test
  void twoInstancesLandTheirCommitsOneAfterTheOtherAndTheBaseStaysLinear() throws Exception {
    git(repo, "checkout", "-q", "--detach"); // main is checked out nowhere: moved by update-ref
    Path a = agent("dev-a");
    Path b = agent("dev-b");
    commit(a, "a.txt", "from a\n");
    commit(b, "b.txt", "from b\n");

    Land first = lands.land(new LandRequest("dev-a", "main"));
    Land second = lands.land(new LandRequest("dev-b", "main"));
    assertThat(first.status()).isEqualTo(LandStatus.QUEUED);
    Land la = landed(first);
    Land lb = landed(second);

    assertThat(la.status()).isEqualTo(LandStatus.LANDED);
    assertThat(lb.status()).isEqualTo(LandStatus.LANDED);
    assertThat(lb.oldBase()).isEqualTo(la.newHead());
    assertThat(head(repo, "main")).isEqualTo(lb.newHead());
    assertThat(subjects("main")).containsExactly("change b.txt", "change a.txt", "init");
    assertThat(git(repo, "rev-list", "--merges", "main")).isBlank();
    assertThat(la.files()).containsExactly("a.txt");
    assertThat(Files.list(dir.resolve("data/lands")).toList()).isEmpty();
    assertThat(git(repo, "worktree", "list")).doesNotContain("land-");
    List<String> types =
        published.stream()
            .filter(e -> "dev-b".equals(e.instance()) && e.type().startsWith("land."))
            .map(Event::type)
            .toList();
    assertThat(types).containsExactly(LandEvents.QUEUED, LandEvents.STARTED, LandEvents.LANDED);
    assertThat(lands.list(repo.toString(), null, 10))
        .extracting(Land::id)
        .containsExactly(la.id(), lb.id());
  }

  @Test
  void aConflictNamesTheFilesAndWhoLandedThemLastAndLeavesTheBaseAlone() throws Exception {
    Path a = agent("dev-a");
    Path b = agent("dev-b");
    commit(a, "src/app.py", "print('a')\n");
    commit(b, "src/app.py", "print('b')\n");
    assertThat(land("dev-a").status()).isEqualTo(LandStatus.LANDED);
    String before = head(repo, "main");

    Land c = land("dev-b");

    assertThat(c.status()).isEqualTo(LandStatus.CONFLICTED);
    assertThat(c.conflicts()).containsExactly(new LandConflict("src/app.py", "dev-a"));
    assertThat(c.error()).contains("src/app.py", "git rebase main");
    assertThat(head(repo, "main")).isEqualTo(before);
    assertThat(git(repo, "status", "--porcelain")).isBlank();
    assertThat(git(repo, "worktree", "list")).doesNotContain("land-");
    assertThat(published)
        .anySatisfy(
            e -> {
              assertThat(e.type()).isEqualTo(LandEvents.CONFLICTED);
              assertThat(e.instance()).isEqualTo("dev-b");
              assertThat(e.data().toString()).contains("src/app.py", "dev-a");
            });
  }

  @Test
  void aBaseCheckedOutCleanInTheMainWorktreeIsFastForwardedThere() throws Exception {
    Path a = agent("dev-a");
    commit(a, "docs/a.md", "# a\n");

    Land l = land("dev-a");

    assertThat(l.status()).isEqualTo(LandStatus.LANDED);
    assertThat(head(repo, "HEAD")).isEqualTo(l.newHead());
    assertThat(Files.readString(repo.resolve("docs/a.md"))).isEqualTo("# a\n");
    assertThat(git(repo, "status", "--porcelain")).isBlank();
  }

  @Test
  void aBaseCheckedOutWithUncommittedChangesIsRefusedNamingTheFiles() throws Exception {
    Path a = agent("dev-a");
    commit(a, "docs/a.md", "# a\n");
    write(repo, "src/app.py", "print('edited by a human')\n");
    String before = head(repo, "main");

    Land l = land("dev-a");

    assertThat(l.status()).isEqualTo(LandStatus.FAILED);
    assertThat(l.error())
        .contains("main is checked out in " + repo, "src/app.py", "commit or stash");
    assertThat(head(repo, "main")).isEqualTo(before);
    assertThat(Files.readString(repo.resolve("src/app.py"))).contains("edited by a human");
  }

  @Test
  void aFailingLandCheckFailsTheLandWithItsOutputAndLeavesTheBaseAlone() throws Exception {
    reopen("echo checking $(ls a.txt); echo 'tests broke' >&2; exit 7");
    Path a = agent("dev-a");
    commit(a, "a.txt", "a\n");
    String before = head(repo, "main");

    Land l = land("dev-a");

    assertThat(l.status()).isEqualTo(LandStatus.FAILED);
    assertThat(l.error()).contains("exit 7", "checking a.txt", "tests broke");
    assertThat(head(repo, "main")).isEqualTo(before);
    assertThat(published).anyMatch(e -> e.type().equals(LandEvents.FAILED));
  }

  @Test
  void aPassingLandCheckRunsInTheRebasedTree() throws Exception {
    Path b = agent("dev-b");
    Path a = agent("dev-a");
    commit(b, "b.txt", "b\n");
    assertThat(land("dev-b").status()).isEqualTo(LandStatus.LANDED);
    reopen("test -f a.txt && test -f b.txt");
    commit(a, "a.txt", "a\n");

    assertThat(land("dev-a").status()).isEqualTo(LandStatus.LANDED);
  }

  @Test
  void theAgentsBranchIsResetToTheLandedCommitsUnlessItHasUncommittedWork() throws Exception {
    Path a = agent("dev-a");
    Path b = agent("dev-b");
    commit(a, "a.txt", "a\n");
    commit(b, "b.txt", "b\n");
    write(b, "b.txt", "half done\n");
    assertThat(land("dev-a").status()).isEqualTo(LandStatus.LANDED);
    String bBefore = head(b, "HEAD");

    Land lb = land("dev-b");

    assertThat(lb.status()).isEqualTo(LandStatus.LANDED);
    assertThat(lb.note()).contains("left instance/dev-b", "uncommitted changes in b.txt");
    assertThat(head(b, "HEAD")).isEqualTo(bBefore);
    assertThat(Files.readString(b.resolve("b.txt"))).isEqualTo("half done\n");
    Land la = lands.list(null, "dev-a", 1).get(0);
    assertThat(la.note()).contains("instance/dev-a is at the landed commits");
    assertThat(head(a, "HEAD")).isEqualTo(la.newHead());

    commit(a, "a2.txt", "more\n");
    Land again = land("dev-a");
    assertThat(again.status()).isEqualTo(LandStatus.LANDED);
    assertThat(again.note()).contains("reset instance/dev-a in " + a);
    assertThat(git(a, "status", "--porcelain")).isBlank();
    assertThat(git(repo, "log", "--format=%s", "main").strip().split("\n"))
        .containsExactly("change a2.txt", "change b.txt", "change a.txt", "init");
    assertThat(head(a, "HEAD")).isEqualTo(head(repo, "main"));
  }

  @Test
  void aBranchThatMovedOnWhileLandingIsLeftWhereItIs() throws Exception {
    Path started = dir.resolve("check-started");
    Path go = dir.resolve("go");
    reopen("touch " + started + "; while [ ! -f " + go + " ]; do sleep 0.05; done");
    Path a = agent("dev-a");
    Path b = agent("dev-b");
    commit(b, "b.txt", "b\n");
    reopen(null);
    assertThat(land("dev-b").status()).isEqualTo(LandStatus.LANDED);
    reopen("touch " + started + "; while [ ! -f " + go + " ]; do sleep 0.05; done");
    commit(a, "a.txt", "a\n");
    Land queued = lands.land(new LandRequest("dev-a", null));
    await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(started));
    String newer = commit(a, "a2.txt", "newer work\n");
    Files.writeString(go, "");

    Land l = landed(queued);

    assertThat(l.status()).isEqualTo(LandStatus.LANDED);
    assertThat(l.note()).contains("left instance/dev-a", "commits newer than the ones that landed");
    assertThat(head(a, "HEAD")).isEqualTo(newer);
    assertThat(subjects("main")).containsExactly("change a.txt", "change b.txt", "init");
  }

  @Test
  void aLandCutShortByAStoppingBrokerCompletesAfterTheRestart() throws Exception {
    Path marker = dir.resolve("check-started");
    reopen("touch " + marker + "; sleep 60");
    Path a = agent("dev-a");
    commit(a, "a.txt", "a\n");
    Land queued = lands.land(new LandRequest("dev-a", null));
    await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(marker));
    String before = head(repo, "main");

    reopen(null);
    assertThat(lands.get(queued.id()).status()).isEqualTo(LandStatus.STARTED);
    assertThat(head(repo, "main")).isEqualTo(before);
    lands.resumeUnfinished();

    Land l = landed(queued);
    assertThat(l.status()).isEqualTo(LandStatus.LANDED);
    assertThat(head(repo, "main")).isEqualTo(l.newHead());
    assertThat(subjects("main")).containsExactly("change a.txt", "init");
  }

  /** A land of another machine is never taken up here: its repository is on that machine. */
  @Test
  void unfinishedLandsAreTakenUpOnlyOnTheirOwnMachine() {
    Land mine = queue(store(), HOST);
    Land theirs = queue(store(), "another-machine");

    assertThat(store().lands().claimUnfinished(HOST))
        .extracting(Land::id)
        .containsExactly(mine.id());
    assertThat(store().lands().claimUnfinished("another-machine"))
        .extracting(Land::id)
        .containsExactly(theirs.id());
  }

  /** A land queued for dev-a through {@code on}, as run on the machine {@code host}. */
  protected Land queue(Store on, String host) {
    return on.lands()
        .insert(
            Land.queued(repo, "dev-a", "instance/dev-a", "main", null, Instant.now()),
            host,
            l -> new NewEvent(LandEvents.QUEUED, repo.toString(), "dev-a", Map.of("land", l.id())));
  }

  @Test
  void landsQueuedBehindAConflictLandInACleanScratchWorktreeAndNoneIsLeftAfter() throws Exception {
    Path started = dir.resolve("check-started");
    Path go = dir.resolve("go");
    // each check leaves a file behind and fails if it finds one: a check's tree must be fresh
    reopen(
        "touch "
            + started
            + "; test ! -e left-by-check && touch left-by-check"
            + " && while [ ! -f "
            + go
            + " ]; do sleep 0.05; done");
    Path a = agent("dev-a");
    Path b = agent("dev-b");
    Path c = agent("dev-c");
    commit(a, "src/app.py", "print('a')\n");
    commit(b, "src/app.py", "print('b')\n");
    commit(c, "c.txt", "c\n");
    Land la = lands.land(new LandRequest("dev-a", null));
    Land lb = lands.land(new LandRequest("dev-b", null));
    Land lc = lands.land(new LandRequest("dev-c", null));
    await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(started));
    Files.writeString(go, "");

    assertThat(landed(la).status()).isEqualTo(LandStatus.LANDED);
    Land conflicted = landed(lb);
    assertThat(conflicted.status()).isEqualTo(LandStatus.CONFLICTED);
    assertThat(conflicted.conflicts()).containsExactly(new LandConflict("src/app.py", "dev-a"));
    Land last = landed(lc);
    assertThat(last.status()).as(last.error()).isEqualTo(LandStatus.LANDED);
    assertThat(subjects("main")).containsExactly("change c.txt", "change src/app.py", "init");
    assertThat(git(repo, "worktree", "list")).doesNotContain("land-");
    try (Stream<Path> left = Files.list(dir.resolve("data/lands"))) {
      assertThat(left.toList()).isEmpty();
    }
  }

  @Test
  void aScratchWorktreeLeftWithALockFileIsMadeAnewAndNoLockIsLeft() throws Exception {
    Path started = dir.resolve("check-started");
    Path go = dir.resolve("go");
    Path locked = dir.resolve("locked");
    // the first check leaves an index.lock in the scratch worktree, as a killed git would
    reopen(
        "touch "
            + started
            + "; if [ ! -e "
            + locked
            + " ]; then touch "
            + locked
            + " \"$(git rev-parse --git-path index.lock)\"; fi"
            + "; while [ ! -f "
            + go
            + " ]; do sleep 0.05; done");
    Path a = agent("dev-a");
    Path b = agent("dev-b");
    commit(a, "a.txt", "a\n");
    commit(b, "b.txt", "b\n");
    Land la = lands.land(new LandRequest("dev-a", null));
    Land lb = lands.land(new LandRequest("dev-b", null));
    await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(started));
    Files.writeString(go, "");

    assertThat(landed(la).status()).isEqualTo(LandStatus.LANDED);
    Land second = landed(lb);
    assertThat(second.status()).as(second.error()).isEqualTo(LandStatus.LANDED);
    assertThat(Files.exists(locked)).isTrue();
    assertThat(subjects("main")).containsExactly("change b.txt", "change a.txt", "init");
    try (Stream<Path> files = Files.walk(repo.resolve(".git"))) {
      assertThat(files.map(Path::toString).filter(p -> p.endsWith(".lock")).toList()).isEmpty();
    }
    assertThat(git(repo, "worktree", "list")).doesNotContain("land-");
    try (Stream<Path> left = Files.list(dir.resolve("data/lands"))) {
      assertThat(left.toList()).isEmpty();
    }
  }

  @Test
  void anInstanceWithoutAWorktreeOrWithNothingToLandIsToldWhatToDo() {
    instances.register(new RegisterRequest("developer", repo.toString(), "dev-main", "cli"));
    assertThatThrownBy(() -> lands.land(new LandRequest("dev-main", null)))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("dev-main works in " + repo + " itself")
        .hasMessageContaining("git worktree add -b instance/dev-main");
    agent("dev-a");
    assertThatThrownBy(() -> lands.land(new LandRequest("dev-a", null)))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("nothing to land: instance/dev-a has no commit that main lacks");
    assertThatThrownBy(() -> lands.land(new LandRequest("dev-a", "nope")))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("base branch 'nope' does not exist");
    assertThatThrownBy(() -> lands.get(99)).isInstanceOf(LandNotFoundException.class);
    assertThat(lands.list(null, null, 10)).isEmpty();
  }
}
