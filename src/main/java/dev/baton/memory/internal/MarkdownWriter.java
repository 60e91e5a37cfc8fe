package dev.baton.memory.internal;

import static dev.baton.memory.internal.MarkdownFormat.field;
import static dev.baton.memory.internal.MarkdownFormat.marker;
import static dev.baton.memory.internal.MarkdownFormat.oneLine;
import static dev.baton.memory.internal.MarkdownFormat.stamp;

import dev.baton.memory.ContextKind;
import dev.baton.memory.MemoryContext;
import dev.baton.memory.MemoryItem;
import dev.baton.memory.MemoryKind;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Renders a workspace's memory as ConPort's markdown export: one file per kind, one per custom data
 * category, each entry preceded by its marker. Newest entries first, as ConPort writes them.
 */
final class MarkdownWriter {
  private static final List<String> KNOWN_STATUSES = List.of("DONE", "IN_PROGRESS", "TODO");

  private MarkdownWriter() {}

  /** The files, by path relative to the export folder, and their text. */
  static Map<String, String> render(List<MemoryItem> items, Map<ContextKind, MemoryContext> ctx) {
    Map<String, String> files = new LinkedHashMap<>();
    files.put(MarkdownFormat.PRODUCT, context(ctx.get(ContextKind.PRODUCT)));
    files.put(MarkdownFormat.ACTIVE, context(ctx.get(ContextKind.ACTIVE)));
    files.put(MarkdownFormat.DECISIONS, decisions(of(items, MemoryKind.DECISION)));
    files.put(MarkdownFormat.PROGRESS, progress(of(items, MemoryKind.PROGRESS)));
    files.put(MarkdownFormat.PATTERNS, patterns(of(items, MemoryKind.SYSTEM_PATTERN)));
    Map<String, List<MemoryItem>> byCategory = new TreeMap<>();
    for (MemoryItem i : of(items, MemoryKind.CUSTOM_DATA)) {
      byCategory.computeIfAbsent(i.category(), c -> new ArrayList<>()).add(i);
    }
    for (Map.Entry<String, List<MemoryItem>> e : byCategory.entrySet()) {
      String name = MarkdownFormat.fileName(e.getKey());
      String path = MarkdownFormat.CUSTOM + "/" + name + ".md";
      for (int n = 2; files.containsKey(path); n++) {
        path = MarkdownFormat.CUSTOM + "/" + name + "_" + n + ".md";
      }
      files.put(path, custom(e.getKey(), e.getValue()));
    }
    return files;
  }

  private static List<MemoryItem> of(List<MemoryItem> items, MemoryKind kind) {
    return items.stream().filter(i -> i.kind() == kind).toList();
  }

  private static String decisions(List<MemoryItem> decisions) {
    StringBuilder out = new StringBuilder("# Decision Log\n");
    for (MemoryItem d : decisions) {
      out.append("\n---\n").append(itemMarker(d)).append("\n## Decision\n");
      field(out, stamp(d.createdAt()) + " " + d.title());
      if (d.body() != null) {
        out.append("\n## Rationale\n");
        field(out, d.body());
      }
      if (d.details() != null) {
        out.append("\n## Implementation Details\n");
        field(out, d.details());
      }
    }
    return out.toString();
  }

  private static String progress(List<MemoryItem> entries) {
    Map<String, List<MemoryItem>> byStatus = new TreeMap<>();
    for (MemoryItem p : entries) {
      byStatus.computeIfAbsent(p.status(), s -> new ArrayList<>()).add(p);
    }
    List<String> order = new ArrayList<>(KNOWN_STATUSES);
    byStatus.keySet().stream().filter(s -> !KNOWN_STATUSES.contains(s)).forEach(order::add);
    StringBuilder out = new StringBuilder("# Progress Log\n");
    for (String status : order) {
      List<MemoryItem> list = byStatus.get(status);
      if (list == null) {
        continue;
      }
      out.append("\n## ").append(heading(status)).append('\n');
      for (MemoryItem p : list) {
        out.append('\n').append(itemMarker(p)).append('\n');
        field(out, stamp(p.createdAt()) + " " + p.title());
      }
    }
    return out.toString();
  }

  /** ConPort's section headings for its three statuses; {@code BLOCKED Tasks} for any other. */
  private static String heading(String status) {
    return switch (status) {
      case "DONE" -> "Completed Tasks";
      case "IN_PROGRESS" -> "In Progress Tasks";
      case "TODO" -> "TODO Tasks";
      default -> oneLine(status) + " Tasks";
    };
  }

  private static String patterns(List<MemoryItem> patterns) {
    StringBuilder out = new StringBuilder("# System Patterns\n");
    for (MemoryItem p : patterns) {
      out.append("\n---\n").append(itemMarker(p)).append('\n');
      out.append("## ").append(oneLine(p.title())).append('\n');
      out.append("*   ").append(stamp(p.updatedAt())).append('\n');
      if (p.body() != null) {
        out.append('\n');
        field(out, p.body());
      }
    }
    return out.toString();
  }

  private static String custom(String category, List<MemoryItem> items) {
    StringBuilder out = new StringBuilder("# Custom Data: ").append(oneLine(category)).append('\n');
    for (MemoryItem c : items) {
      out.append("\n---\n").append(itemMarker(c)).append('\n');
      out.append("### ").append(oneLine(c.title())).append('\n');
      out.append("*   ").append(stamp(c.updatedAt())).append("\n\n```json\n");
      out.append(pretty(MarkdownFormat.JSON.readTree(c.body()))).append("\n```\n");
    }
    return out.toString();
  }

  private static String itemMarker(MemoryItem i) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", i.id());
    if (i.kind() == MemoryKind.PROGRESS) {
      m.put("status", i.status());
      if (i.parentId() != null) {
        m.put("parent", i.parentId());
      }
    }
    if (i.kind() == MemoryKind.CUSTOM_DATA) {
      m.put("category", i.category());
    }
    if (!i.tags().isEmpty()) {
      m.put("tags", i.tags());
    }
    if (i.instance() != null) {
      m.put("by", i.instance());
    }
    if (i.isPrivate()) {
      m.put("private", true);
    }
    m.put("created", i.createdAt().toString());
    m.put("updated", i.updatedAt().toString());
    return marker(i.kind().wireName(), m);
  }

  /**
   * A context: the marker holds the exact content; below it, one section per key for people (text
   * as it is, a list as list items, anything else as JSON).
   */
  private static String context(MemoryContext c) {
    String title = c.kind() == ContextKind.PRODUCT ? "Product Context" : "Active Context";
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("kind", c.kind().wireName());
    m.put("version", c.version());
    if (c.updatedAt() != null) {
      m.put("updated", c.updatedAt().toString());
    }
    m.put("content", c.content());
    StringBuilder out = new StringBuilder("# ").append(title).append('\n');
    out.append(marker("context", m)).append('\n');
    for (Map.Entry<String, Object> e : c.content().entrySet()) {
      out.append("\n## ").append(oneLine(headingOf(e.getKey()))).append('\n');
      Object v = e.getValue();
      if (v instanceof String s) {
        field(out, s);
      } else if (v instanceof List<?> list) {
        for (Object element : list) {
          field(
              out,
              element instanceof String s ? s : MarkdownFormat.JSON.writeValueAsString(element));
        }
      } else {
        out.append("```json\n")
            .append(pretty(MarkdownFormat.JSON.valueToTree(v)))
            .append("\n```\n");
      }
    }
    return out.toString();
  }

  /** {@code project_goal} as ConPort shows it: {@code Project Goal}. */
  private static String headingOf(String key) {
    StringBuilder s = new StringBuilder();
    for (String word : key.replace('_', ' ').split(" ", -1)) {
      if (s.length() > 0) {
        s.append(' ');
      }
      s.append(
          word.isEmpty() ? "" : word.substring(0, 1).toUpperCase(Locale.ROOT) + word.substring(1));
    }
    return s.toString();
  }

  private static String pretty(tools.jackson.databind.JsonNode node) {
    return MarkdownFormat.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(node);
  }
}
