package dev.baton.cli;

import dev.baton.api.LandBody;
import dev.baton.api.LeaseJson;
import dev.baton.api.client.BrokerClient;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import tools.jackson.databind.JsonNode;

/**
 * What {@code baton top}'s keys ask of the broker, for the person ({@code from: human}): each
 * action returns the line the footer shows, and throws {@link dev.baton.core.BatonException} or
 * {@link IllegalArgumentException} with the reason when it could not be done. Runs on the
 * terminal's worker thread; holds no state of the screen.
 */
final class TopActions {
  private final Supplier<BrokerClient> clients;
  private final Path repo;

  TopActions(Supplier<BrokerClient> clients, Path repo) {
    this.clients = clients;
    this.repo = repo;
  }

  String broadcast(String text) {
    JsonNode answer = message("all", text, "normal");
    return "message #"
        + answer.path("message").asLong()
        + " sent to "
        + answer.path("recipients").size()
        + " agents";
  }

  /** Asks every agent (urgent) to pause or to resume: there is no pause in the broker itself. */
  String pause(boolean pause) {
    String text =
        pause
            ? "The person asks every agent to pause: finish the current step, checkpoint, and do"
                + " not start new work until told to resume."
            : "The person says: resume your work.";
    message("all", text, "urgent");
    return pause ? "asked every agent to pause ('u' resumes)" : "told every agent to resume";
  }

  /**
   * Hands {@code from}'s work and all its leases to {@code to}: an id, a short id or prefix of one
   * of {@code shown}, or {@code role:NAME}.
   */
  String handOff(String from, String to, String summary, List<String> shown) {
    String recipient = resolve(to, shown);
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("from", from);
    body.put("to", recipient);
    body.put("summary", summary);
    body.put("allFiles", true);
    try (BrokerClient broker = clients.get()) {
      JsonNode h = broker.call("POST", "/v1/handoffs", body, JsonNode.class);
      return "handoff #" + h.path("id").asLong() + " sent to " + recipient;
    }
  }

  String land(String instance) {
    try (BrokerClient broker = clients.get()) {
      var land = broker.land(new LandBody(instance, null));
      return "land #" + land.id() + " of " + Format.shortId(instance) + " " + land.status();
    }
  }

  /** Releases the instance's leases by force, as the person. */
  String release(String instance, List<LeaseJson> leases) {
    try (BrokerClient broker = clients.get()) {
      for (LeaseJson l : leases) {
        broker.release(l.id(), instance, true, "human");
      }
    }
    return "released " + leases.size() + " lease(s) of " + Format.shortId(instance);
  }

  /** An instance id from a short id or prefix of one of {@code shown}; role:NAME as it is. */
  static String resolve(String to, List<String> shown) {
    if (to.startsWith("role:")) {
      return to;
    }
    List<String> matches = shown.stream().filter(id -> id.equals(to) || id.startsWith(to)).toList();
    if (matches.contains(to)) {
      return to;
    }
    if (matches.size() == 1) {
      return matches.get(0);
    }
    throw new IllegalArgumentException(
        matches.isEmpty()
            ? "no instance here is called '" + to + "'"
            : "'" + to + "' could be " + String.join(" or ", matches) + "; type more of it");
  }

  private JsonNode message(String to, String text, String importance) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("from", "human");
    body.put("workspace", repo.toString());
    body.put("to", to);
    body.put("text", text);
    body.put("importance", importance);
    try (BrokerClient broker = clients.get()) {
      return broker.call("POST", "/v1/messages", body, JsonNode.class);
    }
  }
}
