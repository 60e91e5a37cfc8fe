package dev.baton.server;

import dev.baton.git.GitCheckout;
import dev.baton.git.GitCheckouts;
import dev.baton.git.NotAGitCheckoutException;
import dev.baton.registry.InvalidWorkspaceException;
import dev.baton.registry.Workspace;
import dev.baton.registry.WorkspaceResolver;
import java.nio.file.Path;

/** Connects the registry's idea of a workspace to git's. Thread-safe. */
public final class GitWorkspaceResolver implements WorkspaceResolver {
  @Override
  public Workspace resolve(Path directory) {
    try {
      GitCheckout checkout = GitCheckouts.locate(directory);
      return new Workspace(
          checkout.workspace(),
          checkout.isLinkedWorktree() ? checkout.top() : null,
          checkout.branch());
    } catch (NotAGitCheckoutException e) {
      throw new InvalidWorkspaceException(e.path(), e.getMessage());
    }
  }
}
