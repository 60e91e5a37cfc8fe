package dev.baton.cli;

import dev.baton.api.AcquireBody;
import dev.baton.api.CoverageJson;
import dev.baton.api.Json;
import dev.baton.api.LeaseJson;
import dev.baton.api.LeaseListJson;
import dev.baton.api.RenewBody;
import dev.baton.api.client.BrokerClient;
import dev.baton.api.client.BrokerErrorException;
import dev.baton.core.BatonException;
import dev.baton.core.ErrorCode;
import dev.baton.core.Units;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
    name = "lease",
    description = {
      "Lease files so that no other agent edits them at the same time.",
      "Paths are relative to the current directory; quote globs: 'src/**', '*.md'."
    },
    mixinStandardHelpOptions = true,
    subcommands = {
      LeaseCommand.Acquire.class,
      LeaseCommand.Release.class,
      LeaseCommand.Renew.class,
      LeaseCommand.ListLeases.class
    })
final class LeaseCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    throw new ParameterException(
        spec.commandLine(), "a subcommand is required: acquire, release, renew or list");
  }

  static Duration duration(CommandSpec spec, String text, String option) {
    if (text == null) {
      return null;
    }
    try {
      return Units.parseDuration(text);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), option + ": " + e.getMessage());
    }
  }

  @Command(
      name = "acquire",
      description = "Lease paths or globs, all or none. Exit 3 when others hold them.",
      mixinStandardHelpOptions = true)
  static final class Acquire implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin ClientOptions client;
    @Mixin InstanceOption instance;

    @Parameters(
        arity = "1..*",
        paramLabel = "PATH",
        description = "Files, directories or quoted globs.")
    List<String> paths;

    @Option(
        names = "--shared",
        description = "Share with other shared holders (default: exclusive).")
    boolean shared;

    @Option(
        names = "--wait",
        paramLabel = "DURATION",
        description = "Wait this long for other holders to let go, e.g. 5s.")
    String waitFor;

    @Option(
        names = "--ttl",
        paramLabel = "DURATION",
        description = "Lease for this long unless renewed (default: leases.default-ttl, 10m).")
    String ttl;

    @Option(
        names = "--reason",
        paramLabel = "TEXT",
        description = "Why: shown to agents that find the files taken.")
    String reason;

    @Option(names = "--json", description = "Print JSON.")
    boolean json;

    @Override
    public Integer call() {
      String me = instance.required(spec);
      Duration ttlValue = duration(spec, ttl, "--ttl");
      Duration waitValue = duration(spec, waitFor, "--wait");
      List<String> absolute = paths.stream().map(Leases::absolute).toList();
      AcquireBody body =
          new AcquireBody(
              me,
              null,
              absolute,
              shared ? "shared" : "exclusive",
              ttlValue == null ? null : ttlValue.toMillis(),
              waitValue == null ? null : waitValue.toMillis(),
              reason,
              false);
      Duration timeout =
          BrokerClient.DEFAULT_TIMEOUT.plus(waitValue == null ? Duration.ZERO : waitValue);
      LeaseListJson granted;
      try (BrokerClient broker = client.client(timeout)) {
        granted = broker.acquire(body);
      } catch (BrokerErrorException e) {
        return Leases.conflict(e, spec.commandLine().getErr());
      }
      PrintWriter out = spec.commandLine().getOut();
      if (json) {
        out.println(Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(granted));
      } else {
        Instant now = Instant.now();
        granted.leases().forEach(l -> out.println(Leases.line(l, now)));
      }
      out.flush();
      return ExitCodes.OK;
    }
  }

  @Command(
      name = "release",
      description = {
        "Release leases by id (L17) or by path.",
        "With --force a person takes away any agent's lease; the holder is told through the event stream."
      },
      mixinStandardHelpOptions = true)
  static final class Release implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin ClientOptions client;
    @Mixin InstanceOption instance;

    @Parameters(
        arity = "1..*",
        paramLabel = "ID|PATH",
        description = "Lease ids, or paths whose leases to release.")
    List<String> targets;

    @Option(
        names = "--force",
        description = "Release whoever holds it (every lease covering a path).")
    boolean force;

    @Override
    public Integer call() {
      String me = force ? instance.instance : instance.required(spec);
      for (String target : targets) {
        if (target.isBlank()) {
          // An unset shell variable ("$FILE") would otherwise name the current directory and
          // release every lease beneath it.
          throw new ParameterException(
              spec.commandLine(),
              "an empty ID|PATH was given; name a lease (L17) or a path, e.g. '.' for the"
                  + " current directory");
        }
      }
      PrintWriter out = spec.commandLine().getOut();
      try (BrokerClient broker = client.client()) {
        for (String target : targets) {
          for (String id : ids(broker, target, me)) {
            LeaseJson released =
                broker
                    .release(
                        id,
                        force ? null : me,
                        force,
                        me == null ? System.getProperty("user.name") : me)
                    .lease();
            out.println(
                "released "
                    + released.id()
                    + " on "
                    + released.path()
                    + (force ? " (held by " + released.instance() + ")" : ""));
          }
        }
      }
      out.flush();
      return ExitCodes.OK;
    }

    private List<String> ids(BrokerClient broker, String target, String me) {
      if (Leases.isId(target)) {
        return List.of(target);
      }
      CoverageJson coverage = broker.check(null, Leases.absolute(target));
      List<String> ids = new ArrayList<>();
      for (LeaseJson l : coverage.leases()) {
        if (force || l.instance().equals(me)) {
          ids.add(l.id());
        }
      }
      if (ids.isEmpty()) {
        throw new BatonException(
            ErrorCode.LEASE_NOT_FOUND,
            (force ? "no lease covers " : "you (" + me + ") hold no lease on ") + coverage.path());
      }
      return ids;
    }
  }

  @Command(
      name = "renew",
      description = "Extend leases; without arguments, all of this instance's leases.",
      mixinStandardHelpOptions = true)
  static final class Renew implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin ClientOptions client;
    @Mixin InstanceOption instance;

    @Parameters(
        arity = "0..*",
        paramLabel = "ID|PATH",
        description = "Lease ids or paths (default: all of mine).")
    List<String> targets = new ArrayList<>();

    @Option(
        names = "--ttl",
        paramLabel = "DURATION",
        description = "New TTL (default: each lease's own).")
    String ttl;

    @Override
    public Integer call() {
      String me = instance.required(spec);
      Duration ttlValue = duration(spec, ttl, "--ttl");
      PrintWriter out = spec.commandLine().getOut();
      Instant now = Instant.now();
      try (BrokerClient broker = client.client()) {
        Map<String, String> ids = new LinkedHashMap<>();
        if (targets.isEmpty()) {
          broker.leases(null, me).leases().forEach(l -> ids.put(l.id(), l.path()));
        }
        for (String target : targets) {
          if (Leases.isId(target)) {
            ids.put(target, target);
          } else {
            broker.check(null, Leases.absolute(target)).leases().stream()
                .filter(l -> l.instance().equals(me))
                .forEach(l -> ids.put(l.id(), l.path()));
          }
        }
        if (ids.isEmpty()) {
          out.println(me + " holds no leases to renew");
        }
        for (String id : ids.keySet()) {
          LeaseJson renewed =
              broker.renew(id, new RenewBody(me, ttlValue == null ? null : ttlValue.toMillis()));
          out.println(Leases.line(renewed, now));
        }
      }
      out.flush();
      return ExitCodes.OK;
    }
  }

  @Command(
      name = "list",
      description = "List live leases (default: in the repository of the current directory).",
      mixinStandardHelpOptions = true)
  static final class ListLeases implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin ClientOptions client;

    @Option(
        names = "--workspace",
        paramLabel = "DIR",
        description = "Any directory of the workspace (default: the current directory).")
    Path workspace;

    @Option(names = "--all", description = "Every workspace.")
    boolean all;

    @Option(names = "--holder", paramLabel = "ID", description = "Only this instance's leases.")
    String holder;

    @Option(names = "--json", description = "Print JSON.")
    boolean json;

    @Override
    public Integer call() {
      String dir =
          all
              ? null
              : (workspace == null ? Path.of("") : workspace)
                  .toAbsolutePath()
                  .normalize()
                  .toString();
      LeaseListJson list;
      try (BrokerClient broker = client.client()) {
        list = broker.leases(dir, holder);
      }
      PrintWriter out = spec.commandLine().getOut();
      if (json) {
        out.println(Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(list));
      } else if (list.leases().isEmpty()) {
        out.println("no leases" + (all ? "" : " in " + dir));
      } else {
        out.print(Format.table(Leases.HEADER, Leases.rows(list.leases(), Instant.now())));
      }
      out.flush();
      return ExitCodes.OK;
    }
  }
}
