package dev.baton.cli;

import dev.baton.api.CoverageJson;
import dev.baton.api.DeregisteredJson;
import dev.baton.api.FocusJson;
import dev.baton.api.HealthJson;
import dev.baton.api.InstanceListJson;
import dev.baton.api.Json;
import dev.baton.api.LandJson;
import dev.baton.api.LandListJson;
import dev.baton.api.LeaseJson;
import dev.baton.api.LeaseListJson;
import dev.baton.api.RegistrationJson;
import dev.baton.api.ReleasedJson;
import dev.baton.api.RemovalJson;
import dev.baton.api.WaitingListJson;
import dev.baton.api.WorktreeListJson;
import dev.baton.api.client.BrokerClient;
import dev.baton.config.ConfigLoader;
import dev.baton.core.BatonException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * What the launcher runs once per jar, in the background, to make the class-data archive client
 * commands start from ({@code -XX:ArchiveClassesAtExit}): it walks the client path without touching
 * a broker or anything stored, so the archive holds the classes every client command loads (the
 * command models, the configuration, the wire mapper and the answers' types, the socket client).
 */
@Command(name = "warm-up", hidden = true)
final class WarmUpCommand implements Callable<Integer> {
  /** The answers the client reads; a client command deserializes one or two of them. */
  private static final List<Class<?>> ANSWERS =
      List.of(
          HealthJson.class,
          InstanceListJson.class,
          RegistrationJson.class,
          DeregisteredJson.class,
          LeaseJson.class,
          LeaseListJson.class,
          ReleasedJson.class,
          CoverageJson.class,
          WaitingListJson.class,
          LandJson.class,
          LandListJson.class,
          WorktreeListJson.class,
          RemovalJson.class,
          FocusJson.class);

  @Override
  public Integer call() {
    CommandLine all = Main.withEveryCommand();
    all.parseArgs("status");
    all.parseArgs("lease", "acquire", "--instance", "x", "src/a.txt");
    all.parseArgs("who", "src/a.txt");
    ConfigLoader.forThisProcess().load(ConfigLoader.Overrides.none());
    for (Class<?> type : ANSWERS) {
      try {
        Json.MAPPER.writeValueAsString(Json.MAPPER.readValue("{}", type));
      } catch (RuntimeException e) {
        // a record that insists on a field: its classes are loaded all the same
      }
    }
    Json.MAPPER.readTree("{\"items\":[{\"id\":1,\"summary\":\"s\",\"tags\":[\"t\"]}]}");
    Path nowhere = Path.of(System.getProperty("java.io.tmpdir"), "baton-warm-up-no-broker.sock");
    try (BrokerClient broker = BrokerClient.overUnixSocket(nowhere, true, Duration.ofSeconds(1))) {
      broker.health();
    } catch (BatonException expected) {
      // no broker there: the unreachable path is part of the client path too
    }
    return ExitCodes.OK;
  }
}
