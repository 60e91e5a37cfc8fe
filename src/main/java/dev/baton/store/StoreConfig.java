package dev.baton.store;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Where the broker keeps its state. Parsed from a store URL: {@code sqlite} (the file {@code
 * baton.db} in the data directory), {@code sqlite:/abs/file.db}, or {@code
 * postgresql://user:password@host:port/db}.
 *
 * @param kind the backend
 * @param sqliteFile the database file, for SQLite only
 * @param jdbcUrl the JDBC URL without credentials
 * @param user the PostgreSQL user, or null
 * @param password the PostgreSQL password, or null; never printed
 * @param poolSize connections for readers (SQLite) or for everything (PostgreSQL)
 */
public record StoreConfig(
    StoreKind kind, Path sqliteFile, String jdbcUrl, String user, String password, int poolSize) {

  public static final int DEFAULT_POOL_SIZE = 8;

  public StoreConfig {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(jdbcUrl, "jdbcUrl");
  }

  public static StoreConfig sqlite(Path file, int poolSize) {
    Path absolute = file.toAbsolutePath().normalize();
    return new StoreConfig(
        StoreKind.SQLITE, absolute, "jdbc:sqlite:" + absolute, null, null, poolSize);
  }

  /**
   * Parses a store URL.
   *
   * @throws IllegalArgumentException with a message that names the URL (password removed)
   */
  public static StoreConfig parse(String url, Path dataDir, int poolSize) {
    String trimmed = url == null ? "" : url.trim();
    if (trimmed.isEmpty() || trimmed.equals("sqlite")) {
      return sqlite(dataDir.resolve("baton.db"), poolSize);
    }
    if (trimmed.startsWith("sqlite:") || trimmed.startsWith("jdbc:sqlite:")) {
      String file = trimmed.substring(trimmed.indexOf("sqlite:") + "sqlite:".length());
      Path path = Path.of(file);
      if (!path.isAbsolute()) {
        throw new IllegalArgumentException(
            "SQLite path '" + file + "' is not absolute; write sqlite:/full/path/baton.db");
      }
      return sqlite(path, poolSize);
    }
    if (trimmed.startsWith("postgresql://") || trimmed.startsWith("postgres://")) {
      return postgres(trimmed, poolSize);
    }
    if (trimmed.startsWith("jdbc:postgresql:")) {
      return new StoreConfig(StoreKind.POSTGRESQL, null, trimmed, null, null, poolSize);
    }
    throw new IllegalArgumentException(
        "unknown store URL '"
            + redact(trimmed)
            + "'; use sqlite, sqlite:/path/to/baton.db or postgresql://user:password@host:5432/db");
  }

  private static StoreConfig postgres(String url, int poolSize) {
    URI uri;
    try {
      uri = new URI(url);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException(
          "PostgreSQL URL '" + redact(url) + "' is malformed: " + e.getReason(), e);
    }
    if (uri.getHost() == null) {
      throw new IllegalArgumentException("PostgreSQL URL '" + redact(url) + "' has no host");
    }
    String db = uri.getPath() == null ? "" : uri.getPath().replaceFirst("^/", "");
    if (db.isEmpty()) {
      throw new IllegalArgumentException(
          "PostgreSQL URL '" + redact(url) + "' names no database; add /dbname after the host");
    }
    String host = uri.getHost();
    int port = uri.getPort() < 0 ? 5432 : uri.getPort();
    String jdbc =
        "jdbc:postgresql://"
            + host
            + ":"
            + port
            + "/"
            + db
            + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
    String user = null;
    String password = null;
    String userInfo = uri.getRawUserInfo();
    if (userInfo != null) {
      int colon = userInfo.indexOf(':');
      user = decode(colon < 0 ? userInfo : userInfo.substring(0, colon));
      password = colon < 0 ? null : decode(userInfo.substring(colon + 1));
    }
    return new StoreConfig(StoreKind.POSTGRESQL, null, jdbc, user, password, poolSize);
  }

  private static String decode(String s) {
    return URLDecoder.decode(s, StandardCharsets.UTF_8);
  }

  /** Removes a password from a URL so that it can be logged. */
  public static String redact(String url) {
    return url.replaceAll("(://[^:/@]+):[^@/]*@", "$1:***@")
        .replaceAll("(?i)(password=)[^&]*", "$1***");
  }

  /** A URL a person can read and a log can keep: no password. */
  public String describe() {
    if (kind == StoreKind.SQLITE) {
      return "sqlite:" + sqliteFile;
    }
    String base = redact(jdbcUrl).replaceFirst("^jdbc:", "");
    return user == null ? base : base.replaceFirst("://", "://" + user + "@");
  }

  @Override
  public String toString() {
    return "StoreConfig[" + describe() + ", poolSize=" + poolSize + "]";
  }
}
