package dev.baton.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.jar.JarFile;
import java.util.jar.Manifest;

/** What the figures were measured on: CPU, memory, OS, JVM, disk, date and source revision. */
final class Machine {
  private Machine() {}

  /** Label and value, in report order. */
  static Map<String, String> describe(Path workDir, Path jar) {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("date", ZonedDateTime.now().format(DateTimeFormatter.ISO_OFFSET_DATE_TIME));
    m.put(
        "source",
        System.getProperty("bench.commit", "unknown")
            + " ("
            + jar.getFileName()
            + " "
            + jarVersion(jar)
            + ")");
    m.put(
        "CPU",
        Runtime.getRuntime().availableProcessors()
            + " × "
            + firstValue(Path.of("/proc/cpuinfo"), "model name").orElse("unknown"));
    m.put("memory", memory());
    m.put(
        "OS",
        firstValue(Path.of("/etc/os-release"), "PRETTY_NAME")
                .map(s -> s.replace("\"", ""))
                .orElse(System.getProperty("os.name"))
            + ", kernel "
            + System.getProperty("os.version"));
    m.put(
        "JVM (harness and broker)",
        System.getProperty("java.vm.name")
            + " "
            + System.getProperty("java.runtime.version")
            + " ("
            + System.getProperty("java.vm.vendor")
            + "), default GC and heap"
            + (System.getenv("BATON_JAVA_OPTS") == null
                ? ""
                : ", broker BATON_JAVA_OPTS=" + System.getenv("BATON_JAVA_OPTS")));
    m.put("work directory", workDir + " (" + fileSystem(workDir) + ")");
    m.put("user", System.getProperty("user.name"));
    m.put(
        "load average at start (1, 5, 15 min)",
        firstLine(Path.of("/proc/loadavg"))
            .map(l -> String.join(", ", List.of(l.split(" ")).subList(0, 3)))
            .orElse("unknown"));
    return m;
  }

  static String sqliteVersion() {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite::memory:");
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT sqlite_version()")) {
      return rs.next() ? rs.getString(1) : "unknown";
    } catch (SQLException e) {
      return "unknown (" + e.getMessage() + ")";
    }
  }

  private static String memory() {
    return firstValue(Path.of("/proc/meminfo"), "MemTotal")
        .map(
            v -> {
              long kib = Long.parseLong(v.replaceAll("[^0-9]", ""));
              return String.format("%.1f GiB", kib / 1024.0 / 1024.0);
            })
        .orElse("unknown");
  }

  private static String fileSystem(Path dir) {
    try {
      return Files.getFileStore(dir).type();
    } catch (IOException e) {
      return "unknown file system";
    }
  }

  private static Optional<String> firstLine(Path file) {
    try {
      return Files.readAllLines(file).stream().findFirst();
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  /** The value of the first {@code key: value} or {@code key=value} line of a file. */
  private static Optional<String> firstValue(Path file, String key) {
    try {
      List<String> lines = Files.readAllLines(file);
      for (String line : lines) {
        if (line.startsWith(key)) {
          String rest = line.substring(key.length()).trim();
          if (rest.startsWith(":") || rest.startsWith("=")) {
            return Optional.of(rest.substring(1).trim());
          }
        }
      }
    } catch (IOException | RuntimeException e) {
      // not Linux, or not readable
    }
    return Optional.empty();
  }

  /** The Implementation-Version in the jar's manifest. */
  private static String jarVersion(Path jar) {
    try (JarFile j = new JarFile(jar.toFile())) {
      Manifest mf = j.getManifest();
      String v = mf == null ? null : mf.getMainAttributes().getValue("Implementation-Version");
      return v == null ? "version unknown" : v;
    } catch (IOException e) {
      return "unreadable: " + e.getMessage();
    }
  }
}
