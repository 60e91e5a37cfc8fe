package dev.baton.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.baton.core.InvalidInputException;
import dev.baton.events.Event;
import dev.baton.memory.ContextKind;
import dev.baton.memory.ContextUpdate;
import dev.baton.memory.MemoryConfig;
import dev.baton.memory.MemoryContext;
import dev.baton.memory.MemoryHit;
import dev.baton.memory.MemoryItem;
import dev.baton.memory.MemoryItemNotFoundException;
import dev.baton.memory.MemoryKind;
import dev.baton.memory.MemoryQuery;
import dev.baton.memory.MemoryService;
import dev.baton.memory.NewMemoryItem;
import dev.baton.memory.internal.DefaultMemoryService;
import dev.baton.store.internal.SqlStore;
import dev.baton.testing.MutableClock;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What the shared memory must do on every backend, through the real store and service: attribution,
 * visibility, one ranked full-text search over every kind with filters, replacement by key, and
 * nothing stored on bad input. Subclassed once per backend.
 */
public abstract class MemoryStoreContract {
  private static final String REPO = "/repo";
  private static final String OTHER = "/other";

  protected final MutableClock clock = MutableClock.at("2026-11-21T10:00:00Z");
  protected final List<Event> published = Collections.synchronizedList(new ArrayList<>());
  protected Store store;
  protected MemoryService memory;

  /** A fresh, empty store's configuration. */
  protected abstract StoreConfig storeConfig();

  @BeforeEach
  void open() {
    store = SqlStore.open(storeConfig(), clock, published::addAll, new PrometheusRegistry());
    memory =
        new DefaultMemoryService(
            store.memory(), new MemoryConfig(2000, 50, MemoryConfig.ToolSet.COMPACT), clock);
  }

  @AfterEach
  void close() {
    if (store != null) {
      store.close();
    }
  }

  private MemoryItem decision(String by, String summary, String rationale, String... tags) {
    return memory.log(
        new NewMemoryItem(
            REPO,
            MemoryKind.DECISION,
            summary,
            null,
            rationale,
            "details of " + summary,
            null,
            null,
            List.of(tags),
            by,
            false));
  }

  private List<MemoryHit> search(String viewer, String text) {
    return memory.search(new MemoryQuery(REPO, viewer, text, Set.of(), List.of(), null, null, 20));
  }

  private static List<String> titles(List<MemoryHit> hits) {
    return hits.stream().map(h -> h.item().title()).toList();
  }

  @Test
  void aDecisionLoggedByOneInstanceIsFoundByAnotherWithEveryField() {
    MemoryItem logged =
        decision("a-1", "Use PostgreSQL for the team store", "several machines share it", "db");

    List<MemoryHit> hits = search("b-1", "postgresql store");

    assertThat(hits).hasSize(1);
    MemoryItem found = hits.get(0).item();
    assertThat(found).isEqualTo(logged);
    assertThat(found.kind()).isEqualTo(MemoryKind.DECISION);
    assertThat(found.instance()).isEqualTo("a-1");
    assertThat(found.tags()).containsExactly("db");
    assertThat(found.details()).isEqualTo("details of Use PostgreSQL for the team store");
    assertThat(found.createdAt()).isEqualTo(clock.instant());
    assertThat(hits.get(0).score()).isPositive();
  }

  @Test
  void everyWordMustMatchAndWordsAreStemmed() {
    decision("a-1", "Cache the catalogue per role", "rebuilding it on every call was slow");
    decision("a-1", "Pin the formatter version", "newer ones need a newer JDK");

    assertThat(titles(search("b-1", "caching catalogues")))
        .containsExactly("Cache the catalogue per role");
    assertThat(titles(search("b-1", "caching formatter"))).isEmpty();
  }

  @Test
  void aMatchInTheTitleRanksAboveAMatchInTheRationale() {
    decision("a-1", "Retry the store once", "because sqlite reports busy under load");
    decision("a-1", "Use sqlite by default", "no server to install");

    assertThat(titles(search("b-1", "sqlite")))
        .containsExactly("Use sqlite by default", "Retry the store once");
  }

  @Test
  void searchCoversEveryKindAndFiltersByKindTagInstanceAndStatus() {
    decision("a-1", "Leases expire after a TTL", "crashed agents must not hold files", "leases");
    memory.log(
        new NewMemoryItem(
            REPO,
            MemoryKind.PROGRESS,
            "Write lease expiry tests",
            null,
            null,
            null,
            "IN_PROGRESS",
            null,
            List.of("leases"),
            "b-1",
            false));
    memory.log(
        new NewMemoryItem(
            REPO,
            MemoryKind.SYSTEM_PATTERN,
            "Lease before edit",
            null,
            "every edit takes a lease first",
            null,
            null,
            null,
            List.of(),
            "a-1",
            false));
    memory.log(
        new NewMemoryItem(
            REPO,
            MemoryKind.CUSTOM_DATA,
            "ttl",
            "lease-settings",
            "{\"default\": \"10m\"}",
            null,
            null,
            null,
            List.of(),
            "a-1",
            false));

    assertThat(search("c-1", "lease")).hasSize(4);
    assertThat(
            memory.search(
                new MemoryQuery(
                    REPO, "c-1", "lease", Set.of(MemoryKind.PROGRESS), List.of(), null, null, 20)))
        .extracting(h -> h.item().title())
        .containsExactly("Write lease expiry tests");
    assertThat(
            memory.search(
                new MemoryQuery(
                    REPO, "c-1", "lease", Set.of(), List.of("leases"), "a-1", null, 20)))
        .extracting(h -> h.item().title())
        .containsExactly("Leases expire after a TTL");
    assertThat(
            memory.search(
                new MemoryQuery(REPO, "c-1", null, Set.of(), List.of(), null, "IN_PROGRESS", 20)))
        .extracting(h -> h.item().title())
        .containsExactly("Write lease expiry tests");
  }

  @Test
  void aSearchMatchingMoreItemsThanItRanksReturnsTheBestOfTheNewestBestFirst() {
    MemoryItem oldest = decision("a-1", "Gamma gamma gamma", "the best match, but the oldest");
    List<NewMemoryItem> newer = new ArrayList<>();
    for (int i = 0; i < MemoryQuery.RANKED; i++) {
      newer.add(newDecision("Filler " + i, "mentions gamma once among many other words " + i));
    }
    memory.logAll(newer);
    MemoryItem titled = decision("a-1", "Gamma in the title", "the newest");

    List<MemoryHit> hits = search("b-1", "gamma");

    assertThat(hits).hasSize(20);
    assertThat(hits.get(0).item()).isEqualTo(titled);
    assertThat(hits).extracting(h -> h.item().id()).doesNotContain(oldest.id());
    assertThat(hits).extracting(MemoryHit::score).isSortedAccordingTo(Collections.reverseOrder());
    assertThat(titles(search("b-1", "gamma oldest"))).containsExactly("Gamma gamma gamma");
  }

  @Test
  void filtersApplyBeforeTheRankingCapSoAnOldFilteredMatchIsStillFound() {
    memory.log(
        new NewMemoryItem(
            REPO,
            MemoryKind.PROGRESS,
            "Delta migration",
            null,
            null,
            null,
            "TODO",
            null,
            List.of("old"),
            "b-1",
            false));
    List<NewMemoryItem> newer = new ArrayList<>();
    for (int i = 0; i < MemoryQuery.RANKED + 10; i++) {
      newer.add(newDecision("Delta " + i, "delta again"));
    }
    memory.logAll(newer);

    assertThat(titles(search("c-1", "delta"))).doesNotContain("Delta migration");
    assertThat(
            List.of(
                new MemoryQuery(
                    REPO, "c-1", "delta", Set.of(MemoryKind.PROGRESS), List.of(), null, null, 20),
                new MemoryQuery(REPO, "c-1", "delta", Set.of(), List.of("old"), null, null, 20),
                new MemoryQuery(REPO, "c-1", "delta", Set.of(), List.of(), "b-1", null, 20),
                new MemoryQuery(REPO, "c-1", "delta", Set.of(), List.of(), null, "TODO", 20)))
        .allSatisfy(q -> assertThat(titles(memory.search(q))).containsExactly("Delta migration"));
  }

  @Test
  void privateItemsAreSeenOnlyByTheirInstanceAndOtherWorkspacesNotAtAll() {
    memory.log(
        new NewMemoryItem(
            REPO,
            MemoryKind.DECISION,
            "Secret plan for the parser",
            null,
            null,
            null,
            null,
            null,
            List.of(),
            "a-1",
            true));
    memory.log(
        new NewMemoryItem(
            OTHER,
            MemoryKind.DECISION,
            "Parser in another repository",
            null,
            null,
            null,
            null,
            null,
            List.of(),
            "a-1",
            false));

    assertThat(titles(search("a-1", "parser"))).containsExactly("Secret plan for the parser");
    assertThat(search("b-1", "parser")).isEmpty();
    Event event = published.get(published.size() - 2);
    assertThat(event.type()).isEqualTo("memory.logged");
    assertThat(event.data()).containsEntry("private", true).doesNotContainKey("title");
  }

  @Test
  void customDataAndPatternsAreReplacedByTheirKeyNotDuplicated() {
    NewMemoryItem first =
        new NewMemoryItem(
            REPO,
            MemoryKind.CUSTOM_DATA,
            "owner",
            "glossary",
            "\"ada\"",
            null,
            null,
            null,
            List.of(),
            "a-1",
            false);
    MemoryItem a = memory.log(first);
    clock.advance(java.time.Duration.ofSeconds(5));
    MemoryItem b =
        memory.log(
            new NewMemoryItem(
                REPO,
                MemoryKind.CUSTOM_DATA,
                "owner",
                "glossary",
                "\"grace\"",
                null,
                null,
                null,
                List.of(),
                "b-1",
                false));

    assertThat(b.id()).isEqualTo(a.id());
    assertThat(b.body()).isEqualTo("\"grace\"");
    assertThat(b.instance()).isEqualTo("b-1");
    assertThat(b.updatedAt()).isAfter(b.createdAt());
    assertThat(titles(search("c-1", "owner"))).containsExactly("owner");
    assertThat(titles(search("c-1", "grace"))).containsExactly("owner");
    assertThat(search("c-1", "ada")).isEmpty();
  }

  @Test
  void badInputIsRefusedWithTheFieldNamedAndNothingIsStored() {
    decision("a-1", "Keep this one", "it is fine");

    assertThatThrownBy(() -> decision("a-1", " ", "no summary"))
        .isInstanceOf(InvalidInputException.class)
        .hasMessage("'summary' is required");
    assertThatThrownBy(
            () ->
                memory.log(
                    new NewMemoryItem(
                        REPO,
                        MemoryKind.CUSTOM_DATA,
                        "k",
                        "c",
                        "{not json",
                        null,
                        null,
                        null,
                        List.of(),
                        "a-1",
                        false)))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("'value' of custom data c/k is not valid JSON");
    assertThatThrownBy(
            () ->
                memory.log(
                    new NewMemoryItem(
                        REPO,
                        MemoryKind.PROGRESS,
                        "child",
                        null,
                        null,
                        null,
                        "TODO",
                        999L,
                        List.of(),
                        "a-1",
                        false)))
        .isInstanceOf(MemoryItemNotFoundException.class)
        .hasMessageContaining("no memory item 999");
    assertThatThrownBy(() -> decision("a-1", "big", "x".repeat(2001)))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("the limit is 2000");

    assertThat(
            memory.search(new MemoryQuery(REPO, "a-1", null, Set.of(), List.of(), null, null, 50)))
        .extracting(h -> h.item().title())
        .containsExactly("Keep this one");
  }

  @Test
  void queriesThatLookLikeSearchSyntaxAreTakenAsWords() {
    decision("a-1", "Quote \"paths\" in hooks", "NEAR the shell (OR not)");

    assertThat(titles(search("b-1", "\"paths\" OR NEAR(")))
        .containsExactly("Quote \"paths\" in hooks");
    assertThat(search("b-1", "*** ::: ---")).isEmpty();
  }

  private MemoryContext update(
      String owner, Map<String, Object> content, Map<String, Object> patch, String by) {
    return memory.updateContext(
        new ContextUpdate(REPO, ContextKind.ACTIVE, owner, content, patch, by));
  }

  @Test
  void aContextIsReplacedOrPatchedAndEveryVersionIsKept() {
    assertThat(memory.context(REPO, ContextKind.PRODUCT, null).version()).isZero();
    update(null, Map.of("focus", "leases", "blocked", "nothing"), null, "a-1");
    clock.advance(java.time.Duration.ofSeconds(1));
    MemoryContext patched =
        update(null, null, Map.of("focus", "memory", "blocked", ContextUpdate.DELETE), "b-1");

    assertThat(patched.version()).isEqualTo(2);
    assertThat(patched.content()).containsExactly(Map.entry("focus", "memory"));
    assertThat(patched.instance()).isEqualTo("b-1");
    assertThat(memory.context(REPO, ContextKind.ACTIVE, null)).isEqualTo(patched);
    List<MemoryContext> history = memory.contextHistory(REPO, ContextKind.ACTIVE, null, 10);
    assertThat(history).hasSize(1);
    assertThat(history.get(0).version()).isEqualTo(1);
    assertThat(history.get(0).content()).containsEntry("blocked", "nothing");
    assertThat(history.get(0).instance()).isEqualTo("a-1");
  }

  @Test
  void eachInstanceHasItsOwnActiveContextBesideTheSharedOne() {
    update(null, Map.of("focus", "shared"), null, "a-1");
    update("a-1", Map.of("focus", "mine"), null, "a-1");

    assertThat(memory.context(REPO, ContextKind.ACTIVE, null).content())
        .containsEntry("focus", "shared");
    assertThat(memory.context(REPO, ContextKind.ACTIVE, "a-1").content())
        .containsEntry("focus", "mine");
    assertThat(memory.context(REPO, ContextKind.ACTIVE, "b-1").version()).isZero();
    assertThat(memory.context(OTHER, ContextKind.ACTIVE, null).version()).isZero();
  }

  @Test
  void aBadContextUpdateNamesTheProblemAndChangesNothing() {
    update(null, Map.of("focus", "leases"), null, "a-1");

    assertThatThrownBy(() -> update(null, null, Map.of("owner", ContextUpdate.DELETE), "a-1"))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("the patch removes 'owner', which the active context does not have")
        .hasMessageContaining("its keys: focus");
    assertThatThrownBy(() -> update(null, null, null, "a-1"))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("not neither");
    assertThatThrownBy(() -> update(null, Map.of("x", "y".repeat(3000)), null, "a-1"))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("the limit is 2000");

    MemoryContext now = memory.context(REPO, ContextKind.ACTIVE, null);
    assertThat(now.version()).isEqualTo(1);
    assertThat(now.content()).containsExactly(Map.entry("focus", "leases"));
    assertThat(memory.contextHistory(REPO, ContextKind.ACTIVE, null, 10)).isEmpty();
  }

  @Test
  void recentActivityListsWhatChangedSinceATimePerType() {
    decision("a-1", "Old decision", "from before");
    clock.advance(java.time.Duration.ofHours(3));
    java.time.Instant since = clock.instant().minus(java.time.Duration.ofHours(1));
    decision("a-1", "New decision", "from now");
    memory.log(
        new NewMemoryItem(
            REPO,
            MemoryKind.PROGRESS,
            "New task",
            null,
            null,
            null,
            "TODO",
            null,
            List.of(),
            "b-1",
            false));
    update(null, Map.of("focus", "recent"), null, "b-1");

    dev.baton.memory.RecentActivity a = memory.recentActivity(REPO, "c-1", since, 5);

    assertThat(a.items().get(MemoryKind.DECISION))
        .extracting(MemoryItem::title)
        .containsExactly("New decision");
    assertThat(a.items().get(MemoryKind.PROGRESS))
        .extracting(MemoryItem::title)
        .containsExactly("New task");
    assertThat(a.items().get(MemoryKind.CUSTOM_DATA)).isEmpty();
    assertThat(a.contexts()).extracting(MemoryContext::kind).containsExactly(ContextKind.ACTIVE);
  }

  @Test
  void linksJoinTwoVisibleItemsOnceAndAreFoundFromEitherEnd() {
    MemoryItem d = decision("a-1", "Use FTS5", "ranked search");
    MemoryItem p =
        memory.log(
            new NewMemoryItem(
                REPO,
                MemoryKind.PROGRESS,
                "Build search",
                null,
                null,
                null,
                "DONE",
                null,
                List.of(),
                "a-1",
                false));

    dev.baton.memory.MemoryLink link =
        memory.link(
            REPO,
            "a-1",
            MemoryKind.DECISION,
            d.id(),
            MemoryKind.PROGRESS,
            p.id(),
            "implements",
            "the search is the decision");
    dev.baton.memory.MemoryLink again =
        memory.link(
            REPO,
            "b-1",
            MemoryKind.DECISION,
            d.id(),
            MemoryKind.PROGRESS,
            p.id(),
            "implements",
            null);

    assertThat(again).isEqualTo(link);
    assertThat(memory.linkedItems(REPO, "b-1", MemoryKind.PROGRESS, p.id(), null, 10))
        .singleElement()
        .satisfies(
            li -> {
              assertThat(li.item()).isEqualTo(d);
              assertThat(li.outgoing()).isFalse();
              assertThat(li.link().relationship()).isEqualTo("implements");
            });
    assertThat(memory.linkedItems(REPO, "b-1", MemoryKind.DECISION, d.id(), "blocks", 10))
        .isEmpty();
  }

  @Test
  void aLinkToAnItemThatIsMissingHiddenOrOfAnotherKindIsRefused() {
    MemoryItem d = decision("a-1", "Visible", "yes");
    MemoryItem secret =
        memory.log(
            new NewMemoryItem(
                REPO,
                MemoryKind.DECISION,
                "Hidden",
                null,
                null,
                null,
                null,
                null,
                List.of(),
                "a-1",
                true));

    assertThatThrownBy(
            () ->
                memory.link(
                    REPO,
                    "b-1",
                    MemoryKind.DECISION,
                    d.id(),
                    MemoryKind.DECISION,
                    secret.id(),
                    "related_to",
                    null))
        .isInstanceOf(MemoryItemNotFoundException.class);
    assertThatThrownBy(
            () ->
                memory.link(
                    REPO,
                    "a-1",
                    MemoryKind.PROGRESS,
                    d.id(),
                    MemoryKind.DECISION,
                    secret.id(),
                    "related_to",
                    null))
        .isInstanceOf(InvalidInputException.class)
        .hasMessage("item " + d.id() + " is a decision, not a progress");
    assertThatThrownBy(
            () ->
                memory.link(
                    REPO,
                    "a-1",
                    MemoryKind.DECISION,
                    d.id(),
                    MemoryKind.DECISION,
                    d.id(),
                    "related_to",
                    null))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("cannot be linked to itself");
    assertThat(memory.linkedItems(REPO, "a-1", MemoryKind.DECISION, d.id(), null, 10)).isEmpty();
  }

  private java.nio.file.Path conport() {
    try {
      java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("conport");
      return dev.baton.testing.ConPortDatabase.create(dir.resolve("context.db"));
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @Test
  void aConPortDatabaseIsImportedWithItsTimesParentsLinksAndContextHistory() {
    dev.baton.memory.ImportSummary summary = memory.importConPort(conport(), REPO);

    assertThat(summary.added()).isEqualTo(7);
    assertThat(summary.linksAdded()).isEqualTo(1);
    assertThat(summary.contextsUpdated()).isEqualTo(2);
    assertThat(summary.skipped()).singleElement().asString().contains("product_context");
    MemoryItem billing = search("b-1", "billing postgres").get(0).item();
    assertThat(billing.kind()).isEqualTo(MemoryKind.DECISION);
    assertThat(billing.tags()).containsExactly("db", "billing");
    assertThat(billing.createdAt()).isEqualTo(java.time.Instant.parse("2025-05-03T10:15:30.123Z"));
    assertThat(billing.instance()).isNull();
    MemoryItem child = search("b-1", "billing schema").get(0).item();
    MemoryItem parent = search("b-1", "migrate billing").get(0).item();
    assertThat(child.parentId()).isEqualTo(parent.id());
    assertThat(memory.linkedItems(REPO, "b-1", MemoryKind.DECISION, billing.id(), null, 10))
        .singleElement()
        .satisfies(li -> assertThat(li.item()).isEqualTo(parent));
    assertThat(search("b-1", "ledger payments").get(0).item().body())
        .isEqualTo("\"the book of all payments\"");
    MemoryContext product = memory.context(REPO, ContextKind.PRODUCT, null);
    assertThat(product.content()).containsEntry("goal", "ship v2");
    assertThat(product.version()).isEqualTo(3);
    assertThat(memory.contextHistory(REPO, ContextKind.PRODUCT, null, 10))
        .extracting(c -> c.content().get("goal"))
        .containsExactly("ship v1", null);
  }

  @Test
  void importingTheSameDatabaseAgainAddsNothing() {
    java.nio.file.Path db = conport();
    memory.importConPort(db, REPO);
    int events = published.size();

    dev.baton.memory.ImportSummary again = memory.importConPort(db, REPO);

    assertThat(again.added()).isZero();
    assertThat(again.alreadyThere()).isEqualTo(7);
    assertThat(again.linksAdded()).isZero();
    assertThat(again.contextsUpdated()).isZero();
    assertThat(
            memory.search(new MemoryQuery(REPO, "a-1", null, Set.of(), List.of(), null, null, 50)))
        .hasSize(7);
    assertThat(memory.context(REPO, ContextKind.PRODUCT, null).version()).isEqualTo(3);
    assertThat(published.size()).isEqualTo(events + 1); // only memory.imported
  }

  @Test
  void aFileThatIsNotAConPortDatabaseIsRefusedAndNothingIsStored() throws Exception {
    java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("not-conport");
    java.nio.file.Path text = java.nio.file.Files.writeString(dir.resolve("notes.txt"), "hello");
    java.nio.file.Path other = dir.resolve("other.db");
    try (var c = java.sql.DriverManager.getConnection("jdbc:sqlite:" + other)) {
      c.createStatement().execute("CREATE TABLE decisions (id INTEGER PRIMARY KEY)");
    }

    assertThatThrownBy(() -> memory.importConPort(text, REPO))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("notes.txt is not a ConPort database");
    assertThatThrownBy(() -> memory.importConPort(other, REPO))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("is not a ConPort database: it has no table 'product_context'");
    assertThatThrownBy(() -> memory.importConPort(dir.resolve("missing.db"), REPO))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("no file");
    assertThat(
            memory.search(new MemoryQuery(REPO, "a-1", null, Set.of(), List.of(), null, null, 50)))
        .isEmpty();
  }

  @Test
  void anImportKeepsWhatBatonAlreadyHoldsUnderTheSameKey() {
    memory.log(
        new NewMemoryItem(
            REPO,
            MemoryKind.CUSTOM_DATA,
            "ledger",
            "glossary",
            "\"ours\"",
            null,
            null,
            null,
            List.of(),
            "a-1",
            false));

    dev.baton.memory.ImportSummary summary = memory.importConPort(conport(), REPO);

    assertThat(summary.added()).isEqualTo(6);
    assertThat(summary.skipped()).anySatisfy(s -> assertThat(s).contains("glossary/ledger"));
    assertThat(search("b-1", "ledger").get(0).item().body()).isEqualTo("\"ours\"");
  }

  private MemoryItem progress(String by, String description, String status, Long parent) {
    return progress(by, description, status, parent, false);
  }

  private MemoryItem progress(
      String by, String description, String status, Long parent, boolean isPrivate) {
    return memory.log(
        new NewMemoryItem(
            REPO,
            MemoryKind.PROGRESS,
            description,
            null,
            null,
            null,
            status,
            parent,
            List.of(),
            by,
            isPrivate));
  }

  @Test
  void aProgressEntryIsUpdatedByIdAndKeepsWhatIsNotChanged() {
    MemoryItem parent = progress("a-1", "Build the memory", "IN_PROGRESS", null);
    MemoryItem task = progress("a-1", "Write update_progress", "TODO", null);
    clock.advance(java.time.Duration.ofMinutes(1));

    MemoryItem done =
        memory.updateProgress(
            new dev.baton.memory.ProgressUpdate(REPO, "b-1", task.id(), "DONE", null, parent.id()));

    assertThat(done.id()).isEqualTo(task.id());
    assertThat(done.status()).isEqualTo("DONE");
    assertThat(done.title()).isEqualTo("Write update_progress");
    assertThat(done.parentId()).isEqualTo(parent.id());
    assertThat(done.instance()).isEqualTo("a-1");
    assertThat(done.updatedAt()).isEqualTo(clock.instant()).isAfter(done.createdAt());
    assertThat(
            memory.search(new MemoryQuery(REPO, "c-1", null, Set.of(), List.of(), null, "DONE", 9)))
        .extracting(h -> h.item().title())
        .containsExactly("Write update_progress");
    MemoryItem renamed =
        memory.updateProgress(
            new dev.baton.memory.ProgressUpdate(
                REPO, "b-1", task.id(), null, "Write and test update_progress", null));
    assertThat(renamed.status()).isEqualTo("DONE");
    assertThat(titles(search("c-1", "test update_progress")))
        .containsExactly("Write and test update_progress");
    Event event = published.get(published.size() - 1);
    assertThat(event.type()).isEqualTo("memory.updated");
    assertThat(event.instance()).isEqualTo("b-1");
    assertThat(event.data()).containsEntry("id", task.id());
  }

  @Test
  void aBadProgressUpdateNamesTheProblemAndChangesNothing() {
    MemoryItem parent = progress("a-1", "Parent task", "TODO", null);
    MemoryItem child = progress("a-1", "Child task", "TODO", parent.id());
    MemoryItem secret = progress("a-1", "Secret task", "TODO", null, true);
    MemoryItem d = decision("a-1", "A decision", "why");
    int events = published.size();

    assertThatThrownBy(
            () ->
                memory.updateProgress(
                    new dev.baton.memory.ProgressUpdate(REPO, "a-1", 999, "DONE", null, null)))
        .isInstanceOf(MemoryItemNotFoundException.class)
        .hasMessageContaining("no memory item 999");
    assertThatThrownBy(
            () ->
                memory.updateProgress(
                    new dev.baton.memory.ProgressUpdate(
                        REPO, "b-1", secret.id(), "DONE", null, null)))
        .isInstanceOf(MemoryItemNotFoundException.class);
    assertThatThrownBy(
            () ->
                memory.updateProgress(
                    new dev.baton.memory.ProgressUpdate(REPO, "a-1", d.id(), "DONE", null, null)))
        .isInstanceOf(InvalidInputException.class)
        .hasMessage("item " + d.id() + " is a decision, not a progress");
    assertThatThrownBy(
            () ->
                memory.updateProgress(
                    new dev.baton.memory.ProgressUpdate(REPO, "a-1", child.id(), null, null, null)))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("give at least one of 'status', 'description' or 'parent_id'");
    assertThatThrownBy(
            () ->
                memory.updateProgress(
                    new dev.baton.memory.ProgressUpdate(
                        REPO, "a-1", parent.id(), "DONE", null, child.id())))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("cannot be the parent of " + parent.id())
        .hasMessageContaining("one of its subtasks");
    assertThatThrownBy(
            () ->
                memory.updateProgress(
                    new dev.baton.memory.ProgressUpdate(
                        REPO, "a-1", parent.id(), null, null, parent.id())))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("the entry itself");
    assertThatThrownBy(
            () ->
                memory.updateProgress(
                    new dev.baton.memory.ProgressUpdate(
                        REPO, "a-1", child.id(), null, "x".repeat(2001), null)))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("the limit is 2000");

    assertThat(store.memory().find(parent.id())).contains(parent);
    assertThat(store.memory().find(child.id())).contains(child);
    assertThat(published).hasSize(events);
  }

  private MemoryItem custom(String by, String category, String key, String json, boolean priv) {
    return memory.log(
        new NewMemoryItem(
            REPO,
            MemoryKind.CUSTOM_DATA,
            key,
            category,
            json,
            null,
            null,
            null,
            List.of(),
            by,
            priv));
  }

  @Test
  void aDeletedItemLeavesTheSearchItsLinksAndItsSubtasks() {
    MemoryItem d = decision("a-1", "Use a zebra store", "stripes");
    MemoryItem parent = progress("a-1", "Zebra migration", "TODO", null);
    MemoryItem child = progress("a-1", "Zebra schema", "TODO", parent.id());
    memory.link(
        REPO, "a-1", MemoryKind.DECISION, d.id(), MemoryKind.PROGRESS, parent.id(), "x", null);

    MemoryItem deleted = memory.delete(REPO, "b-1", MemoryKind.PROGRESS, parent.id());

    assertThat(deleted).isEqualTo(parent);
    assertThat(store.memory().find(parent.id())).isEmpty();
    assertThat(titles(search("c-1", "zebra")))
        .containsExactlyInAnyOrder("Use a zebra store", "Zebra schema");
    assertThat(store.memory().find(child.id()).orElseThrow().parentId()).isNull();
    assertThat(store.memory().links(d.id(), 10)).isEmpty();
    assertThat(memory.linkedItems(REPO, "c-1", MemoryKind.DECISION, d.id(), null, 10)).isEmpty();
    Event event = published.get(published.size() - 1);
    assertThat(event.type()).isEqualTo("memory.deleted");
    assertThat(event.instance()).isEqualTo("b-1");
    assertThat(event.data())
        .containsEntry("id", parent.id())
        .containsEntry("kind", "progress")
        .containsEntry("title", "Zebra migration");

    memory.delete(REPO, "b-1", MemoryKind.DECISION, d.id());
    assertThat(titles(search("c-1", "stripes"))).isEmpty();
  }

  @Test
  void customDataIsDeletedByCategoryAndKeyAndCanBeLoggedAgain() {
    custom("a-1", "glossary", "lease", "\"a claim on a file\"", false);
    custom("a-1", "glossary", "fence", "\"a growing token\"", false);

    MemoryItem deleted = memory.deleteCustomData(REPO, "b-1", "glossary", "lease");

    assertThat(deleted.title()).isEqualTo("lease");
    assertThat(titles(search("c-1", "claim"))).isEmpty();
    assertThat(titles(search("c-1", "token"))).containsExactly("fence");
    MemoryItem again = custom("a-1", "glossary", "lease", "\"a new claim\"", false);
    assertThat(again.id()).isNotEqualTo(deleted.id());
    assertThat(titles(search("c-1", "claim"))).containsExactly("lease");
  }

  @Test
  void deletingAMissingHiddenOrMistypedItemIsRefusedAndNothingChanges() {
    MemoryItem d = decision("a-1", "Shared decision", "kept");
    MemoryItem secret =
        memory.log(
            new NewMemoryItem(
                REPO,
                MemoryKind.DECISION,
                "Secret decision",
                null,
                null,
                null,
                null,
                null,
                List.of(),
                "a-1",
                true));
    custom("a-1", "notes", "mine", "1", true);
    MemoryItem elsewhere =
        memory.log(
            new NewMemoryItem(
                OTHER,
                MemoryKind.DECISION,
                "Other repository",
                null,
                null,
                null,
                null,
                null,
                List.of(),
                "a-1",
                false));
    int events = published.size();

    assertThatThrownBy(() -> memory.delete(REPO, "a-1", MemoryKind.DECISION, 999))
        .isInstanceOf(MemoryItemNotFoundException.class)
        .hasMessageContaining("no memory item 999");
    assertThatThrownBy(() -> memory.delete(REPO, "b-1", MemoryKind.DECISION, secret.id()))
        .isInstanceOf(MemoryItemNotFoundException.class)
        .hasMessageContaining("no memory item " + secret.id());
    assertThatThrownBy(() -> memory.delete(REPO, null, MemoryKind.DECISION, secret.id()))
        .isInstanceOf(MemoryItemNotFoundException.class);
    assertThatThrownBy(() -> memory.delete(REPO, "a-1", MemoryKind.DECISION, elsewhere.id()))
        .isInstanceOf(MemoryItemNotFoundException.class);
    assertThatThrownBy(() -> memory.delete(REPO, "a-1", MemoryKind.PROGRESS, d.id()))
        .isInstanceOf(InvalidInputException.class)
        .hasMessage("item " + d.id() + " is a decision, not a progress");
    assertThatThrownBy(() -> memory.deleteCustomData(REPO, "b-1", "notes", "mine"))
        .isInstanceOf(MemoryItemNotFoundException.class)
        .hasMessageContaining("no custom data 'mine' in category 'notes'");
    assertThatThrownBy(() -> memory.deleteCustomData(REPO, "a-1", "notes", "theirs"))
        .isInstanceOf(MemoryItemNotFoundException.class)
        .hasMessageContaining("no custom data 'theirs'");

    assertThat(published).hasSize(events);
    assertThat(
            memory.search(new MemoryQuery(REPO, "a-1", null, Set.of(), List.of(), null, null, 50)))
        .hasSize(3);
    assertThat(store.memory().find(elsewhere.id())).isPresent();
    memory.delete(REPO, "a-1", MemoryKind.DECISION, secret.id()); // its own instance may
    assertThat(store.memory().find(secret.id())).isEmpty();
  }

  private NewMemoryItem newDecision(String summary, String rationale) {
    return new NewMemoryItem(
        REPO,
        MemoryKind.DECISION,
        summary,
        null,
        rationale,
        null,
        null,
        null,
        List.of("batch"),
        "a-1",
        false);
  }

  @Test
  void aBatchIsLoggedInOneGoWithAnEventPerItem() {
    int events = published.size();

    List<MemoryItem> logged =
        memory.logAll(
            List.of(newDecision("Batch one", "first"), newDecision("Batch two", "second")));

    assertThat(logged).extracting(MemoryItem::title).containsExactly("Batch one", "Batch two");
    assertThat(
            memory.search(
                new MemoryQuery(REPO, "b-1", "batch", Set.of(), List.of("batch"), null, null, 9)))
        .hasSize(2);
    assertThat(published.subList(events, published.size()))
        .extracting(Event::type)
        .containsExactly("memory.logged", "memory.logged");
  }

  @Test
  void aBatchWithOneBadItemNamesItsIndexAndFieldAndStoresNothing() {
    NewMemoryItem missingParent =
        new NewMemoryItem(
            REPO,
            MemoryKind.PROGRESS,
            "child",
            null,
            null,
            null,
            "TODO",
            999L,
            List.of(),
            "a-1",
            false);
    int events = published.size();

    assertThatThrownBy(
            () ->
                memory.logAll(
                    List.of(
                        newDecision("Fine", "ok"),
                        newDecision("Also fine", "ok"),
                        newDecision(" ", "no summary"))))
        .isInstanceOf(InvalidInputException.class)
        .hasMessage("items[2]: 'summary' is required; nothing of the batch was stored");
    assertThatThrownBy(() -> memory.logAll(List.of(newDecision("Fine", "ok"), missingParent)))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageStartingWith("items[1]: no memory item 999");
    assertThatThrownBy(() -> memory.logAll(List.of()))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("'items' is empty");

    assertThat(
            memory.search(new MemoryQuery(REPO, "a-1", null, Set.of(), List.of(), null, null, 50)))
        .isEmpty();
    assertThat(published).hasSize(events);
  }

  @Test
  void contextHistoryIsFilteredByVersionAndTimeNewestFirst() {
    java.time.Instant start = clock.instant();
    for (int v = 1; v <= 4; v++) {
      memory.updateContext(
          new ContextUpdate(REPO, ContextKind.PRODUCT, null, Map.of("v", v), null, "a-1"));
      clock.advance(java.time.Duration.ofMinutes(10));
    }
    // versions 1..3 are history (written at start, +10 min, +20 min); 4 is current

    assertThat(history(null, null, null, 10)).containsExactly(3, 2, 1);
    assertThat(history(null, null, null, 2)).containsExactly(3, 2);
    assertThat(history(2, null, null, 10)).containsExactly(2);
    assertThat(history(4, null, null, 10)).isEmpty();
    assertThat(history(null, start.plusSeconds(601), null, 10)).containsExactly(2, 1);
    assertThat(history(null, null, start.plusSeconds(1), 10)).containsExactly(3, 2);
    assertThat(history(null, start.plusSeconds(1201), start.plusSeconds(1), 10))
        .containsExactly(3, 2);
    assertThatThrownBy(() -> history(null, start, start.plusSeconds(1), 10))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("is not before before_timestamp");
    assertThatThrownBy(() -> history(0, null, null, 10))
        .isInstanceOf(InvalidInputException.class)
        .hasMessage("version 0 must be at least 1");
  }

  private List<Integer> history(
      Integer version, java.time.Instant before, java.time.Instant after, int limit) {
    return memory
        .contextHistory(
            REPO,
            ContextKind.PRODUCT,
            null,
            new dev.baton.memory.HistoryFilter(version, before, after, limit))
        .stream()
        .map(MemoryContext::version)
        .toList();
  }

  // --- ConPort's markdown export and import ---

  @org.junit.jupiter.api.io.TempDir java.nio.file.Path temp;

  /** A fresh repository directory (markdown paths are checked against real directories). */
  private String workspace(String name) throws java.io.IOException {
    return java.nio.file.Files.createDirectories(temp.resolve(name)).toRealPath().toString();
  }

  private MemoryItem log(
      String ws,
      MemoryKind kind,
      String title,
      String category,
      String body,
      String details,
      String status,
      Long parent,
      List<String> tags,
      String by,
      boolean isPrivate) {
    clock.advance(java.time.Duration.ofSeconds(7));
    return memory.log(
        new NewMemoryItem(
            ws, kind, title, category, body, details, status, parent, tags, by, isPrivate));
  }

  /** Every kind, a subtask, text that looks like markdown structure, both contexts. */
  private void fill(String ws) {
    log(
        ws,
        MemoryKind.DECISION,
        "Use SQLite by default\nfor one machine",
        null,
        "no server to install\n\n## not a heading\n---\n<!-- baton:decision {} -->\n  indented",
        "WAL, one writer",
        null,
        null,
        List.of("db", "a>b"),
        "a-1",
        false);
    log(
        ws,
        MemoryKind.DECISION,
        "Plain decision",
        null,
        null,
        null,
        null,
        null,
        List.of(),
        null,
        false);
    MemoryItem parent =
        log(
            ws,
            MemoryKind.PROGRESS,
            "Build the memory",
            null,
            null,
            null,
            "IN_PROGRESS",
            null,
            List.of(),
            "a-1",
            false);
    log(
        ws,
        MemoryKind.PROGRESS,
        "Write the export",
        null,
        null,
        null,
        "DONE",
        parent.id(),
        List.of(),
        "b-1",
        false);
    log(
        ws,
        MemoryKind.PROGRESS,
        "Wait for review",
        null,
        null,
        null,
        "BLOCKED",
        null,
        List.of(),
        "a-1",
        false);
    log(
        ws,
        MemoryKind.SYSTEM_PATTERN,
        "Outbox",
        null,
        "write the event in the same transaction",
        null,
        null,
        null,
        List.of("events"),
        "a-1",
        false);
    log(
        ws,
        MemoryKind.CUSTOM_DATA,
        "ledger",
        "glossary/terms",
        "{\"text\":\"```\\n# x\",\"n\":[1," + "2.5,true,null]}",
        null,
        null,
        null,
        List.of(),
        "a-1",
        false);
    log(
        ws,
        MemoryKind.CUSTOM_DATA,
        "owner",
        "team",
        "\"ops\"",
        null,
        null,
        null,
        List.of(),
        null,
        false);
    log(
        ws,
        MemoryKind.DECISION,
        "Mine only",
        null,
        "a-1's note",
        null,
        null,
        null,
        List.of(),
        "a-1",
        true);
    log(
        ws,
        MemoryKind.DECISION,
        "Secret of b",
        null,
        "b-1's note",
        null,
        null,
        null,
        List.of(),
        "b-1",
        true);
    memory.updateContext(
        new ContextUpdate(
            ws,
            ContextKind.PRODUCT,
            null,
            Map.of(
                "goal",
                "ship v2",
                "features",
                List.of("leases", "memory"),
                "limits",
                Map.of("instances", 100)),
            null,
            "a-1"));
    memory.updateContext(
        new ContextUpdate(ws, ContextKind.ACTIVE, null, Map.of("focus", "export"), null, "a-1"));
    memory.updateContext(
        new ContextUpdate(ws, ContextKind.ACTIVE, "a-1", Map.of("focus", "own"), null, "a-1"));
  }

  private List<MemoryItem> all(String ws, String viewer) {
    return memory
        .search(new MemoryQuery(ws, viewer, null, Set.of(), List.of(), null, null, 50))
        .stream()
        .map(MemoryHit::item)
        .toList();
  }

  /** What must survive a round trip: everything but the id, the workspace and the parent's id. */
  private static List<String> comparable(List<MemoryItem> items) {
    Map<Long, String> titles = new java.util.HashMap<>();
    items.forEach(i -> titles.put(i.id(), i.title()));
    return items.stream()
        .map(
            i ->
                String.join(
                    " | ",
                    i.kind().wireName(),
                    i.title(),
                    String.valueOf(i.category()),
                    String.valueOf(i.body()),
                    String.valueOf(i.details()),
                    String.valueOf(i.status()),
                    String.valueOf(i.parentId() == null ? null : titles.get(i.parentId())),
                    i.tags().toString(),
                    String.valueOf(i.instance()),
                    String.valueOf(i.isPrivate()),
                    i.createdAt().toString(),
                    i.updatedAt().toString()))
        .sorted()
        .toList();
  }

  private static void copy(java.nio.file.Path from, java.nio.file.Path to) throws Exception {
    try (var files = java.nio.file.Files.walk(from)) {
      for (java.nio.file.Path f : files.toList()) {
        java.nio.file.Path t = to.resolve(from.relativize(f).toString());
        if (java.nio.file.Files.isDirectory(f)) {
          java.nio.file.Files.createDirectories(t);
        } else {
          java.nio.file.Files.copy(f, t);
        }
      }
    }
  }

  @Test
  void aMarkdownExportImportedIntoAnEmptyWorkspaceReproducesItsItemsAndContexts() throws Exception {
    String a = workspace("a");
    String b = workspace("b");
    fill(a);

    dev.baton.memory.ExportSummary export = memory.exportMarkdown(a, "a-1", null);
    copy(java.nio.file.Path.of(export.directory()), java.nio.file.Path.of(b, "from-a"));
    dev.baton.memory.ImportSummary imported = memory.importMarkdown(b, "a-1", "from-a");

    assertThat(export.directory()).isEqualTo(a + "/conport_export");
    assertThat(export.items()).isEqualTo(9);
    assertThat(export.privateItems()).isEqualTo(1);
    assertThat(export.files())
        .contains(
            "product_context.md",
            "active_context.md",
            "decision_log.md",
            "progress_log.md",
            "system_patterns.md",
            "custom_data/glossary_terms.md",
            "custom_data/team.md");
    String decisions =
        java.nio.file.Files.readString(java.nio.file.Path.of(a, "conport_export/decision_log.md"));
    assertThat(decisions).contains("## Rationale", "Mine only").doesNotContain("Secret of b");
    assertThat(imported.added()).isEqualTo(9);
    assertThat(imported.contextsUpdated()).isEqualTo(2);
    assertThat(imported.skipped()).isEmpty();
    assertThat(comparable(all(b, "a-1"))).isEqualTo(comparable(all(a, "a-1")));
    assertThat(comparable(all(b, "b-1"))).hasSize(8).doesNotContain("Mine only");
    for (ContextKind kind : ContextKind.values()) {
      assertThat(memory.context(b, kind, null).content())
          .isEqualTo(memory.context(a, kind, null).content());
    }
    assertThat(memory.context(b, ContextKind.ACTIVE, "a-1").version()).isZero();
  }

  @Test
  void importingTheSameMarkdownAgainAddsNothing() throws Exception {
    String a = workspace("a");
    fill(a);
    memory.exportMarkdown(a, "a-1", "out");
    dev.baton.memory.ImportSummary home = memory.importMarkdown(a, "a-1", "out");
    assertThat(home.added()).isZero();
    assertThat(home.alreadyThere()).isEqualTo(9);
    assertThat(all(a, "a-1")).hasSize(9);
    String b = workspace("b");
    copy(java.nio.file.Path.of(a, "out"), java.nio.file.Path.of(b, "conport_export"));
    memory.importMarkdown(b, null, null);
    int events = published.size();

    dev.baton.memory.ImportSummary again = memory.importMarkdown(b, null, null);

    assertThat(again.added()).isZero();
    assertThat(again.alreadyThere()).isEqualTo(8);
    assertThat(again.contextsUpdated()).isZero();
    assertThat(again.skipped()).singleElement().asString().contains("private to a-1");
    assertThat(all(b, "a-1")).hasSize(8);
    assertThat(memory.context(b, ContextKind.PRODUCT, null).version()).isEqualTo(1);
    assertThat(published.size()).isEqualTo(events + 1); // only memory.imported
  }

  @Test
  void aFolderOutsideTheWorkspaceIsRefusedAndNothingIsWrittenOrStored() throws Exception {
    String a = workspace("a");
    fill(a);
    java.nio.file.Path outside = java.nio.file.Files.createDirectories(temp.resolve("outside"));
    java.nio.file.Files.createSymbolicLink(java.nio.file.Path.of(a, "link"), outside);
    java.nio.file.Path victim = java.nio.file.Files.writeString(outside.resolve("victim.md"), "v");
    java.nio.file.Files.createDirectories(java.nio.file.Path.of(a, "trap"));
    java.nio.file.Files.createSymbolicLink(
        java.nio.file.Path.of(a, "trap/decision_log.md"), victim);

    for (String path :
        List.of("../outside/x", "link/x", "link/../../outside", outside.toString(), "trap")) {
      assertThatThrownBy(() -> memory.exportMarkdown(a, "a-1", path))
          .isInstanceOf(dev.baton.core.BatonException.class)
          .hasMessageContaining("outside the workspace " + a)
          .satisfies(
              e ->
                  assertThat(((dev.baton.core.BatonException) e).code())
                      .isEqualTo(dev.baton.core.ErrorCode.PATH_OUTSIDE_WORKSPACE));
    }
    assertThatThrownBy(() -> memory.exportMarkdown(a, "a-1", "../outside/x"))
        .hasMessageContaining("'../outside/x' is " + outside.toRealPath() + "/x");
    try (var files = java.nio.file.Files.list(outside)) {
      assertThat(files.toList()).containsExactly(outside.resolve("victim.md"));
    }
    assertThat(java.nio.file.Files.readString(victim)).isEqualTo("v");
    assertThat(java.nio.file.Path.of(a, "trap/product_context.md")).doesNotExist();

    memory.exportMarkdown(a, "a-1", "good");
    copy(java.nio.file.Path.of(a, "good"), outside.resolve("export"));
    String b = workspace("b");
    java.nio.file.Files.createSymbolicLink(
        java.nio.file.Path.of(b, "conport_export"), outside.resolve("export"));
    for (String path : List.of("../outside/export", "conport_export", outside + "/export")) {
      assertThatThrownBy(() -> memory.importMarkdown(b, "a-1", path))
          .isInstanceOf(dev.baton.core.BatonException.class)
          .hasMessageContaining("outside the workspace " + b);
    }
    assertThat(all(b, "a-1")).isEmpty();
    assertThat(memory.context(b, ContextKind.PRODUCT, null).version()).isZero();
  }

  @Test
  void markdownNotInTheExpectedShapeIsRefusedNamingFileAndLineAndNothingIsStored()
      throws Exception {
    String b = workspace("b");
    java.nio.file.Path dir = java.nio.file.Files.createDirectories(temp.resolve("b/md"));
    java.nio.file.Files.writeString(
        dir.resolve("decision_log.md"),
        "# Decision Log\n\n---\n## Decision\n*   [2025-06-01 12:00:00] Keep it\n");
    java.nio.file.Files.writeString(
        dir.resolve("progress_log.md"), "# Progress Log\n\n## TODO Tasks\nthis line is no task\n");

    assertThatThrownBy(() -> memory.importMarkdown(b, null, "md"))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageStartingWith(dir.toRealPath() + "/progress_log.md line 4: expected a task");

    java.nio.file.Files.delete(dir.resolve("progress_log.md"));
    java.nio.file.Files.createDirectories(dir.resolve("custom_data"));
    java.nio.file.Files.writeString(
        dir.resolve("custom_data/team.md"),
        "# Custom Data: team\n\n---\n<!-- baton:custom_data {\"id\": 3} -->\n### owner\n\n"
            + "```json\n{not json\n```\n");
    assertThatThrownBy(() -> memory.importMarkdown(b, null, "md"))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("custom_data/team.md line 8: the value of 'owner' is not JSON");

    java.nio.file.Files.writeString(
        dir.resolve("custom_data/team.md"), "# Custom Data: team\n\n<!-- baton:custom_data {\n");
    assertThatThrownBy(() -> memory.importMarkdown(b, null, "md"))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("custom_data/team.md line 3: a baton marker must read");

    assertThatThrownBy(() -> memory.importMarkdown(b, null, "missing"))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("no folder " + b + "/missing to import");
    assertThat(all(b, null)).isEmpty();
  }

  @Test
  void conPortsOwnMarkdownWithoutMarkersIsImported() throws Exception {
    String b = workspace("b");
    java.nio.file.Path dir =
        java.nio.file.Files.createDirectories(temp.resolve("b/conport_export"));
    java.nio.file.Files.createDirectories(dir.resolve("custom_data"));
    java.nio.file.Files.writeString(
        dir.resolve("decision_log.md"),
        "# Decision Log\n\n---\n## Decision\n*   [2025-06-01 12:00:00] Use Postgres for billing\n"
            + "\n## Rationale\n*   transactions\n\n## Implementation Details\n*   one schema\n"
            + "\n---\n## Decision\n*   [2025-05-01 09:00:00] Keep SQLite\n");
    java.nio.file.Files.writeString(
        dir.resolve("progress_log.md"),
        "# Progress Log\n\n## Completed Tasks\n*   [2025-06-02 10:00:00] Migrate billing\n"
            + "\n## In Progress Tasks\n*   [2025-06-03 10:00:00] Write docs\n"
            + "\n## TODO Tasks\n*   [2025-06-04 10:00:00] Release\n");
    java.nio.file.Files.writeString(
        dir.resolve("system_patterns.md"),
        "# System Patterns\n\n---\n## Retry once\n*   [2025-06-01 12:00:00]\n"
            + "Retry a busy store once, then fail.\n");
    java.nio.file.Files.writeString(
        dir.resolve("custom_data/glossary.md"),
        "# Custom Data: glossary\n\n### ledger\n\n*   [2025-06-01 12:00:00]\n\n```json\n"
            + "{\"means\": \"the book\"}\n```\n\n---\n### motto\n\n*   [2025-06-01 12:00:00]\n\n"
            + "```json\nmove fast\n```\n");
    java.nio.file.Files.writeString(
        dir.resolve("product_context.md"),
        "# Product Context\n## Project Goal\nShip v2\n\n## Key Features\n*   leases\n*   memory\n");

    dev.baton.memory.ImportSummary s = memory.importMarkdown(b, null, null);
    dev.baton.memory.ImportSummary again = memory.importMarkdown(b, null, null);

    assertThat(s.added()).isEqualTo(8);
    assertThat(again.added()).isZero();
    MemoryItem billing =
        memory
            .search(
                new MemoryQuery(b, null, "billing postgres", Set.of(), List.of(), null, null, 5))
            .get(0)
            .item();
    assertThat(billing.title()).isEqualTo("Use Postgres for billing");
    assertThat(billing.body()).isEqualTo("transactions");
    assertThat(billing.details()).isEqualTo("one schema");
    assertThat(billing.createdAt()).isEqualTo(java.time.Instant.parse("2025-06-01T12:00:00Z"));
    assertThat(all(b, null))
        .filteredOn(i -> i.kind() == MemoryKind.PROGRESS)
        .extracting(i -> i.status() + " " + i.title())
        .containsExactlyInAnyOrder(
            "DONE Migrate billing", "IN_PROGRESS Write docs", "TODO Release");
    assertThat(all(b, null))
        .filteredOn(i -> i.kind() == MemoryKind.SYSTEM_PATTERN)
        .singleElement()
        .satisfies(p -> assertThat(p.body()).isEqualTo("Retry a busy store once, then fail."));
    assertThat(all(b, null))
        .filteredOn(i -> i.kind() == MemoryKind.CUSTOM_DATA)
        .extracting(i -> i.category() + "/" + i.title() + "=" + i.body())
        .containsExactlyInAnyOrder(
            "glossary/ledger={\"means\":\"the book\"}", "glossary/motto=\"move fast\"");
    assertThat(memory.context(b, ContextKind.PRODUCT, null).content())
        .containsEntry("project_goal", "Ship v2")
        .containsEntry("key_features", List.of("leases", "memory"));
  }
}
