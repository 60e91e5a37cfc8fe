package dev.baton.api;

import dev.baton.core.BatonException;
import dev.baton.core.ErrorCode;
import dev.baton.core.InvalidInputException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.exc.MismatchedInputException;

/** One request as a route sees it: path parameters, query, headers and a size-limited body. */
public final class Exchange {
  private final Request request;
  private final Response response;
  private final Callback callback;
  private final Map<String, String> pathParams;
  private final long maxBodyBytes;
  private Fields query;

  Exchange(
      Request request,
      Response response,
      Callback callback,
      Map<String, String> pathParams,
      long maxBodyBytes) {
    this.request = request;
    this.response = response;
    this.callback = callback;
    this.pathParams = pathParams;
    this.maxBodyBytes = maxBodyBytes;
  }

  public String pathParam(String name) {
    return pathParams.get(name);
  }

  /** The first value of a query parameter, or null. */
  public String query(String name) {
    if (query == null) {
      query = Request.extractQueryParameters(request);
    }
    return query.getValue(name);
  }

  public String header(String name) {
    return request.getHeaders().get(name);
  }

  Request request() {
    return request;
  }

  Response response() {
    return response;
  }

  Callback callback() {
    return callback;
  }

  /**
   * Reads the JSON body into a wire record.
   *
   * @throws InvalidInputException when the body is empty or a field has the wrong type
   * @throws BatonException {@code invalid_json} when it is not JSON, {@code body_too_large} when it
   *     exceeds the limit
   */
  public <T> T body(Class<T> type, String example) {
    byte[] bytes = readBody();
    if (bytes.length == 0 || new String(bytes, java.nio.charset.StandardCharsets.UTF_8).isBlank()) {
      throw new InvalidInputException("request body is required, e.g. " + example);
    }
    try {
      tools.jackson.databind.JsonNode tree = Json.MAPPER.readTree(bytes);
      String hole = nullInArray(tree, "");
      if (hole != null) {
        String field = hole.substring(0, hole.indexOf('['));
        throw new InvalidInputException(
            "field '" + field + "' has null at " + hole + "; leave it out or give a value",
            Map.of("field", field));
      }
      T value = Json.MAPPER.treeToValue(tree, type);
      if (value == null) {
        throw new InvalidInputException("request body must be a JSON object, e.g. " + example);
      }
      return value;
    } catch (MismatchedInputException e) {
      String field =
          e.getPath().isEmpty() ? null : e.getPath().get(e.getPath().size() - 1).getPropertyName();
      throw new InvalidInputException(
          field == null
              ? "request body must be a JSON object, e.g. " + example
              : "field '" + field + "' has the wrong type: " + e.getOriginalMessage(),
          field == null ? Map.of() : Map.of("field", field));
    } catch (JacksonException e) {
      throw new BatonException(
          ErrorCode.INVALID_JSON,
          "request body is not valid JSON: "
              + e.getOriginalMessage()
              + (e.getLocation() == null
                  ? ""
                  : " (line "
                      + e.getLocation().getLineNr()
                      + ", column "
                      + e.getLocation().getColumnNr()
                      + ")"));
    }
  }

  /**
   * The first {@code null} inside an array, as {@code field[index]} (nested: {@code a.b[2]}), or
   * null. No route takes null in a list; each once failed with a 500.
   */
  private static String nullInArray(tools.jackson.databind.JsonNode node, String at) {
    if (node.isArray()) {
      for (int i = 0; i < node.size(); i++) {
        String here = (at.isEmpty() ? "body" : at) + "[" + i + "]";
        if (node.get(i).isNull()) {
          return here;
        }
        String deeper = nullInArray(node.get(i), here);
        if (deeper != null) {
          return deeper;
        }
      }
    } else if (node.isObject()) {
      for (Map.Entry<String, tools.jackson.databind.JsonNode> e : node.properties()) {
        String deeper =
            nullInArray(e.getValue(), at.isEmpty() ? e.getKey() : at + "." + e.getKey());
        if (deeper != null) {
          return deeper;
        }
      }
    }
    return null;
  }

  /** The body as a stream that fails with {@code body_too_large} past the size limit. */
  public InputStream bodyStream() {
    long declared = request.getLength();
    if (declared > maxBodyBytes) {
      throw tooLarge(declared);
    }
    InputStream in = Content.Source.asInputStream(request);
    return new java.io.FilterInputStream(in) {
      private long count;

      @Override
      public int read() throws IOException {
        int b = super.read();
        if (b >= 0 && ++count > maxBodyBytes) {
          throw tooLarge(-1);
        }
        return b;
      }

      @Override
      public int read(byte[] buffer, int offset, int length) throws IOException {
        int n = super.read(buffer, offset, length);
        if (n > 0 && (count += n) > maxBodyBytes) {
          throw tooLarge(-1);
        }
        return n;
      }
    };
  }

  /** The body as UTF-8 text, within the size limit. */
  public String bodyText() {
    return new String(readBody(), java.nio.charset.StandardCharsets.UTF_8);
  }

  private byte[] readBody() {
    long declared = request.getLength();
    if (declared > maxBodyBytes) {
      throw tooLarge(declared);
    }
    try (InputStream in = Content.Source.asInputStream(request)) {
      byte[] bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBodyBytes + 1));
      if (bytes.length > maxBodyBytes) {
        throw tooLarge(-1);
      }
      return bytes;
    } catch (IOException e) {
      throw new UncheckedIOException("reading the request body failed", e);
    }
  }

  private BatonException tooLarge(long declared) {
    return new BatonException(
        ErrorCode.BODY_TOO_LARGE,
        "request body "
            + (declared >= 0 ? "of " + declared + " bytes " : "")
            + "exceeds the limit of "
            + maxBodyBytes
            + " bytes"
            + (maxBodyBytes < BodyLimits.HOOKS ? " (server.max-body)" : ""),
        Map.of("limit", maxBodyBytes));
  }

  static boolean hasContentLengthOver(Request request, long limit) {
    String length = request.getHeaders().get(HttpHeader.CONTENT_LENGTH);
    return length != null && request.getLength() > limit;
  }
}
