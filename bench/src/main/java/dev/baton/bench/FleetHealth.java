package dev.baton.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The machine while a fleet ran: CPU of the harness, the broker(s), the store's server and the
 * whole machine, in percent of one core (so up to 100 × cores), and the load average at the end.
 */
record FleetHealth(
    double harnessCpu,
    double brokerCpu,
    double storeCpu,
    double machineCpu,
    int cores,
    String loadAverage) {

  /** CPU time so far, to be read again at the end. */
  record Start(List<BrokerProcess> nodes, Backend backend, Usage.Cpu before, long nanos) {
    FleetHealth end() {
      Usage.Cpu b = FleetHealth.cpu(nodes, backend);
      Usage.Cpu cpu = before;
      double seconds = (System.nanoTime() - nanos) / 1e9;
      double machine =
          cpu.machine() < 0 || b.machine() < 0
              ? Double.NaN
              : percent(b.machine() - cpu.machine(), seconds);
      return new FleetHealth(
          percent(b.harness() - cpu.harness(), seconds),
          percent(b.broker() - cpu.broker(), seconds),
          percent(b.store() - cpu.store(), seconds),
          machine,
          Runtime.getRuntime().availableProcessors(),
          readLoadAverage());
    }
  }

  static Start start(List<BrokerProcess> nodes, Backend backend) {
    return new Start(nodes, backend, cpu(nodes, backend), System.nanoTime());
  }

  private static Usage.Cpu cpu(List<BrokerProcess> nodes, Backend backend) {
    long brokers = 0;
    for (BrokerProcess b : nodes) {
      brokers += ProcessHandle.of(b.pid()).map(Usage::cpu).orElse(0L);
    }
    long store = 0;
    for (ProcessHandle p : backend.serverProcesses()) {
      store += Usage.cpu(p);
    }
    return new Usage.Cpu(brokers, store, Usage.cpu(ProcessHandle.current()), Usage.machineBusy());
  }

  private static String readLoadAverage() {
    try {
      String[] f = Files.readString(Path.of("/proc/loadavg")).split(" ");
      return f[0] + ", " + f[1] + ", " + f[2];
    } catch (IOException | RuntimeException e) {
      return "unknown";
    }
  }

  private static double percent(long nanos, double seconds) {
    return nanos / 1e9 / seconds * 100;
  }
}
