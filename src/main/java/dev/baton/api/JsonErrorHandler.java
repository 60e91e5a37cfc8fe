package dev.baton.api;

import dev.baton.core.BatonException;
import dev.baton.core.ErrorCode;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * Answers the errors Jetty raises itself (malformed HTTP, headers too large, shutting down) in the
 * same JSON error shape as the routes.
 */
public final class JsonErrorHandler extends ErrorHandler {
  @Override
  public boolean handle(Request request, Response response, Callback callback) {
    int status = response.getStatus();
    Object attribute = request.getAttribute(ERROR_STATUS);
    if (attribute instanceof Integer code) {
      status = code;
    }
    Object message = request.getAttribute(ERROR_MESSAGE);
    String text = message == null ? "HTTP " + status : message.toString();
    ErrorCode code;
    if (status == 413) {
      code = ErrorCode.BODY_TOO_LARGE;
    } else if (status == 404) {
      code = ErrorCode.NOT_FOUND;
    } else if (status == 405) {
      code = ErrorCode.METHOD_NOT_ALLOWED;
    } else if (status == 503) {
      code = ErrorCode.UNAVAILABLE;
      text = "broker is shutting down or overloaded: " + text;
    } else if (status >= 400 && status < 500) {
      code = ErrorCode.INVALID_REQUEST;
      text = "malformed HTTP request: " + text;
    } else {
      code = ErrorCode.INTERNAL;
    }
    BatonException e = new BatonException(code, text);
    response.setStatus(status);
    Responses.json(response, callback, status, Responses.errorBody(e));
    return true;
  }
}
