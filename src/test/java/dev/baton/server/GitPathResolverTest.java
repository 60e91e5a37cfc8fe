package dev.baton.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.baton.core.ErrorCode;
import dev.baton.leases.InvalidPatternException;
import dev.baton.leases.PathPattern;
import dev.baton.testing.GitRepos;
import java.nio.file.Files;
import java.nio.file.Path;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Resolving what clients send against real git repositories, worktrees and symlinks. */
class GitPathResolverTest {
  @TempDir Path dir;
  private final GitPathResolver resolver = new GitPathResolver();
  private Path repo;
  private Path outside;

  @BeforeEach
  void setUp() throws Exception {
    repo = GitRepos.create(dir.resolve("repo"));
    outside = Files.createDirectories(dir.resolve("outside")).toRealPath();
    Files.writeString(outside.resolve("secret.txt"), "not yours\n");
  }

  private PathPattern path(String input) {
    return resolver.resolve(repo, input, true);
  }

  private PathPattern glob(String input) {
    return resolver.resolve(repo, input, false);
  }

  private AbstractThrowableAssert<?, ? extends Throwable> assertOutside(String input) {
    return assertThatThrownBy(() -> resolver.resolve(repo, input, false))
        .as(input)
        .isInstanceOf(InvalidPatternException.class)
        .satisfies(
            e ->
                assertThat(((InvalidPatternException) e).code())
                    .isEqualTo(ErrorCode.PATH_OUTSIDE_WORKSPACE))
        .satisfies(
            e -> assertThat(((InvalidPatternException) e).details()).containsEntry("path", input));
  }

  @Test
  void aRelativePathIsNormalised() {
    assertThat(path("src/app.py")).isEqualTo(PathPattern.literal("src/app.py"));
    assertThat(path("./src//app.py")).isEqualTo(PathPattern.literal("src/app.py"));
    assertThat(path("src/pkg/../app.py")).isEqualTo(PathPattern.literal("src/app.py"));
    assertThat(path("src/")).isEqualTo(PathPattern.literal("src"));
  }

  @Test
  void aRelativePathToAFileThatDoesNotExistYetResolves() {
    assertThat(path("src/new/deep/module.py"))
        .isEqualTo(PathPattern.literal("src/new/deep/module.py"));
    assertThat(path("NEW.md")).isEqualTo(PathPattern.literal("NEW.md"));
  }

  @Test
  void anAbsolutePathInTheWorkspaceBecomesRelativeToItsRoot() {
    assertThat(path(repo.resolve("src/app.py").toString()))
        .isEqualTo(PathPattern.literal("src/app.py"));
    assertThat(path(repo + "/src/./pkg/../app.py")).isEqualTo(PathPattern.literal("src/app.py"));
  }

  @Test
  void anAbsolutePathToAFileThatDoesNotExistYetResolves() {
    assertThat(path(repo.resolve("src/new/deep/module.py").toString()))
        .isEqualTo(PathPattern.literal("src/new/deep/module.py"));
  }

  @Test
  void anAbsolutePathInALinkedWorktreeMapsToTheSameRelativePathAsInTheMainCheckout() {
    Path worktree = GitRepos.addWorktree(repo, dir.resolve("wt"), "instance/a");

    assertThat(path(worktree.resolve("src/app.py").toString()))
        .isEqualTo(path(repo.resolve("src/app.py").toString()))
        .isEqualTo(PathPattern.literal("src/app.py"));
    assertThat(path(worktree.resolve("src/new/file.py").toString()))
        .isEqualTo(PathPattern.literal("src/new/file.py"));
  }

  @Test
  void aWorktreeInsideTheWorkspaceDirectoryMapsToPathsRelativeToItsOwnTop() throws Exception {
    Path worktree = GitRepos.addWorktree(repo, repo.resolve(".worktrees/b"), "instance/b");

    assertThat(path(worktree.resolve("src/app.py").toString()))
        .isEqualTo(PathPattern.literal("src/app.py"));
  }

  @Test
  void aWorktreeOfAnotherRepositoryIsOutside() throws Exception {
    Path other = GitRepos.create(dir.resolve("other"));
    Path otherWorktree = GitRepos.addWorktree(other, dir.resolve("other-wt"), "instance/c");

    assertOutside(otherWorktree.resolve("src/app.py").toString());
    assertOutside(other.resolve("src/app.py").toString());
  }

  @Test
  void aNestedRepositoryInsideTheWorkspaceIsPartOfTheWorkspace() throws Exception {
    Path nested = GitRepos.create(repo.resolve("vendor/lib"));

    assertThat(path(nested.resolve("src/app.py").toString()))
        .isEqualTo(PathPattern.literal("vendor/lib/src/app.py"));
  }

  @Test
  void aSymlinkThatStaysInsideTheWorkspaceResolvesToItsTarget() throws Exception {
    Files.createSymbolicLink(repo.resolve("lib"), repo.resolve("src"));
    Files.createSymbolicLink(repo.resolve("app-link.py"), repo.resolve("src/app.py"));

    assertThat(path("lib/app.py")).isEqualTo(PathPattern.literal("src/app.py"));
    assertThat(path(repo.resolve("lib/new.py").toString()))
        .isEqualTo(PathPattern.literal("src/new.py"));
    assertThat(path("app-link.py")).isEqualTo(PathPattern.literal("src/app.py"));
  }

  @Test
  void aSymlinkedDirectoryThatPointsOutsideIsRefused() throws Exception {
    Files.createSymbolicLink(repo.resolve("vendor"), outside);

    assertOutside("vendor/secret.txt")
        .hasMessage(
            "path 'vendor/secret.txt' resolves through a symlink to "
                + outside.resolve("secret.txt")
                + ", which is outside the workspace "
                + repo);
    assertOutside("vendor/new.txt");
    assertOutside(repo.resolve("vendor/secret.txt").toString());
  }

  @Test
  void aSymlinkedFileThatPointsOutsideIsRefused() throws Exception {
    Files.createSymbolicLink(repo.resolve("src/secret.txt"), outside.resolve("secret.txt"));

    assertOutside("src/secret.txt");
  }

  @Test
  void aDanglingSymlinkThatPointsOutsideIsRefused() throws Exception {
    // Writing through it creates the target, outside the workspace.
    Files.createSymbolicLink(repo.resolve("src/later.txt"), outside.resolve("later.txt"));

    assertOutside("src/later.txt");
  }

  @Test
  void dotDotEscapesAreRefused() {
    assertOutside("../outside/secret.txt")
        .hasMessage("path '../outside/secret.txt' is outside the workspace " + repo);
    assertOutside("src/../../outside/secret.txt");
    assertOutside(repo + "/../outside/secret.txt");
    assertOutside("../*.txt");
    assertOutside("src/**/../../../outside/*.txt");
    assertOutside(repo + "/../outside/*.txt");
  }

  @Test
  void anAbsolutePathElsewhereIsRefused() {
    assertOutside(outside.resolve("secret.txt").toString())
        .hasMessage(
            "path '" + outside.resolve("secret.txt") + "' is outside the workspace " + repo);
    assertOutside("/etc/hosts");
  }

  @Test
  void theWorkspaceItselfIsNotAPathToLease() {
    assertThatThrownBy(() -> path(repo.toString()))
        .isInstanceOf(InvalidPatternException.class)
        .hasMessageContaining("names the workspace itself; lease '**' to cover all of it");
    assertThatThrownBy(() -> path("."))
        .isInstanceOf(InvalidPatternException.class)
        .hasMessageContaining("names the workspace itself");
  }

  @Test
  void aRelativeGlobStaysAGlob() {
    PathPattern p = glob("src/**/*.py");

    assertThat(p.isGlob()).isTrue();
    assertThat(p.text()).isEqualTo("src/**/*.py");
    assertThat(glob("./docs//*.md").text()).isEqualTo("docs/*.md");
  }

  @Test
  void aLiteralPathWithGlobCharactersIsTakenLiterally() {
    PathPattern p = path("src/[draft]*.py");

    assertThat(p.isGlob()).isFalse();
    assertThat(p.covers("src/[draft]*.py")).isTrue();
    assertThat(p.covers("src/x.py")).isFalse();
  }

  @Test
  void anAbsoluteGlobHasItsLiteralPrefixResolved() {
    assertThat(glob(repo + "/src/**/*.py")).isEqualTo(PathPattern.of("src/**/*.py", true));
    assertThat(glob(repo + "/*.md")).isEqualTo(PathPattern.of("*.md", true));
    assertThat(glob(repo + "/src/new/*.py")).isEqualTo(PathPattern.of("src/new/*.py", true));
  }

  @Test
  void anAbsoluteGlobInALinkedWorktreeMapsLikeItsMainCheckoutForm() {
    Path worktree = GitRepos.addWorktree(repo, dir.resolve("wt"), "instance/a");

    assertThat(glob(worktree + "/src/*.py")).isEqualTo(PathPattern.of("src/*.py", true));
  }

  @Test
  void anAbsoluteGlobThroughASymlinkResolvesItsPrefix() throws Exception {
    Files.createSymbolicLink(repo.resolve("lib"), repo.resolve("src"));
    Files.createSymbolicLink(repo.resolve("vendor"), outside);

    assertThat(glob(repo + "/lib/*.py")).isEqualTo(PathPattern.of("src/*.py", true));
    assertOutside(repo + "/vendor/*.txt");
  }

  @Test
  void anAbsoluteGlobOutsideTheWorkspaceIsRefused() {
    assertOutside(outside + "/*.txt");
    assertOutside("/etc/*.conf");
  }

  @Test
  void anAbsoluteGlobAtTheFilesystemRootIsRefused() {
    assertOutside("/*.md");
    assertOutside("/**");
  }

  @Test
  void aRelativeGlobThroughASymlinkThatPointsOutsideIsRefused() throws Exception {
    Files.createSymbolicLink(repo.resolve("vendor"), outside);

    assertOutside("vendor/*.txt");
  }

  @Test
  void aRelativeGlobThroughASymlinkInsideCoversTheSameFilesAsItsAbsoluteForm() throws Exception {
    Files.createSymbolicLink(repo.resolve("lib"), repo.resolve("src"));

    assertThat(glob("lib/*.py")).isEqualTo(glob(repo + "/lib/*.py"));
  }
}
