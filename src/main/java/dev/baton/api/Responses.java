package dev.baton.api;

import dev.baton.core.BatonException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/** Writes complete responses: JSON bodies, text, and the JSON error shape. */
public final class Responses {
  private Responses() {}

  static void json(Response response, Callback callback, int status, Object body) {
    byte[] bytes = Json.MAPPER.writeValueAsBytes(body);
    write(response, callback, status, "application/json", bytes);
  }

  static void text(
      Response response, Callback callback, int status, String contentType, String text) {
    write(response, callback, status, contentType, text.getBytes(StandardCharsets.UTF_8));
  }

  /** Writes {@code {"error": {"code": ..., "message": ..., ...details}}} with the code's status. */
  public static void error(Response response, Callback callback, BatonException e) {
    json(response, callback, HttpErrors.status(e.code()), errorBody(e));
  }

  static Map<String, Object> errorBody(BatonException e) {
    Map<String, Object> error = new LinkedHashMap<>();
    error.put("code", e.code().code());
    error.put("message", e.getMessage());
    e.details().forEach(error::putIfAbsent);
    return Map.of("error", error);
  }

  private static void write(
      Response response, Callback callback, int status, String contentType, byte[] bytes) {
    response.setStatus(status);
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, contentType);
    response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
    response.getHeaders().put(HttpHeader.CONTENT_LENGTH, bytes.length);
    response.write(true, ByteBuffer.wrap(bytes), callback);
  }
}
