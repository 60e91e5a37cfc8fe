package dev.baton.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.testing.Processes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code ./baton} launcher as a client command sees it: the whole command tree for help, one
 * command built for a command line that names it, and the class-data archive client commands start
 * from, made once per jar in the background and used from then on.
 */
class LauncherIT {
  private static final Duration ARCHIVE_MADE = Duration.ofSeconds(60);

  @TempDir Path tmp;

  private BrokerSandbox sandbox;
  private BrokerProcess broker;
  private Path jars;
  private Path jar;

  @BeforeEach
  void copyTheJarWhereItsArchiveCanBeSeen() throws IOException {
    jars = Files.createDirectories(tmp.resolve("jars"));
    jar = Files.copy(BrokerSandbox.jar(), jars.resolve("baton.jar"));
    sandbox = BrokerSandbox.in(tmp.resolve("b")).withEnv("BATON_JAR", jar.toString());
  }

  @AfterEach
  void stopTheBroker() {
    if (broker != null) {
      broker.close();
    }
  }

  @Test
  void helpListsEveryCommandButTheLaunchersOwn() {
    String help = sandbox.withEnv("BATON_CDS", "off").expect(0, "--help").stdout();

    for (String command :
        List.of("serve", "status", "lease", "who", "memory", "handoff", "up", "top", "tmux")) {
      assertThat(help).as("help lists %s", command).containsPattern("(?m)^  " + command + " ");
    }
    assertThat(help).doesNotContain("warm-up").doesNotContain("fleet-keepalive");
    assertThat(sandbox.withEnv("BATON_CDS", "off").expect(0, "help", "lease").stdout())
        .contains("Usage: baton lease")
        .contains("acquire");
    assertThat(sandbox.withEnv("BATON_CDS", "off").expect(2, "stauts").stderr())
        .contains("'stauts'")
        .contains("baton --help");
  }

  @Test
  void aCommandLineThatNamesOneCommandStillParsesItsSubcommandsAndOptions() {
    Processes.Result r = sandbox.withEnv("BATON_CDS", "off").expect(2, "lease", "acquire");

    assertThat(r.stderr()).contains("Missing required parameter").contains("PATH");
    assertThat(sandbox.withEnv("BATON_CDS", "off").expect(0, "lease", "acquire", "--help").stdout())
        .contains("--wait");
  }

  @Test
  void theFirstClientCommandMakesAnArchiveThatTheNextOnesStartFrom() throws IOException {
    Processes.Result first = sandbox.expect(0, "--version");

    assertThat(first.stdout()).as("nothing but the version on stdout").matches("baton \\S+\n");
    assertThat(first.stderr()).doesNotContain("cds");
    Path archive = awaitOneArchive();
    assertThat(Files.list(jars).map(p -> p.getFileName().toString()))
        .as("no lock or half-written archive left")
        .containsExactlyInAnyOrder("baton.jar", archive.getFileName().toString());

    // -Xshare:on makes the JVM refuse to start unless it maps the archive
    Processes.Result second =
        sandbox.withEnv("BATON_JAVA_OPTS", "-Xshare:on").expect(0, "--version");
    assertThat(second.stdout()).isEqualTo(first.stdout());

    Files.setLastModifiedTime(
        jar, FileTime.from(Files.getLastModifiedTime(jar).toInstant().plusSeconds(60)));
    sandbox.expect(0, "--version");
    Awaitility.await("an archive for the rebuilt jar, the old one removed")
        .atMost(ARCHIVE_MADE)
        .until(() -> archives().size() == 1 && !archives().contains(archive));
  }

  @Test
  void withOnlyTheEssentialsOnPathACommandRunsWithoutAnArchive() throws Exception {
    Path bin = Files.createDirectories(tmp.resolve("bin"));
    for (String tool : List.of("bash", "dirname", "readlink", "java")) {
      Processes.Result where =
          Processes.run(tmp, Map.of(), List.of("bash", "-c", "command -v " + tool));
      Files.createSymbolicLink(bin.resolve(tool), Path.of(where.stdout().strip()).toRealPath());
    }

    Processes.Result r = sandbox.cli(Map.of("PATH", bin.toString()), "--version");

    assertThat(r.exitCode()).as(r.stderr()).isZero(); // no stat to name an archive with
    assertThat(r.stdout()).matches("baton \\S+\n");
  }

  @Test
  void noArchiveWhenItIsTurnedOff() throws Exception {
    sandbox.withEnv("BATON_CDS", "off").expect(0, "--version");
    sandbox.withEnv("BATON_CDS", "off").expect(0, "--version");

    Thread.sleep(2000); // a warm-up, had one started, would have written its lock by now
    try (Stream<Path> files = Files.list(jars)) {
      assertThat(files.map(p -> p.getFileName().toString())).containsExactly("baton.jar");
    }
  }

  @Test
  void aClientCommandRunsWhileTheArchiveIsBeingMade() throws IOException {
    broker = sandbox.start();

    Processes.Result status = sandbox.cli(Map.of(), "status", "--json");

    assertThat(status.exitCode()).as(status.stderr()).isZero();
    assertThat(status.stdout().strip()).startsWith("{").endsWith("}");
    awaitOneArchive();
  }

  private Path awaitOneArchive() throws IOException {
    Awaitility.await("the class-data archive beside " + jar)
        .atMost(ARCHIVE_MADE)
        .until(() -> archives().size() == 1 && !Files.exists(lock(archives().get(0))));
    return archives().get(0);
  }

  private static Path lock(Path archive) {
    return archive.resolveSibling(archive.getFileName() + ".lock");
  }

  private List<Path> archives() throws IOException {
    try (Stream<Path> files = Files.list(jars)) {
      return files.filter(p -> p.getFileName().toString().endsWith(".jsa")).toList();
    }
  }
}
