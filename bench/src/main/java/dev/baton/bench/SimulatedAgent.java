package dev.baton.bench;

import dev.baton.api.client.BrokerClient;
import dev.baton.api.client.HttpResponse;
import dev.baton.bench.LoadTally.Op;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.locks.LockSupport;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * One simulated Claude Code session on its own thread and its own kept-alive Unix socket connection
 * to its node: it registers, opens its MCP session, then works in turns until the deadline. A turn
 * is a UserPromptSubmit hook, the handoffs it was given accepted, 3 to 8 steps each after a think
 * time, and a Stop hook; a step is an edit (PreToolUse, and PostToolUse when granted), an MCP tool
 * call through the gateway, a memory write or search, a message, an inbox read or a handoff (see
 * {@link #step}). Requests are timed from just before sending to the end of the answer; the next
 * step waits for the answer and the think time (a closed loop, as an agent is).
 */
final class SimulatedAgent implements Runnable {
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final long VISIBLE_LIMIT_NANOS = TimeUnit.SECONDS.toNanos(5);
  private static final int MAX_STEPS = 100_000;
  private static final int OWN_FILES = 20;
  private static final Map<String, String> JSON_BODY = Map.of("Content-Type", "application/json");

  /** What every agent of a fleet shares: where to work, the pacing, and each other. */
  record Setup(
      String workspace,
      String role,
      String tool,
      List<BrokerProcess> nodes,
      FleetLoad.Pacing pacing,
      int sharedFiles,
      AtomicReferenceArray<SimulatedAgent> fleet) {}

  private final Setup setup;
  private final int index;
  private final long startAt;
  private final long deadline;
  private final SplittableRandom random;
  private final LoadTally tally = new LoadTally();
  private final ConcurrentLinkedQueue<Long> handedToMe = new ConcurrentLinkedQueue<>();
  private final String sessionId = UUID.randomUUID().toString();
  private final BrokerClient[] clients;
  private volatile String id;
  private String lastGranted;
  private ClaudeHooks hooks;

  SimulatedAgent(Setup setup, int index, long startAt, long deadline, long seed) {
    this.setup = setup;
    this.index = index;
    this.startAt = startAt;
    this.deadline = deadline;
    this.random = new SplittableRandom(seed);
    this.clients = new BrokerClient[setup.nodes().size()];
  }

  LoadTally tally() {
    return tally;
  }

  /** The instance id once registered, else null. */
  String id() {
    return id;
  }

  /** Which node this agent talks to. */
  int node() {
    return index % clients.length;
  }

  @Override
  public void run() {
    try {
      for (int n = 0; n < clients.length; n++) {
        clients[n] = setup.nodes().get(n).unixClient(true);
      }
      pause(startAt - System.nanoTime());
      if (!register()) {
        return;
      }
      hooks = new ClaudeHooks(tally, setup.workspace(), setup.role(), sessionId, id);
      setup.fleet().set(index, this);
      hooks.event(own(), Op.SESSION_START, "SessionStart", Map.of("source", "startup"));
      McpSession mcp = new McpSession(own(), setup.role(), id, setup.workspace());
      long t0 = System.nanoTime();
      String problem = mcp.open(setup.tool());
      if (problem != null) {
        tally.error(Op.MCP_OPEN, problem);
        mcp = null;
      } else {
        tally.ok(Op.MCP_OPEN, System.nanoTime() - t0);
      }
      for (int steps = 0; steps < MAX_STEPS && System.nanoTime() < deadline; ) {
        steps += turn(mcp);
      }
    } catch (RuntimeException e) {
      tally.error(Op.REGISTER, "agent " + index + " stopped: " + e);
    } finally {
      for (BrokerClient c : clients) {
        if (c != null) {
          c.close();
        }
      }
    }
  }

  /** One turn; returns the number of steps taken. */
  private int turn(McpSession mcp) {
    hooks.event(own(), Op.TURN_HOOK, "UserPromptSubmit", Map.of("prompt", "next task"));
    for (Long h = handedToMe.poll(); h != null; h = handedToMe.poll()) {
      timed(
          Op.HANDOFF_ACCEPT,
          own(),
          "POST",
          "/v1/handoffs/" + h + "/accept",
          Map.of("instance", id, "note", "on it"));
    }
    int steps = 3 + random.nextInt(6);
    int done = 0;
    lastGranted = null;
    for (; done < steps && System.nanoTime() < deadline; done++) {
      think();
      if (System.nanoTime() >= deadline) {
        break;
      }
      step(mcp);
    }
    hooks.event(own(), Op.TURN_HOOK, "Stop", Map.of("stop_hook_active", false));
    return Math.max(1, done);
  }

  /**
   * One step of the mix, by weight out of 100: edit 45, MCP tool call 15, memory write 12, memory
   * search 10, message 8, inbox read 6, handoff 4.
   */
  private void step(McpSession mcp) {
    int roll = random.nextInt(100);
    if (roll < 45) {
      edit();
    } else if (roll < 60) {
      mcpCall(mcp);
    } else if (roll < 72) {
      memoryWrite();
    } else if (roll < 82) {
      search();
    } else if (roll < 90) {
      message();
    } else if (roll < 96) {
      timed(
          Op.INBOX,
          own(),
          "GET",
          "/v1/messages?instance=" + id + "&unread=true&markRead=true&limit=20",
          null);
    } else {
      handoff();
    }
  }

  private boolean register() {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("role", setup.role());
    body.put("workspace", setup.workspace());
    body.put("client", "claude");
    JsonNode answer = timed(Op.REGISTER, own(), "POST", "/v1/instances", body);
    id = answer == null ? null : answer.path("instance").path("id").asString(null);
    return id != null;
  }

  /**
   * Edit of a file: a quarter of the edits go to the files every agent shares (where conflicts
   * happen), the rest to the agent's own files.
   */
  private void edit() {
    String file =
        random.nextInt(4) == 0
            ? "src/shared/module-" + random.nextInt(setup.sharedFiles()) + ".py"
            : "src/agent-" + index + "/file-" + random.nextInt(OWN_FILES) + ".py";
    if (hooks.edit(own(), file) == ClaudeHooks.Edit.GRANTED) {
      lastGranted = file;
    }
  }

  private void mcpCall(McpSession mcp) {
    if (mcp == null) {
      tally.error(Op.MCP_CALL, "no MCP session (initialize failed)");
      return;
    }
    String text = "step of agent " + index;
    long t0 = System.nanoTime();
    McpSession.Answer a;
    try {
      a = mcp.call(setup.tool(), Map.of("message", text));
    } catch (RuntimeException e) {
      tally.error(Op.MCP_CALL, e.toString());
      return;
    }
    long took = System.nanoTime() - t0;
    if (a.problem() != null) {
      tally.error(Op.MCP_CALL, a.problem());
    } else if (!a.result().toString().contains(text)) {
      tally.error(Op.MCP_CALL, "the echo did not come back: " + a.result());
    } else {
      tally.ok(Op.MCP_CALL, took);
    }
  }

  /** Two decisions for every progress entry, with words a search can find. */
  private void memoryWrite() {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("instance", id);
    if (random.nextInt(3) < 2) {
      body.put("summary", "use " + Words.phrase(random, 6) + " for " + Words.phrase(random, 3));
      body.put("rationale", Words.phrase(random, 24));
      body.put("tags", List.of("t" + random.nextInt(20)));
      timed(Op.MEMORY_WRITE, own(), "POST", "/v1/memory/decisions", body);
    } else {
      body.put("status", "IN_PROGRESS");
      body.put("description", Words.phrase(random, 12));
      timed(Op.MEMORY_WRITE, own(), "POST", "/v1/memory/progress", body);
    }
  }

  private void search() {
    String q = Words.phrase(random, 1 + random.nextInt(2));
    timed(
        Op.MEMORY_SEARCH,
        own(),
        "GET",
        "/v1/memory/search?instance="
            + id
            + "&limit=10&q="
            + URLEncoder.encode(q, StandardCharsets.UTF_8),
        null);
  }

  private void message() {
    SimulatedAgent to = another();
    if (to == null) {
      return;
    }
    timed(
        Op.MESSAGE,
        own(),
        "POST",
        "/v1/messages",
        Map.of("from", id, "to", to.id(), "text", "status: " + Words.phrase(random, 8)));
  }

  /**
   * Hands the file granted last in this turn (or nothing, when none was) to another agent, and
   * polls the recipient's inbox on the recipient's node until the handoff is there.
   */
  private void handoff() {
    SimulatedAgent to = another();
    if (to == null) {
      return;
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("from", id);
    body.put("to", to.id());
    body.put("summary", "take over: " + Words.phrase(random, 6));
    body.put("files", lastGranted == null ? List.of() : List.of(lastGranted));
    long t0 = System.nanoTime();
    JsonNode h = send(Op.HANDOFF, own(), "POST", "/v1/handoffs", body);
    if (h == null) {
      return;
    }
    lastGranted = null;
    long handoff = h.path("id").asLong(-1);
    BrokerClient theirs = clients[to.node()];
    String inbox = "/v1/messages?instance=" + to.id() + "&limit=50";
    for (int poll = 0; poll < 1000; poll++) {
      JsonNode in = send(Op.HANDOFF, theirs, "GET", inbox, null);
      if (in == null) {
        return;
      }
      for (JsonNode m : in.path("messages")) {
        if (m.path("handoff").asLong(-2) == handoff) {
          tally.ok(Op.HANDOFF, System.nanoTime() - t0);
          to.handedToMe.add(handoff);
          return;
        }
      }
      if (System.nanoTime() - t0 > VISIBLE_LIMIT_NANOS) {
        break;
      }
      pause(TimeUnit.MILLISECONDS.toNanos(5));
    }
    tally.error(Op.HANDOFF, "handoff " + handoff + " not in the recipient's inbox after 5 s");
  }

  /** A request timed as {@code op}: 2xx is success, anything else an error. */
  private JsonNode timed(Op op, BrokerClient c, String method, String path, Object body) {
    long t0 = System.nanoTime();
    JsonNode answer = send(op, c, method, path, body);
    if (answer != null) {
      tally.ok(op, System.nanoTime() - t0);
    }
    return answer;
  }

  /** The JSON of a 2xx answer, or null after counting the error. */
  private JsonNode send(Op op, BrokerClient c, String method, String path, Object body) {
    try {
      HttpResponse r =
          c.send(method, path, JSON_BODY, body == null ? null : JSON.writeValueAsBytes(body));
      if (r.status() / 100 != 2) {
        tally.error(op, method + " " + path + " answered " + r.status() + ": " + r.bodyText());
        return null;
      }
      return JSON.readTree(r.body());
    } catch (RuntimeException e) {
      tally.error(op, method + " " + path + " failed: " + e);
      return null;
    }
  }

  /** Another registered agent of the fleet, or null when none is yet. */
  private SimulatedAgent another() {
    int n = setup.fleet().length();
    for (int tries = 0; tries < 8 && n > 1; tries++) {
      SimulatedAgent a = setup.fleet().get(random.nextInt(n));
      if (a != null && a != this) {
        return a;
      }
    }
    return null;
  }

  private BrokerClient own() {
    return clients[node()];
  }

  /** The think time before a step, jittered; how late the thread woke is the harness's lag. */
  private void think() {
    FleetLoad.Pacing p = setup.pacing();
    long nanos = TimeUnit.MILLISECONDS.toNanos(p.thinkMs()) * (50 + random.nextInt(101)) / 100;
    long wake = System.nanoTime() + nanos;
    pause(nanos);
    tally.lag(Math.max(0, System.nanoTime() - wake));
  }

  private static void pause(long nanos) {
    long until = System.nanoTime() + nanos;
    for (int i = 0; i < 1000 && System.nanoTime() < until; i++) {
      LockSupport.parkNanos(until - System.nanoTime());
    }
  }
}
