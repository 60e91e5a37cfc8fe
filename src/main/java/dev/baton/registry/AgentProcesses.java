package dev.baton.registry;

import java.util.Optional;

/**
 * The processes of this machine, as the registry needs them to tell whether an agent still runs.
 * Implementations are thread-safe.
 */
public interface AgentProcesses {
  /** The name of this machine, as stored with the processes of its agents. */
  String host();

  /** The running process with this pid on this machine, or empty. */
  Optional<AgentProcess> find(long pid);

  /** True while the process runs: same pid, same start time, on this machine. */
  boolean alive(AgentProcess process);

  /** For a registry whose clients never report a process: it knows none. */
  static AgentProcesses none() {
    return new AgentProcesses() {
      @Override
      public String host() {
        return "none";
      }

      @Override
      public Optional<AgentProcess> find(long pid) {
        return Optional.empty();
      }

      @Override
      public boolean alive(AgentProcess process) {
        return false;
      }
    };
  }
}
