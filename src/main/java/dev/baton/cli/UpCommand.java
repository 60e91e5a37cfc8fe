package dev.baton.cli;

import dev.baton.api.InstanceJson;
import dev.baton.api.RegisterBody;
import dev.baton.api.client.BrokerClient;
import dev.baton.core.BatonException;
import dev.baton.core.ErrorCode;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
    name = "up",
    description = {
      "Start a fleet of agents in tmux. Starts the broker if none answers,",
      "registers one instance per role, each in a worktree of its own (as",
      "'baton new' does), and opens a tmux session (inside tmux: a window) with",
      "a pane per instance (BATON_INSTANCE, BATON_ROLE set, the agent started)",
      "and a control pane running 'baton top' (the fleet live; ? lists its keys).",
      "Run again, it adds nothing and attaches; --add ROLE adds one instance.",
      "The session shows the broker's status line (status-right, or a second",
      "status line for more than 6 instances or inside your own session).",
      "  baton up --roles developer,developer,reviewer"
    },
    mixinStandardHelpOptions = true)
final class UpCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin ClientOptions client;
  @Mixin FleetOptions fleetOptions;

  @Option(
      names = "--roles",
      paramLabel = "ROLE,...",
      description = "One instance per role, e.g. developer,developer,reviewer.")
  String roles;

  @Option(names = "--count", paramLabel = "N", description = "N instances of --role.")
  Integer count;

  @Option(
      names = "--role",
      paramLabel = "ROLE",
      description = "The role of the --count instances (default: developer).")
  String role;

  @Option(
      names = "--add",
      paramLabel = "ROLE",
      description = "Add one instance of ROLE to the running fleet.")
  String add;

  @Option(
      names = "--agent",
      paramLabel = "AGENT",
      description =
          "claude, codex, shell, or a command line to run in each pane (default: claude when it"
              + " is installed, else your shell with a hint).")
  String agent;

  @Option(
      names = "--base",
      paramLabel = "BRANCH",
      description = "The branch the worktrees start from (default: the repository's).")
  String base;

  @Option(
      names = "--no-attach",
      description = "Do not attach to the session; print how to attach instead.")
  boolean noAttach;

  @Override
  public Integer call() {
    PrintWriter err = spec.commandLine().getErr();
    Path repo = FleetOptions.repository();
    String name = fleetOptions.name(spec);
    if (!Tmux.installed()) {
      throw new BatonException(
          ErrorCode.INVALID_REQUEST,
          "tmux is not installed (not on PATH); install it (e.g. 'apt install tmux' or"
              + " 'brew install tmux') and run baton up again");
    }
    List<String> wanted = wantedRoles();
    FleetPanes.Agent agentToRun = agentToRun();
    Tmux tmux = fleetOptions.tmux();
    Path dataDir = client.config().dataDir();
    Optional<Fleet> existing = Fleet.load(dataDir, name);
    if (existing.isPresent() && !existing.get().alive(tmux)) {
      err.println("baton: fleet " + name + " had ended without 'baton down'; ending it now");
      err.flush();
      BrokerStarter.ensure(client, err);
      DownCommand.end(client, tmux, existing.get(), err);
      existing = Optional.empty();
    }
    if (add == null && existing.isEmpty() && tmux.ok("has-session", "-t", "=" + name)) {
      throw new BatonException(
          ErrorCode.INSTANCE_EXISTS,
          "a tmux session "
              + name
              + " exists and is not a baton fleet; end it, or name the fleet with --session");
    }
    BrokerStarter.ensure(client, err);
    Fleet fleet;
    if (add != null) {
      fleet =
          existing.orElseThrow(
              () ->
                  new BatonException(
                      ErrorCode.NOT_FOUND,
                      "no fleet " + name + " is running; start one with 'baton up' first"));
      fleet = new FleetMaker(client, tmux, agentToRun, base, err).add(fleet, wanted.get(0));
      fleet.save(dataDir);
      showStatusLine(tmux, fleet, dataDir, err);
      remindIn(client, tmux, fleet, err);
      print(fleet, "added a " + wanted.get(0) + " to fleet " + name);
      spec.commandLine().getOut().println("attach: " + fleet.attachCommand(tmux));
      spec.commandLine().getOut().flush();
      return ExitCodes.OK;
    }
    if (existing.isPresent()) {
      fleet = existing.get();
      print(fleet, "fleet " + name + " is already running, nothing added");
    } else {
      fleet = new FleetMaker(client, tmux, agentToRun, base, err).make(name, repo, wanted);
      fleet.save(dataDir);
      print(fleet, "started fleet " + name);
    }
    showStatusLine(tmux, fleet, dataDir, err);
    remindIn(client, tmux, fleet, err);
    if (existing.isPresent()) {
      spec.commandLine().getOut().println("'baton up --add ROLE' adds an instance");
    }
    if (noAttach) {
      spec.commandLine().getOut().println("attach: " + fleet.attachCommand(tmux));
      spec.commandLine().getOut().flush();
      return ExitCodes.OK;
    }
    return AttachCommand.attach(fleet, tmux, spec.commandLine().getOut());
  }

  /** The broker's status line in the fleet's session; a failure is only worth a warning. */
  private static void showStatusLine(Tmux tmux, Fleet fleet, Path dataDir, PrintWriter err) {
    try {
      TmuxStatus.apply(tmux, fleet, dataDir);
    } catch (BatonException e) {
      err.println("baton: the tmux status line is not set: " + e.getMessage());
      err.flush();
    }
  }

  /**
   * Tells the broker the fleet's tmux session, where it reminds the person of breaks and messages;
   * a failure is only worth a warning.
   */
  static void remindIn(ClientOptions client, Tmux tmux, Fleet fleet, PrintWriter err) {
    try (BrokerClient broker = client.client()) {
      broker.remindIn(tmux.fleetSession(fleet.session()));
    } catch (RuntimeException e) {
      err.println("baton: break reminders will not show in tmux: " + e.getMessage());
      err.flush();
    }
  }

  private List<String> wantedRoles() {
    List<String> wanted;
    if (add != null) {
      if (roles != null || count != null || role != null) {
        throw new CommandLine.ParameterException(
            spec.commandLine(), "--add adds one instance; leave out --roles, --count and --role");
      }
      wanted = List.of(add.strip().toLowerCase(Locale.ROOT));
    } else {
      try {
        wanted = FleetRoles.expand(roles, count, role);
      } catch (IllegalArgumentException e) {
        throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
      }
    }
    var known = client.config().roles().keySet();
    List<String> unknown = FleetRoles.unknown(wanted, known);
    if (!unknown.isEmpty()) {
      throw new CommandLine.ParameterException(
          spec.commandLine(),
          "unknown role '"
              + String.join("', '", unknown)
              + "'; the roles are "
              + String.join(", ", known.stream().sorted().toList())
              + " ('baton roles' describes them)");
    }
    return wanted;
  }

  private FleetPanes.Agent agentToRun() {
    try {
      return FleetPanes.agent(agent);
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
    }
  }

  private void print(Fleet fleet, String what) {
    PrintWriter out = spec.commandLine().getOut();
    out.println(
        what
            + " (tmux session "
            + fleet.session()
            + ", window "
            + fleet.window()
            + "): "
            + fleet.members().size()
            + " instances");
    out.printf(Locale.ROOT, "  %-5s %-10s %s%n", fleet.control(), "control", "baton top");
    for (Fleet.Member m : fleet.members()) {
      out.printf(
          Locale.ROOT, "  %-5s %-10s %s  %s%n", m.pane(), m.role(), m.instance(), m.worktree());
    }
    out.flush();
  }

  /** Registers instances and opens their panes; on failure undoes what it made. */
  record FleetMaker(
      ClientOptions client, Tmux tmux, FleetPanes.Agent agent, String base, PrintWriter err) {
    /** The most instances for which the control pane spans the window's width on top. */
    static final int CONTROL_ON_TOP_UP_TO = 4;

    Fleet make(String name, Path repo, List<String> roles) {
      List<InstanceJson> made = new ArrayList<>();
      try (BrokerClient broker = client.client(Duration.ofMinutes(2))) {
        try {
          for (String r : roles) {
            made.add(register(broker, repo, r));
          }
          return open(name, repo, made);
        } catch (RuntimeException e) {
          undo(broker, made);
          throw e;
        }
      }
    }

    Fleet add(Fleet fleet, String role) {
      try (BrokerClient broker = client.client(Duration.ofMinutes(2))) {
        InstanceJson instance = register(broker, Path.of(fleet.repository()), role);
        try {
          Fleet bigger = fleet.with(split(fleet.window(), instance));
          arrange(bigger);
          return bigger;
        } catch (RuntimeException e) {
          undo(broker, List.of(instance));
          throw e;
        }
      }
    }

    private InstanceJson register(BrokerClient broker, Path repo, String role) {
      String kind = agent.setup();
      InstanceJson instance =
          broker
              .register(
                  new RegisterBody(
                      role, repo.toString(), null, kind.equals("none") ? "cli" : kind, true, base))
              .instance();
      AgentSetup.run(client, kind, Path.of(instance.worktree()), instance.role(), err);
      err.flush();
      return instance;
    }

    private Fleet open(String name, Path repo, List<InstanceJson> instances) {
      boolean inside = System.getenv("TMUX") != null && tmux.socket() == null;
      List<String> args = new ArrayList<>();
      if (inside) {
        args.addAll(List.of("new-window", "-d", "-n", name));
      } else {
        args.addAll(List.of("new-session", "-d", "-s", name, "-x", "220", "-y", "60"));
      }
      args.addAll(List.of("-P", "-F", "#{session_name} #{window_id} #{pane_id}"));
      args.addAll(List.of("-c", repo.toString()));
      args.addAll(FleetPanes.environment(client, Map.of()));
      args.addAll(FleetPanes.controlCommand(name, tmux.socket()));
      Tmux.Result made = Tmux.exec(tmux.command(args), null);
      String[] ids = made.out().strip().split(" ");
      if (!made.ok() || ids.length != 3) {
        throw new BatonException(
            ErrorCode.INTERNAL,
            "tmux "
                + args.get(0)
                + " failed (exit "
                + made.exit()
                + "): "
                + (made.err().isBlank() ? "no new pane" : made.err().strip()));
      }
      Fleet fleet = new Fleet(name, ids[0], ids[1], !inside, repo.toString(), ids[2], List.of());
      try {
        tmux.run("select-pane", "-t", fleet.control(), "-T", "control: baton status");
        if (!inside) {
          tmux.run("set-option", "-t", fleet.window(), "pane-border-status", "top");
        }
        for (InstanceJson instance : instances) {
          fleet = fleet.with(split(fleet.window(), instance));
        }
        arrange(fleet);
        return fleet;
      } catch (RuntimeException e) {
        DownCommand.closeWindow(tmux, fleet);
        throw e;
      }
    }

    private Fleet.Member split(String window, InstanceJson instance) {
      List<String> args =
          new ArrayList<>(
              List.of(
                  "split-window",
                  "-d",
                  "-t",
                  window,
                  "-c",
                  instance.worktree(),
                  "-P",
                  "-F",
                  "#{pane_id}"));
      args.addAll(
          FleetPanes.environment(
              client, Map.of("BATON_INSTANCE", instance.id(), "BATON_ROLE", instance.role())));
      args.addAll(FleetPanes.instanceCommand(agent, instance.id(), instance.role()));
      String pane = tmux.run(args.toArray(String[]::new));
      tmux.run("select-pane", "-t", pane, "-T", instance.role() + " " + instance.id());
      tmux.run("select-layout", "-t", window, "tiled");
      return new Fleet.Member(instance.id(), instance.role(), pane, instance.worktree());
    }

    /**
     * Up to {@link #CONTROL_ON_TOP_UP_TO} instances, the control pane spans the window's width on
     * top (40% of its height) and the instances share the rest side by side; with more, every pane
     * gets an equal tile, so that none is too narrow to work in.
     */
    private void arrange(Fleet fleet) {
      String layout = fleet.members().size() <= CONTROL_ON_TOP_UP_TO ? "main-horizontal" : "tiled";
      if (layout.equals("main-horizontal")) {
        // a percentage needs tmux 3.1; an older one keeps its default height
        tmux.ok("set-option", "-w", "-t", fleet.window(), "main-pane-height", "40%");
      }
      tmux.run("select-layout", "-t", fleet.window(), layout);
      // a client attaching at another size would scale the panes (the control pane to 3 rows):
      // the layout is laid out again instead (a window hook needs tmux 3.2)
      tmux.ok("set-hook", "-w", "-t", fleet.window(), "window-resized", "select-layout " + layout);
    }

    /**
     * Deregisters what was registered and removes the worktrees it made (nothing was done in them).
     */
    private void undo(BrokerClient broker, List<InstanceJson> made) {
      for (InstanceJson instance : made) {
        try {
          broker.deregister(instance.id());
          broker.removeWorktree(instance.id(), false);
        } catch (RuntimeException e) {
          err.println("baton: could not undo instance " + instance.id() + ": " + e.getMessage());
        }
      }
      err.flush();
    }
  }
}
