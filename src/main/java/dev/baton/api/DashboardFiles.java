package dev.baton.api;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The dashboard's static files, read once from the jar ({@code /dashboard/} on the class path): no
 * build step, nothing fetched from elsewhere. Only the files listed here are served. Immutable.
 */
final class DashboardFiles {
  /** A file and its content type. */
  record File(String contentType, String text) {}

  /** The page and the refusal page are templates; the rest is served as is. */
  static final List<String> SERVED = List.of("app.js", "view.js", "fleet.js", "style.css");

  private final Map<String, File> files = new LinkedHashMap<>();
  private final String index;
  private final String refused;

  DashboardFiles() {
    for (String name : SERVED) {
      files.put(name, new File(contentType(name), read(name)));
    }
    index = read("index.html");
    refused = read("refused.html");
  }

  /** A served file by its name, e.g. {@code app.js}. */
  Optional<File> file(String name) {
    return Optional.ofNullable(files.get(name));
  }

  /** The page for a session: its CSRF token and the state rule's symbols in meta tags. */
  String index(String csrf, String statesJson) {
    return index.replace("{{csrf}}", escape(csrf)).replace("{{states}}", escape(statesJson));
  }

  /** The short page that says why the dashboard is not shown and what to do. */
  String refused(String message) {
    return refused.replace("{{message}}", escape(message));
  }

  /** Escapes text for an HTML element or a double-quoted attribute. */
  static String escape(String text) {
    StringBuilder b = new StringBuilder(text.length());
    for (char c : text.toCharArray()) {
      switch (c) {
        case '&' -> b.append("&amp;");
        case '<' -> b.append("&lt;");
        case '>' -> b.append("&gt;");
        case '"' -> b.append("&quot;");
        case '\'' -> b.append("&#39;");
        default -> b.append(c);
      }
    }
    return b.toString();
  }

  private static String contentType(String name) {
    if (name.endsWith(".js")) {
      return "text/javascript; charset=utf-8";
    }
    if (name.endsWith(".css")) {
      return "text/css; charset=utf-8";
    }
    return "text/html; charset=utf-8";
  }

  private static String read(String name) {
    String resource = "/dashboard/" + name;
    try (InputStream in = DashboardFiles.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("the jar lacks " + resource + "; rebuild baton");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + resource + " from the jar", e);
    }
  }
}
