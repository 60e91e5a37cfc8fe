package dev.baton.memory.internal;

import dev.baton.core.BatonException;
import dev.baton.core.InvalidInputException;
import dev.baton.events.NewEvent;
import dev.baton.memory.ConPortImport;
import dev.baton.memory.ContextKind;
import dev.baton.memory.ExportSummary;
import dev.baton.memory.ImportSummary;
import dev.baton.memory.MemoryContext;
import dev.baton.memory.MemoryHit;
import dev.baton.memory.MemoryItem;
import dev.baton.memory.MemoryKind;
import dev.baton.memory.MemoryQuery;
import dev.baton.memory.MemoryStore;
import dev.baton.memory.NewMemoryItem;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * ConPort's {@code export_conport_to_markdown} and {@code import_markdown_to_conport}: a folder
 * inside the workspace, written from what the caller sees, read back in one all-or-nothing import.
 */
final class MarkdownTransfer {
  private static final int MAX_ITEMS = 100_000;

  private final MemoryStore store;
  private final Clock clock;
  private final Consumer<NewMemoryItem> validate;

  MarkdownTransfer(MemoryStore store, Clock clock, Consumer<NewMemoryItem> validate) {
    this.store = store;
    this.clock = clock;
    this.validate = validate;
  }

  ExportSummary export(String workspace, String viewer, String path) {
    Path dir = WorkspacePaths.inside(workspace, folder(path));
    if (Files.exists(dir) && !Files.isDirectory(dir)) {
      throw new InvalidInputException(dir + " is a file, not a folder: give a folder to export to");
    }
    List<MemoryItem> items = new ArrayList<>();
    for (MemoryKind kind : MemoryKind.values()) {
      List<MemoryHit> hits =
          store.search(
              new MemoryQuery(
                  workspace, viewer, null, Set.of(kind), List.of(), null, null, MAX_ITEMS + 1));
      if (hits.size() > MAX_ITEMS) {
        throw new InvalidInputException(
            "the workspace has over "
                + MAX_ITEMS
                + " "
                + kind.wireName()
                + " items; one export"
                + " writes at most "
                + MAX_ITEMS);
      }
      hits.forEach(h -> items.add(h.item()));
    }
    Map<ContextKind, MemoryContext> contexts = new EnumMap<>(ContextKind.class);
    for (ContextKind kind : ContextKind.values()) {
      contexts.put(
          kind,
          store.context(workspace, kind, null).orElse(MemoryContext.empty(workspace, kind, null)));
    }
    Map<String, String> files = MarkdownWriter.render(items, contexts);
    Map<Path, String> targets = new LinkedHashMap<>();
    for (Map.Entry<String, String> f : files.entrySet()) {
      // Checked before anything is written: a file or folder that links out of the workspace.
      targets.put(
          WorkspacePaths.inside(workspace, dir.resolve(f.getKey()).toString()), f.getValue());
    }
    try {
      for (Map.Entry<Path, String> t : targets.entrySet()) {
        Files.createDirectories(t.getKey().getParent());
        Files.writeString(t.getKey(), t.getValue(), StandardCharsets.UTF_8);
      }
    } catch (IOException e) {
      throw new BatonException(
          dev.baton.core.ErrorCode.INTERNAL,
          "cannot write the export to " + dir + ": " + e,
          Map.of("path", dir.toString()),
          e);
    }
    int privateItems = (int) items.stream().filter(MemoryItem::isPrivate).count();
    return new ExportSummary(
        dir.toString(), List.copyOf(files.keySet()), items.size(), privateItems);
  }

  ImportSummary importFolder(String workspace, String viewer, String path) {
    Path dir = WorkspacePaths.inside(workspace, folder(path));
    if (!Files.isDirectory(dir)) {
      throw new InvalidInputException(
          "no folder "
              + dir
              + " to import: give the folder that export_conport_to_markdown wrote (default "
              + MarkdownFormat.DEFAULT_FOLDER
              + " in the workspace)",
          Map.of("path", dir.toString()));
    }
    MarkdownReader.Folder read =
        MarkdownReader.read(
            dir, workspace, clock.instant(), p -> WorkspacePaths.inside(workspace, p.toString()));
    List<ConPortImport.Item> items = new ArrayList<>();
    List<String> skipped = new ArrayList<>();
    int here = 0;
    for (MarkdownReader.Entry e : read.entries()) {
      NewMemoryItem n = e.item().item();
      if (stillHere(workspace, e)) {
        here++; // exported from this workspace, and still in it
        continue;
      }
      if (n.isPrivate() && (n.instance() == null || !n.instance().equals(viewer))) {
        skipped.add(
            e.item().origin()
                + ": private to "
                + n.instance()
                + "; only that instance imports it (it is never made shared)");
        continue;
      }
      try {
        validate.accept(n);
      } catch (InvalidInputException ex) {
        throw new InvalidInputException(
            dir.resolve(e.file())
                + " line "
                + e.line()
                + ": "
                + ex.getMessage()
                + "; nothing was imported",
            Map.of("file", dir.resolve(e.file()).toString(), "line", e.line()));
      }
      items.add(e.item());
    }
    ImportSummary stored =
        store.importAll(
            workspace,
            new ConPortImport(items, List.of(), read.contexts()),
            clock.instant(),
            s -> {
              Map<String, Object> data = new LinkedHashMap<>();
              data.put("folder", dir.toString());
              data.put("added", s.added());
              data.put("contexts", s.contextsUpdated());
              return new NewEvent("memory.imported", workspace, viewer, data);
            });
    skipped.addAll(stored.skipped());
    return new ImportSummary(
        stored.added(), stored.alreadyThere() + here, 0, stored.contextsUpdated(), skipped);
  }

  /** The entry is an item of this workspace that is still there: same id, kind and creation. */
  private boolean stillHere(String workspace, MarkdownReader.Entry e) {
    return e.exportedId() != null
        && store
            .find(e.exportedId())
            .filter(i -> i.workspace().equals(workspace))
            .filter(i -> i.kind() == e.item().item().kind())
            .filter(i -> i.createdAt().equals(e.item().createdAt()))
            .isPresent();
  }

  private static String folder(String path) {
    return path == null || path.isBlank() ? MarkdownFormat.DEFAULT_FOLDER : path.strip();
  }
}
