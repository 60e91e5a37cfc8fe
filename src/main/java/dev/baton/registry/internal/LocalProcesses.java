package dev.baton.registry.internal;

import dev.baton.registry.AgentProcess;
import dev.baton.registry.AgentProcesses;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;

/**
 * This machine's processes, through {@link ProcessHandle}. A process is the same one while its pid
 * runs with the start time first seen (within a second: the kernel counts in clock ticks).
 * Thread-safe.
 */
public final class LocalProcesses implements AgentProcesses {
  private static final Duration SAME_START = Duration.ofSeconds(1);

  private final String host;

  public LocalProcesses() {
    this.host = hostName();
  }

  @Override
  public String host() {
    return host;
  }

  @Override
  public Optional<AgentProcess> find(long pid) {
    return startOf(pid).map(start -> new AgentProcess(host, pid, start));
  }

  @Override
  public boolean alive(AgentProcess process) {
    if (!host.equals(process.host())) {
      return false;
    }
    return startOf(process.pid())
        .map(start -> Duration.between(start, process.startedAt()).abs().compareTo(SAME_START) < 0)
        .orElse(false);
  }

  private static Optional<Instant> startOf(long pid) {
    return ProcessHandle.of(pid)
        .filter(ProcessHandle::isAlive)
        .flatMap(p -> p.info().startInstant())
        .map(t -> t.truncatedTo(ChronoUnit.MILLIS));
  }

  /** The kernel's host name (no lookup), else the JDK's. */
  private static String hostName() {
    try {
      Path kernel = Path.of("/proc/sys/kernel/hostname");
      if (Files.isReadable(kernel)) {
        String name = Files.readString(kernel).strip();
        if (!name.isEmpty()) {
          return name;
        }
      }
      return InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      return "localhost";
    }
  }
}
