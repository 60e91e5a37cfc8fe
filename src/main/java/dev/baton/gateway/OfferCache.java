package dev.baton.gateway;

import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.json.TypeRef;
import io.modelcontextprotocol.spec.McpSchema;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What each downstream server offered the last time it was asked, kept in a directory (one JSON
 * file a server, 0600), so that a broker can list a role's tools at once after a start instead of
 * waiting for every server to start. An entry counts only for the configuration it was made for:
 * its fingerprint covers how the server is started or reached. A file that cannot be read is
 * ignored (the server is then asked, as without a cache). Thread-safe.
 */
final class OfferCache {
  private static final Logger LOG = LoggerFactory.getLogger(OfferCache.class);

  private final Path dir;
  private final McpJsonMapper json;

  /**
   * @param dir where the files go; null for no cache at all
   */
  OfferCache(Path dir, McpJsonMapper json) {
    this.dir = dir;
    this.json = json;
  }

  Optional<Offer> load(DownstreamConfig d) {
    if (dir == null) {
      return Optional.empty();
    }
    Path file = file(d);
    if (!Files.isRegularFile(file)) {
      return Optional.empty();
    }
    try {
      Entry e = json.readValue(Files.readString(file, StandardCharsets.UTF_8), Entry.class);
      if (e == null || !fingerprint(d).equals(e.fingerprint())) {
        return Optional.empty();
      }
      return Optional.of(
          new Offer(
              orEmpty(json.convertValue(e.tools(), new TypeRef<List<McpSchema.Tool>>() {})),
              orEmpty(json.convertValue(e.resources(), new TypeRef<List<McpSchema.Resource>>() {})),
              orEmpty(
                  json.convertValue(
                      e.templates(), new TypeRef<List<McpSchema.ResourceTemplate>>() {})),
              orEmpty(json.convertValue(e.prompts(), new TypeRef<List<McpSchema.Prompt>>() {}))));
    } catch (IOException | RuntimeException e) {
      LOG.debug(
          "ignoring the cached offer of MCP server '{}' in {}: {}", d.name(), file, e.getMessage());
      return Optional.empty();
    }
  }

  void save(DownstreamConfig d, Offer offer) {
    if (dir == null) {
      return;
    }
    Path file = file(d);
    try {
      Files.createDirectories(dir);
      Path tmp = Files.createTempFile(dir, "." + d.name(), ".tmp");
      Files.writeString(
          tmp,
          json.writeValueAsString(
              new Entry(
                  fingerprint(d),
                  offer.tools(),
                  offer.resources(),
                  offer.templates(),
                  offer.prompts())),
          StandardCharsets.UTF_8);
      Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException | RuntimeException e) {
      LOG.debug(
          "cannot cache the offer of MCP server '{}' in {}: {}", d.name(), file, e.getMessage());
    }
  }

  private Path file(DownstreamConfig d) {
    return dir.resolve(d.name() + ".json");
  }

  /** How the server is started or reached: a changed command, URL or environment misses. */
  static String fingerprint(DownstreamConfig d) {
    Map<String, Object> parts = new LinkedHashMap<>();
    parts.put("command", d.command());
    parts.put("args", d.args());
    parts.put("env", new java.util.TreeMap<>(d.env()));
    parts.put("cwd", d.cwd());
    parts.put("url", d.url());
    parts.put("headers", new java.util.TreeMap<>(d.headers()));
    parts.put("scope", d.scope().wireName());
    parts.put("roots", d.roots());
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      return HexFormat.of()
          .formatHex(sha.digest(parts.toString().getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }

  private static <T> List<T> orEmpty(List<T> list) {
    return list == null ? List.of() : list;
  }

  /** One server's file. */
  record Entry(
      String fingerprint,
      List<McpSchema.Tool> tools,
      List<McpSchema.Resource> resources,
      List<McpSchema.ResourceTemplate> templates,
      List<McpSchema.Prompt> prompts) {}
}
