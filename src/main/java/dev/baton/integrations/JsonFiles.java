package dev.baton.integrations;

import dev.baton.core.BatonException;
import dev.baton.core.ErrorCode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * The JSON configuration files of other tools that setup commands merge into: read as an object (a
 * missing or empty file is an empty object; anything else that is not an object is refused and left
 * alone), written whole and atomically.
 */
final class JsonFiles {
  private static final JsonMapper JSON = JsonMapper.builder().build();

  private JsonFiles() {}

  /**
   * @throws BatonException naming the file when it is not a JSON object
   */
  static ObjectNode readObject(Path file) {
    if (!Files.exists(file)) {
      return JsonNodeFactory.instance.objectNode();
    }
    try {
      String text = Files.readString(file, StandardCharsets.UTF_8);
      if (text.isBlank()) {
        return JsonNodeFactory.instance.objectNode();
      }
      JsonNode node = JSON.readTree(text);
      if (!node.isObject()) {
        throw new BatonException(
            ErrorCode.INVALID_REQUEST,
            file + " is not a JSON object; fix it by hand, then run setup again");
      }
      return (ObjectNode) node;
    } catch (JacksonException e) {
      throw new BatonException(
          ErrorCode.INVALID_JSON,
          file
              + " is not valid JSON ("
              + e.getOriginalMessage()
              + "); fix it by hand, then run setup again");
    } catch (IOException e) {
      throw new BatonException(
          ErrorCode.INTERNAL, "cannot read " + file + ": " + e.getMessage(), e);
    }
  }

  /**
   * Replaces the file atomically with the pretty-printed object.
   *
   * @param mode e.g. {@code rw-------} for a file with secrets, {@code rw-r--r--} for one to share
   */
  static void write(Path file, ObjectNode root, String mode) {
    try {
      Path dir = file.toAbsolutePath().getParent();
      Files.createDirectories(dir);
      Path tmp = Files.createTempFile(dir, "." + file.getFileName(), ".tmp");
      Files.writeString(
          tmp,
          JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root) + "\n",
          StandardCharsets.UTF_8);
      Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString(mode));
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new BatonException(
          ErrorCode.INTERNAL, "cannot write " + file + ": " + e.getMessage(), e);
    }
  }
}
