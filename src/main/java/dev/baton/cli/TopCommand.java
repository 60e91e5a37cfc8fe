package dev.baton.cli;

import dev.baton.api.client.BrokerClient;
import dev.baton.core.BatonException;
import dev.baton.core.ErrorCode;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
    name = "top",
    description = {
      "The fleet at a glance, live: one row per instance (role, id, state, files held, branch,",
      "git's ahead/behind and changed files, last seen, unread messages), then the lease queue,",
      "the landing queue and the last messages and handoffs. Fed by the broker's event stream;",
      "it says 'broker down' and reconnects when the broker comes back.",
      "Keys: ↑↓ select, ⏎ its tmux pane, b broadcast, h hand off, l land, r release a lease,",
      "p pause, u resume, ? help, q quit. 'baton up' runs it in the fleet's control pane."
    },
    mixinStandardHelpOptions = true)
final class TopCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin ClientOptions client;
  @Mixin FleetOptions fleetOptions;

  @Option(
      names = "--workspace",
      paramLabel = "DIR",
      description = "Any directory of the repository to show (default: the current directory's).")
  Path workspace;

  @Option(
      names = "--once",
      description = "Print one frame as plain text and exit (no terminal needed).")
  boolean once;

  @Option(
      names = "--width",
      paramLabel = "COLUMNS",
      description = "With --once: the frame's width (default: 110).")
  int width = 110;

  @Option(
      names = "--height",
      paramLabel = "LINES",
      description = "With --once: the frame's height (default: 30).")
  int height = 30;

  @Option(
      names = "--trace",
      paramLabel = "FILE",
      hidden = true,
      description = "Append '<newest event id shown> <epoch ms>' per frame (for bench/run-fleet).")
  Path trace;

  @Override
  public Integer call() throws IOException, InterruptedException {
    Path repo = repository();
    TopModel model = new TopModel();
    if (once) {
      return printOnce(repo, model);
    }
    Terminal terminal = TerminalBuilder.builder().system(true).name("baton top").dumb(true).build();
    if (Terminal.TYPE_DUMB.equals(terminal.getType())
        || Terminal.TYPE_DUMB_COLOR.equals(terminal.getType())) {
      terminal.close();
      throw new BatonException(
          ErrorCode.INVALID_REQUEST,
          "baton top needs a terminal (this one is '"
              + terminal.getType()
              + "'); run it in a terminal or tmux pane, or use 'baton top --once' to print one"
              + " frame");
    }
    try (TopTerminal screen =
        new TopTerminal(terminal, repo, model, this::broker, fleet(), trace)) {
      screen.run();
    }
    return ExitCodes.OK;
  }

  private int printOnce(Path repo, TopModel model) {
    TopFeed feed = new TopFeed(this::broker, repo, model, () -> {});
    feed.loadOnce();
    TopScreen.Frame frame;
    synchronized (model) {
      frame = TopTerminal.frame(model, repo, null, 0, "", null, Instant.now());
    }
    PrintWriter out = spec.commandLine().getOut();
    out.print(TopScreen.text(TopScreen.draw(frame, width, height)));
    out.flush();
    return ExitCodes.OK;
  }

  private BrokerClient broker() {
    return client.client();
  }

  /** The fleet around this repository, for jumping to panes; null when there is none. */
  private TopTerminal.Panes fleet() {
    try {
      String name = fleetOptions.name(spec);
      Tmux tmux = fleetOptions.tmux();
      Path dataDir = client.config().dataDir();
      return new TopTerminal.Panes(tmux, () -> Fleet.load(dataDir, name).orElse(null));
    } catch (RuntimeException e) {
      return null;
    }
  }

  private Path repository() {
    if (workspace == null) {
      return FleetOptions.repository();
    }
    Tmux.Result r =
        Tmux.exec(List.of("git", "rev-parse", "--show-toplevel"), workspace.toAbsolutePath());
    if (!r.ok()) {
      throw new BatonException(
          ErrorCode.INVALID_WORKSPACE,
          "--workspace " + workspace + " is not in a git repository; name a directory of one");
    }
    return Path.of(r.out().strip());
  }

  static void sleepQuietly(long ms) {
    try {
      TimeUnit.MILLISECONDS.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  static ScheduledExecutorService daemon(String name) {
    return Executors.newSingleThreadScheduledExecutor(
        r -> {
          Thread t = new Thread(r, name);
          t.setDaemon(true);
          return t;
        });
  }
}
