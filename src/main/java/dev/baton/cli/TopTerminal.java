package dev.baton.cli;

import dev.baton.api.FocusLine;
import dev.baton.api.LeaseJson;
import dev.baton.api.client.BrokerClient;
import dev.baton.core.BatonException;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.jline.keymap.BindingReader;
import org.jline.keymap.KeyMap;
import org.jline.terminal.Attributes;
import org.jline.terminal.Size;
import org.jline.terminal.Terminal;
import org.jline.utils.Display;
import org.jline.utils.InfoCmp.Capability;

/**
 * The interactive side of {@code baton top}: the terminal in raw mode on the alternate screen, a
 * diffing display redrawn when the model changes (at most every 50 ms) and once a second for the
 * clock, the keys, and the questions some keys ask in the footer. Actions run on a worker thread,
 * so the screen never waits on the broker.
 */
final class TopTerminal implements AutoCloseable {
  private static final long FRAME_MS = 50;
  private static final Duration NOTICE_SHOWN = Duration.ofSeconds(6);
  static final List<String> HELP =
      List.of(
          "↑ ↓ or k j   select an instance",
          "⏎ or g       jump to its tmux pane (in a fleet made by 'baton up')",
          "b            broadcast a message to every agent in the repository",
          "h            hand the selected instance's work (and leases) to another instance",
          "l            land the selected instance's branch (rebase onto its base, fast-forward)",
          "r            release a lease of the selected instance by force (asks first)",
          "p / u        pause: ask every agent (urgent) to finish its step and wait / resume",
          "?            this help          q or Ctrl-C   quit");
  private static final String KEYS =
      "↑↓ select  ⏎ pane  b broadcast  h hand off  l land  r release  p pause  u resume  ? help  q"
          + " quit";

  /** The fleet's panes, to jump to. */
  record Panes(Tmux tmux, Supplier<Fleet> fleet) {}

  /** A question in the footer, answered by a line of text (empty for a y/n). */
  private record Question(String prompt, boolean yesNo, Consumer<String> answer) {}

  private final Terminal terminal;
  private final Path repo;
  private final TopModel model;
  private final Panes panes;
  private final Display display;
  private final TopFeed feed;
  private final ScheduledExecutorService ticks = TopCommand.daemon("baton-top-clock");
  private final ExecutorService worker = TopCommand.daemon("baton-top-actions");
  private final TopActions actions;
  private final Object redraw = new Object();
  private final Attributes saved;
  private boolean dirty = true;
  private volatile boolean quit;
  private volatile int selected;
  private volatile boolean help;
  private volatile Question question;
  private final StringBuilder typed = new StringBuilder();
  private volatile String notice;
  private volatile Instant noticeAt = Instant.EPOCH;
  private List<TopModel.Row> rows = List.of();
  private final Path trace;
  private long tracedEvent = -1;
  private int drawnWidth = -1;
  private int drawnHeight = -1;

  TopTerminal(
      Terminal terminal,
      Path repo,
      TopModel model,
      Supplier<BrokerClient> clients,
      Panes panes,
      Path trace) {
    this.trace = trace;
    this.terminal = terminal;
    this.repo = repo;
    this.model = model;
    this.panes = panes;
    this.saved = terminal.enterRawMode();
    terminal.puts(Capability.enter_ca_mode);
    terminal.puts(Capability.keypad_xmit);
    terminal.puts(Capability.cursor_invisible);
    terminal.flush();
    this.display = new Display(terminal, true);
    this.feed = new TopFeed(clients, repo, model, this::changed);
    this.actions = new TopActions(clients, repo);
    terminal.handle(Terminal.Signal.WINCH, s -> changed());
    terminal.handle(Terminal.Signal.INT, s -> quit());
  }

  void run() throws IOException {
    Thread feeding = new Thread(feed, "baton-top-feed");
    feeding.setDaemon(true);
    feeding.start();
    ticks.scheduleWithFixedDelay(
        () -> {
          changed();
          worker.execute(feed::refresh);
        },
        1,
        1,
        TimeUnit.SECONDS);
    Thread drawing = new Thread(this::drawLoop, "baton-top-draw");
    drawing.setDaemon(true);
    drawing.start();
    readKeys();
  }

  private void readKeys() {
    BindingReader reader = new BindingReader(terminal.reader());
    KeyMap<String> keys = new KeyMap<>();
    keys.bind("up", KeyMap.key(terminal, Capability.key_up), "k", "\033[A", "\033OA");
    keys.bind("down", KeyMap.key(terminal, Capability.key_down), "j", "\033[B", "\033OB");
    keys.bind("pane", "\r", "\n", "g");
    for (String k : List.of("b", "h", "l", "r", "p", "u", "?", "q")) {
      keys.bind(k, k);
    }
    keys.bind("q", KeyMap.ctrl('C'), KeyMap.ctrl('D'));
    keys.setUnicode("other");
    keys.setNomatch("other");
    while (!quit) {
      if (question != null) {
        int c = reader.readCharacter();
        if (c < 0) {
          return;
        }
        answerKey(c);
        continue;
      }
      String op = reader.readBinding(keys, null, true);
      if (op == null) {
        return;
      }
      onKey(op);
    }
  }

  private void onKey(String op) {
    switch (op) {
      case "up" -> selected = Math.max(0, selected - 1);
      case "down" -> selected = Math.min(Math.max(0, rows.size() - 1), selected + 1);
      case "pane" -> withSelected(this::jump);
      case "b" ->
          ask("broadcast to every agent: ", false, text -> later(() -> actions.broadcast(text)));
      case "h" -> withSelected(this::askHandOff);
      case "l" ->
          withSelected(
              r ->
                  ask(
                      "land "
                          + r.branch()
                          + " of "
                          + Format.shortId(r.id())
                          + " into its base? (y/n) ",
                      true,
                      yes -> later(() -> actions.land(r.id()))));
      case "r" -> withSelected(this::askRelease);
      case "p" ->
          ask(
              "pause: ask every agent to finish its current step and wait for you? (y/n) ",
              true,
              yes -> later(() -> actions.pause(true)));
      case "u" ->
          ask(
              "resume: tell every agent it may go on? (y/n) ",
              true,
              yes -> later(() -> actions.pause(false)));
      case "?" -> help = !help;
      case "q" -> quit();
      default -> {
        // an unbound key
      }
    }
    changed();
  }

  private void answerKey(int c) {
    Question q = question;
    if (q.yesNo()) {
      question = null;
      if (c == 'y' || c == 'Y') {
        q.answer().accept("y");
      } else {
        notice("cancelled");
      }
    } else if (c == '\r' || c == '\n') {
      String text = typed.toString().strip();
      typed.setLength(0);
      question = null;
      if (text.isEmpty()) {
        notice("cancelled");
      } else {
        q.answer().accept(text);
      }
    } else if (c == 27 || c == 3) {
      typed.setLength(0);
      question = null;
      notice("cancelled");
    } else if (c == 127 || c == 8) {
      if (typed.length() > 0) {
        typed.setLength(typed.length() - 1);
      }
    } else if (c >= 32) {
      typed.appendCodePoint(c);
    }
    changed();
  }

  /** Asks in the footer; the answer is taken on the key thread (it may ask again). */
  private void ask(String prompt, boolean yesNo, Consumer<String> answer) {
    typed.setLength(0);
    question = new Question(prompt, yesNo, answer);
  }

  /** Runs an action against the broker on the worker thread, its outcome said in the footer. */
  private void later(Supplier<String> action) {
    worker.execute(() -> act(action));
  }

  private void withSelected(Consumer<TopModel.Row> action) {
    List<TopModel.Row> now = rows;
    if (now.isEmpty()) {
      notice("no instance to act on");
      return;
    }
    action.accept(now.get(Math.min(selected, now.size() - 1)));
  }

  /** Runs an action against the broker, saying in the footer how it went. */
  private void act(Supplier<String> action) {
    try {
      notice(action.get());
    } catch (BatonException | IllegalArgumentException e) {
      notice("✗ " + e.getMessage());
    }
  }

  private void jump(TopModel.Row r) {
    Fleet fleet = panes == null ? null : panes.fleet().get();
    String pane =
        fleet == null
            ? null
            : fleet.members().stream()
                .filter(m -> m.instance().equals(r.id()))
                .map(Fleet.Member::pane)
                .findFirst()
                .orElse(null);
    if (pane == null) {
      notice(Format.shortId(r.id()) + " has no pane in a fleet of 'baton up'");
      return;
    }
    panes.tmux().ok("select-window", "-t", pane);
    if (!panes.tmux().ok("select-pane", "-t", pane)) {
      notice("its pane " + pane + " is gone");
    }
  }

  private void askHandOff(TopModel.Row r) {
    ask(
        "hand " + Format.shortId(r.id()) + "'s work to (id, short id or role:NAME): ",
        false,
        to ->
            ask(
                "what should " + to + " do next? ",
                false,
                summary ->
                    later(
                        () ->
                            actions.handOff(
                                r.id(),
                                to,
                                summary,
                                rows.stream().map(TopModel.Row::id).toList()))));
  }

  private void askRelease(TopModel.Row r) {
    List<LeaseJson> held;
    synchronized (model) {
      held = model.leasesOf(r.id());
    }
    if (held.isEmpty()) {
      notice(Format.shortId(r.id()) + " holds no lease");
      return;
    }
    String paths = String.join(", ", held.stream().map(LeaseJson::path).limit(5).toList());
    ask(
        "release which lease of "
            + Format.shortId(r.id())
            + " ("
            + paths
            + (held.size() > 5 ? ", …" : "")
            + "; * for all)? ",
        false,
        which -> {
          List<LeaseJson> chosen =
              which.equals("*") ? held : held.stream().filter(l -> l.path().equals(which)).toList();
          if (chosen.isEmpty()) {
            notice("it holds no lease on " + which);
            return;
          }
          ask(
              "release "
                  + chosen.size()
                  + " lease(s) of "
                  + Format.shortId(r.id())
                  + " by force? The agent may lose its edit. (y/n) ",
              true,
              yes -> later(() -> actions.release(r.id(), chosen)));
        });
  }

  private void notice(String text) {
    notice = text;
    noticeAt = Instant.now();
    changed();
  }

  private void quit() {
    quit = true;
    changed();
    try {
      // wakes the key reader
      terminal.reader().close();
    } catch (IOException e) {
      // closing anyway
    }
  }

  private void changed() {
    synchronized (redraw) {
      dirty = true;
      redraw.notifyAll();
    }
  }

  private void drawLoop() {
    while (!quit) {
      synchronized (redraw) {
        while (!dirty && !quit) {
          try {
            redraw.wait(1000);
          } catch (InterruptedException e) {
            return;
          }
        }
        dirty = false;
      }
      draw();
      TopCommand.sleepQuietly(FRAME_MS);
    }
  }

  private synchronized void draw() {
    Size size = terminal.getSize();
    int width = Math.max(20, size.getColumns());
    int height = Math.max(5, size.getRows());
    Instant now = Instant.now();
    TopScreen.Frame frame;
    long shown;
    synchronized (model) {
      shown = model.lastEvent();
      rows = model.rows(now);
      selected = Math.min(selected, Math.max(0, rows.size() - 1));
      frame = frame(model, repo, feed.down(), selected, footer(now), help ? HELP : null, now);
    }
    if (width != drawnWidth || height != drawnHeight) {
      // tmux neither reflows nor keeps what the display believes is on the screen after a
      // resize: drawn again from a clear screen, or old rows stay in the new frame
      display.clear();
      drawnWidth = width;
      drawnHeight = height;
    }
    display.resize(height, width);
    // One column short of the edge: a line that fills the last column leaves the cursor waiting to
    // wrap, which terminals (tmux among them) and the diffing display disagree about.
    display.update(TopScreen.draw(frame, width - 1, height), -1);
    terminal.flush();
    traceFrame(shown);
  }

  /** With --trace: the newest event this frame shows, and when it was drawn. */
  private void traceFrame(long shown) {
    if (trace == null || shown == tracedEvent) {
      return;
    }
    tracedEvent = shown;
    try {
      java.nio.file.Files.writeString(
          trace,
          shown + " " + System.currentTimeMillis() + "\n",
          java.nio.file.StandardOpenOption.CREATE,
          java.nio.file.StandardOpenOption.APPEND);
    } catch (IOException e) {
      notice("cannot write the trace " + trace + ": " + e.getMessage());
    }
  }

  private String footer(Instant now) {
    Question q = question;
    if (q != null) {
      return q.prompt() + typed + (q.yesNo() ? "" : "▏") + "   (Esc cancels)";
    }
    if (feed.down() != null) {
      return "broker down; showing the last state known. q quits";
    }
    if (notice != null && Duration.between(noticeAt, now).compareTo(NOTICE_SHOWN) < 0) {
      return notice;
    }
    return KEYS;
  }

  /** One frame of the model as it is now; the caller holds the model's lock. */
  static TopScreen.Frame frame(
      TopModel model,
      Path repo,
      String down,
      int selected,
      String footer,
      List<String> help,
      Instant now) {
    return new TopScreen.Frame(
        repo.getFileName() == null ? repo.toString() : repo.getFileName().toString(),
        model.rows(now),
        model.waiting(),
        model.lands(3),
        model.log(50),
        model.filesLeased(),
        down,
        selected,
        footer,
        help,
        FocusLine.of(model.focus(), now, ZoneId.systemDefault()),
        now);
  }

  @Override
  public void close() {
    quit = true;
    feed.stop();
    ticks.shutdownNow();
    worker.shutdownNow();
    synchronized (this) {
      display.update(List.of(), 0);
      terminal.puts(Capability.cursor_visible);
      terminal.puts(Capability.keypad_local);
      terminal.puts(Capability.exit_ca_mode);
      terminal.flush();
      terminal.setAttributes(saved);
    }
    try {
      terminal.close();
    } catch (IOException e) {
      // the terminal is going anyway
    }
  }
}
