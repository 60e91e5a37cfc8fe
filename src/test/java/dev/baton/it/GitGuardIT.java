package dev.baton.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.api.AcquireBody;
import dev.baton.api.LeaseJson;
import dev.baton.api.RegisterBody;
import dev.baton.api.client.BrokerClient;
import dev.baton.testing.GitRepos;
import dev.baton.testing.Processes;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The git pre-commit guard in a real repository with a linked worktree, installed by {@code baton
 * guard install} through the launcher, against a real broker process. Instance A (developer) leases
 * files; instance B (research) commits, in the main checkout or in its worktree, with {@code
 * BATON_INSTANCE} set as the launcher sets it. Commits run through the real git command.
 */
class GitGuardIT {
  private static final String CONFIG = "registry:\n  instance-ttl: 10m\n";

  @TempDir Path tmp;

  private final List<BrokerProcess> brokers = new ArrayList<>();
  private BrokerSandbox sandbox;
  private BrokerProcess broker;
  private Path repo;
  private Path worktree;
  private String a;
  private String b;

  @BeforeEach
  void createRepositoryBrokerAndInstances() {
    sandbox = BrokerSandbox.in(tmp.resolve("b"));
    repo = GitRepos.create(tmp.resolve("repo"));
    worktree = GitRepos.addWorktree(repo, tmp.resolve("wt"), "feature");
    broker = start();
    a = register("developer", repo);
    b = register("research", worktree);
  }

  @AfterEach
  void stopBrokers() {
    brokers.forEach(BrokerProcess::close);
  }

  private BrokerProcess start() {
    BrokerProcess started =
        sandbox.start("--config", sandbox.writeConfig("baton.yaml", CONFIG).toString());
    brokers.add(started);
    return started;
  }

  private String register(String role, Path dir) {
    try (BrokerClient client = broker.unixClient()) {
      return client
          .register(new RegisterBody(role, dir.toString(), null, "claude"))
          .instance()
          .id();
    }
  }

  private LeaseJson lease(String instance, String path, String mode, String reason) {
    try (BrokerClient client = broker.unixClient()) {
      return client
          .acquire(new AcquireBody(instance, path, null, mode, null, null, reason, null))
          .leases()
          .get(0);
    }
  }

  private Processes.Result install(Path dir) {
    return sandbox.expect(0, "guard", "install", dir.toString());
  }

  // ---- git ----

  private Processes.Result git(Path dir, Map<String, String> env, String... args) {
    List<String> command = new ArrayList<>();
    command.addAll(
        List.of("git", "-c", "user.name=baton-test", "-c", "user.email=test@baton.invalid"));
    command.addAll(List.of(args));
    return Shell.run(dir, sandbox.home(), env, null, command);
  }

  private void gitOk(Path dir, String... args) {
    Processes.Result r = git(dir, Map.of(), args);
    assertThat(r.exitCode()).as("git %s: %s", String.join(" ", args), r.stderr()).isZero();
  }

  /** {@code git commit} as {@code instance} (null: a person without BATON_INSTANCE). */
  private Processes.Result commit(Path dir, String instance, String... extra) {
    Map<String, String> env = new HashMap<>();
    if (instance != null) {
      env.put("BATON_INSTANCE", instance);
    }
    return commitWith(dir, env, extra);
  }

  private Processes.Result commitWith(Path dir, Map<String, String> env, String... extra) {
    List<String> args = new ArrayList<>(List.of("commit", "-q", "-m", "change"));
    args.addAll(List.of(extra));
    return git(dir, env, args.toArray(String[]::new));
  }

  private String head(Path dir) {
    return git(dir, Map.of(), "rev-parse", "HEAD").stdout().strip();
  }

  private void change(Path dir, String file) throws IOException {
    Path p = dir.resolve(file);
    Files.createDirectories(p.getParent());
    Files.writeString(
        p,
        "changed " + System.nanoTime() + "\n",
        StandardCharsets.UTF_8,
        java.nio.file.StandardOpenOption.CREATE,
        java.nio.file.StandardOpenOption.APPEND);
    gitOk(dir, "add", "--", file);
  }

  /** A commit that must be refused by the guard, naming the holder; HEAD stays. */
  private Processes.Result refused(Path dir, String instance, String... extra) {
    String before = head(dir);
    Processes.Result r = commit(dir, instance, extra);
    assertThat(r.exitCode()).as("commit by %s; stderr: %s", instance, r.stderr()).isNotZero();
    assertThat(r.stderr()).contains("baton: commit refused");
    assertThat(head(dir)).as("HEAD after a refused commit").isEqualTo(before);
    return r;
  }

  private Processes.Result passes(Path dir, String instance, String... extra) {
    String before = head(dir);
    Processes.Result r = commit(dir, instance, extra);
    assertThat(r.exitCode()).as("commit by %s; stderr: %s", instance, r.stderr()).isZero();
    assertThat(head(dir)).as("HEAD after the commit").isNotEqualTo(before);
    return r;
  }

  private Path hooksDir() {
    return repo.resolve(".git/hooks");
  }

  // ---- the guard ----

  @Test
  void aCommitStagingAFileAnotherInstanceHoldsIsRefusedNamingTheHolder() throws Exception {
    install(repo);
    Processes.Result leased =
        sandbox.cliIn(
            repo,
            Map.of("BATON_INSTANCE", a),
            "lease",
            "acquire",
            "src/app.py",
            "--reason",
            "refactor auth");
    BrokerSandbox.assertExit(leased, 0, "baton lease acquire src/app.py");
    change(repo, "src/app.py");
    change(repo, "README.md");

    Processes.Result r = refused(repo, b);

    assertThat(r.stderr())
        .containsPattern(
            "src/app.py held exclusively by "
                + a
                + " \\(developer, 'refactor auth'\\) since \\d\\d:\\d\\d:\\d\\d, expires in \\d+ s")
        .doesNotContain("README.md")
        .contains("BATON_GUARD=off")
        .contains("--no-verify");
  }

  @Test
  void aCommitInTheLinkedWorktreeIsGuardedToo() throws Exception {
    Processes.Result installed = install(worktree);
    lease(a, "src/app.py", "exclusive", "refactor auth");
    change(worktree, "src/app.py");

    Processes.Result r = refused(worktree, b);

    assertThat(installed.stdout()).contains(hooksDir().resolve("pre-commit").toString());
    assertThat(r.stderr()).contains("src/app.py held exclusively by " + a);
  }

  @Test
  void theHoldersOwnCommitPasses() throws Exception {
    install(repo);
    lease(a, "src/app.py", "exclusive", null);
    change(repo, "src/app.py");

    Processes.Result r = passes(repo, a);

    assertThat(r.stderr()).doesNotContain("baton");
  }

  @Test
  void aCommitWithoutAnInstanceIsCheckedAgainstEveryExclusiveLease() throws Exception {
    install(repo);
    lease(a, "src/app.py", "exclusive", null);
    change(repo, "src/app.py");

    Processes.Result r = refused(repo, null);

    assertThat(r.stderr()).contains(a);
  }

  @Test
  void eitherSideOfARenameCounts() throws Exception {
    install(repo);
    lease(a, "src/app.py", "exclusive", "keep the name");
    lease(a, "docs/guide.md", "exclusive", "writing it");
    Files.writeString(repo.resolve("src/util.py"), "x = 1\n");
    gitOk(repo, "add", "src/util.py");
    passes(repo, b);

    gitOk(worktree, "merge", "-q", "--ff-only", "main");
    gitOk(worktree, "mv", "src/app.py", "src/main.py");
    Processes.Result from = refused(worktree, b);
    gitOk(worktree, "reset", "-q", "--hard", "HEAD");
    Files.createDirectories(worktree.resolve("docs"));
    gitOk(worktree, "mv", "src/util.py", "docs/guide.md");
    Processes.Result to = refused(worktree, b);

    assertThat(from.stderr()).contains("src/app.py held exclusively by " + a);
    assertThat(to.stderr()).contains("docs/guide.md held exclusively by " + a);
  }

  @Test
  void commitAllAndCommitWithAPathspecAreGuardedToo() throws Exception {
    install(repo);
    lease(a, "src/app.py", "exclusive", null);
    Files.writeString(worktree.resolve("src/app.py"), "print('unstaged')\n");

    Processes.Result all = refused(worktree, b, "-a");
    Processes.Result pathspec = refused(worktree, b, "--", "src/app.py");

    assertThat(all.stderr()).contains("src/app.py held exclusively by " + a);
    assertThat(pathspec.stderr()).contains("src/app.py held exclusively by " + a);
  }

  @Test
  void deletingALeasedFileCounts() throws Exception {
    install(repo);
    lease(a, "src/app.py", "exclusive", null);
    gitOk(repo, "rm", "-q", "src/app.py");

    Processes.Result r = refused(repo, b);

    assertThat(r.stderr()).contains("src/app.py held exclusively by " + a);
  }

  @Test
  void aGlobLeaseCoversNewFiles() throws Exception {
    install(repo);
    lease(a, "src/**/*.py", "exclusive", "restructure");
    change(worktree, "src/auth/login.py");
    change(worktree, "docs/notes.md");

    Processes.Result r = refused(worktree, b);

    assertThat(r.stderr()).contains("src/**/*.py held exclusively by " + a).doesNotContain("notes");
  }

  @Test
  void sharedLeasesDoNotBlockACommit() throws Exception {
    install(repo);
    lease(a, "src/app.py", "shared", "reading");
    change(worktree, "src/app.py");

    passes(worktree, b);
  }

  @Test
  void pathsWithSpacesAndNonAsciiCharactersAreMatched() throws Exception {
    install(repo);
    lease(a, "docs/release notes ü.md", "exclusive", null);
    change(worktree, "docs/release notes ü.md");

    Processes.Result r = refused(worktree, b);

    assertThat(r.stderr()).contains("docs/release notes ü.md held exclusively by " + a);
  }

  @Test
  void batonGuardOffAndNoVerifyBypassTheGuard() throws Exception {
    install(repo);
    lease(a, "src/app.py", "exclusive", null);
    change(repo, "src/app.py");
    refused(repo, b);

    passes(repo, b, "--no-verify");
    change(repo, "src/app.py");
    Processes.Result off = commitWith(repo, Map.of("BATON_INSTANCE", b, "BATON_GUARD", "off"));

    assertThat(off.exitCode()).as(off.stderr()).isZero();
    assertThat(git(repo, Map.of(), "status", "--porcelain").stdout()).isEmpty();
  }

  @Test
  void anExistingPreCommitHookRunsFirstAndItsFailureStillFailsTheCommit() throws Exception {
    Path marker = tmp.resolve("hook-ran");
    Path failFlag = tmp.resolve("fail");
    String original =
        "#!/bin/sh\n"
            + "echo \"lint $BATON_INSTANCE\" >> '"
            + marker
            + "'\n"
            + "if [ -f '"
            + failFlag
            + "' ]; then echo 'lint: trailing whitespace' >&2; exit 7; fi\n";
    Path hook = hooksDir().resolve("pre-commit");
    Files.createDirectories(hooksDir());
    Files.writeString(hook, original);
    Files.setPosixFilePermissions(hook, PosixFilePermissions.fromString("rwxr-xr-x"));

    Processes.Result installed = install(repo);
    change(repo, "README.md");
    passes(repo, b);
    Files.createFile(failFlag);
    change(repo, "README.md");
    Processes.Result lintFails = commit(repo, b);
    Files.delete(failFlag);
    lease(a, "src/app.py", "exclusive", null);
    change(repo, "src/app.py");
    Processes.Result guardFails = refused(repo, b);

    assertThat(installed.stdout()).contains("pre-commit.baton-chained");
    assertThat(lintFails.exitCode()).isNotZero();
    assertThat(lintFails.stderr()).contains("lint: trailing whitespace").doesNotContain("baton:");
    assertThat(guardFails.stderr()).contains("src/app.py held exclusively by " + a);
    assertThat(Files.readAllLines(marker)).containsExactly("lint " + b, "lint " + b, "lint " + b);
  }

  @Test
  void installingTwiceKeepsOneGuardAndTheChainedHook() throws Exception {
    String original = "#!/bin/sh\nexit 0\n";
    Path hook = hooksDir().resolve("pre-commit");
    Files.createDirectories(hooksDir());
    Files.writeString(hook, original);
    Files.setPosixFilePermissions(hook, PosixFilePermissions.fromString("rwxr-xr-x"));

    install(repo);
    String guard = Files.readString(hook);
    install(repo);

    assertThat(Files.readString(hook)).isEqualTo(guard).contains("baton pre-commit guard");
    assertThat(Files.readString(hooksDir().resolve("pre-commit.baton-chained")))
        .isEqualTo(original);
  }

  @Test
  void uninstallPutsBackTheHookThatWasThere() throws Exception {
    String original = "#!/bin/sh\n# the team's own checks\nexit 0\n";
    Path hook = hooksDir().resolve("pre-commit");
    Files.createDirectories(hooksDir());
    Files.writeString(hook, original);
    Files.setPosixFilePermissions(hook, PosixFilePermissions.fromString("rwxr-x---"));
    install(repo);
    lease(a, "src/app.py", "exclusive", null);

    sandbox.expect(0, "guard", "uninstall", repo.toString());
    change(repo, "src/app.py");

    assertThat(Files.readString(hook)).isEqualTo(original);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(hook)))
        .isEqualTo("rwxr-x---");
    assertThat(hooksDir().resolve("pre-commit.baton-chained")).doesNotExist();
    passes(repo, b);
  }

  @Test
  void uninstallWithoutAnEarlierHookLeavesNone() throws Exception {
    install(repo);

    sandbox.expect(0, "guard", "uninstall", repo.toString());

    assertThat(hooksDir().resolve("pre-commit")).doesNotExist();
  }

  @Test
  void coreHooksPathIsRespected() throws Exception {
    Path teamHooks = Files.createDirectories(tmp.resolve("team-hooks"));
    gitOk(repo, "config", "core.hooksPath", teamHooks.toString());

    Processes.Result installed = install(worktree);
    lease(a, "src/app.py", "exclusive", null);
    change(worktree, "src/app.py");
    change(repo, "src/app.py");
    Processes.Result inWorktree = refused(worktree, b);
    Processes.Result inMain = refused(repo, b);

    assertThat(installed.stdout()).contains(teamHooks.resolve("pre-commit").toString());
    assertThat(teamHooks.resolve("pre-commit")).isExecutable();
    assertThat(hooksDir().resolve("pre-commit")).doesNotExist();
    assertThat(inWorktree.stderr()).contains("src/app.py held exclusively by " + a);
    assertThat(inMain.stderr()).contains("src/app.py held exclusively by " + a);
  }

  @Test
  void whenTheBrokerIsDownTheCommitGoesAheadWithAWarning() throws Exception {
    install(repo);
    lease(a, "src/app.py", "exclusive", null);
    change(repo, "src/app.py");
    broker.close();

    Processes.Result r = passes(repo, b);

    assertThat(r.stderr())
        .contains("baton guard: the broker did not answer")
        .contains("not checked for leases");
  }
}
