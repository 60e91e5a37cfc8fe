package dev.baton.cli;

import dev.baton.api.LeaseJson;
import dev.baton.api.client.BrokerErrorException;
import dev.baton.core.ErrorCode;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/** Shared helpers of the lease commands: ids versus paths, lines for people, conflicts. */
final class Leases {
  private static final Pattern ID = Pattern.compile("L\\d+");

  private Leases() {}

  static boolean isId(String arg) {
    return ID.matcher(arg).matches();
  }

  /** A path given on the command line, made absolute against the current directory. */
  static String absolute(String arg) {
    return Path.of(arg).toAbsolutePath().normalize().toString();
  }

  static String line(LeaseJson l, Instant now) {
    return l.id()
        + "  "
        + Format.safe(l.path())
        + "  "
        + l.mode()
        + "  "
        + Format.safe(l.instance())
        + " ("
        + Format.safe(l.role())
        + ")"
        + (l.reason() == null ? "" : "  '" + Format.safe(l.reason()) + "'")
        + "  token "
        + l.fencingToken()
        + "  expires "
        + Format.in(l.expiresAt(), now);
  }

  static List<List<String>> rows(List<LeaseJson> leases, Instant now) {
    return leases.stream()
        .map(
            l ->
                List.of(
                    l.id(),
                    l.path(),
                    l.mode(),
                    l.instance(),
                    l.role(),
                    l.reason() == null ? "-" : l.reason(),
                    Long.toString(l.fencingToken()),
                    Format.in(l.expiresAt(), now)))
        .toList();
  }

  static final List<String> HEADER =
      List.of("ID", "PATH", "MODE", "HOLDER", "ROLE", "REASON", "TOKEN", "EXPIRES");

  /** Prints a conflict as one line per holder and returns exit code 3; rethrows other errors. */
  static int conflict(BrokerErrorException e, PrintWriter err) {
    if (e.code() != ErrorCode.LEASE_CONFLICT) {
      throw e;
    }
    Object requested = e.details().get("requested");
    err.println("baton: lease on " + requested + " not granted:");
    Object holders = e.details().get("holders");
    if (holders instanceof List<?> list) {
      for (Object h : list) {
        if (h instanceof Map<?, ?> m) {
          err.println("  " + holderLine(m));
        }
      }
    }
    Object waiting = e.details().get("waiting");
    if (waiting instanceof List<?> list) {
      for (Object w : list) {
        if (w instanceof Map<?, ?> m) {
          err.println(
              "  "
                  + m.get("instance")
                  + " ("
                  + m.get("role")
                  + ") waits for "
                  + m.get("paths")
                  + " since "
                  + clock(m.get("since"))
                  + " and goes first");
        }
      }
    }
    err.flush();
    return ExitCodes.CONFLICT;
  }

  private static final java.time.format.DateTimeFormatter CLOCK =
      java.time.format.DateTimeFormatter.ofPattern("HH:mm:ss")
          .withZone(java.time.ZoneId.systemDefault());

  /** An ISO instant as local wall-clock time, e.g. 14:02:11. */
  static String clock(Object isoInstant) {
    try {
      return CLOCK.format(Instant.parse(String.valueOf(isoInstant)));
    } catch (java.time.format.DateTimeParseException e) {
      return String.valueOf(isoInstant);
    }
  }

  private static String holderLine(Map<?, ?> m) {
    Object reason = m.get("reason");
    long expiresIn = m.get("expiresInMs") instanceof Number n ? n.longValue() / 1000 : 0;
    return m.get("path")
        + " held "
        + ("exclusive".equals(m.get("mode")) ? "exclusively" : "shared")
        + " by "
        + m.get("instance")
        + " ("
        + m.get("role")
        + (reason == null ? "" : ", '" + reason + "'")
        + ") since "
        + clock(m.get("since"))
        + ", expires in "
        + expiresIn
        + " s ("
        + m.get("lease")
        + ")";
  }
}
