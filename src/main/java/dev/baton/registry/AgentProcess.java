package dev.baton.registry;

import java.time.Instant;
import java.util.Objects;

/**
 * The process of a local agent (Claude Code's, say), as its hooks and its MCP bridge report it. The
 * start time tells a process from a later one that got the same pid.
 *
 * @param host the machine the process runs on, as the broker node there names it
 * @param pid its process id
 * @param startedAt when it started, at millisecond precision
 */
public record AgentProcess(String host, long pid, Instant startedAt) {
  public AgentProcess {
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(startedAt, "startedAt");
    if (pid <= 0) {
      throw new IllegalArgumentException("pid " + pid + " is not a process id");
    }
  }

  /** {@code 4242@laptop}, for logs and answers. */
  public String describe() {
    return pid + "@" + host;
  }
}
