package com.zeroui.kms.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.zeroui.kms.error.ErrorCode;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.Optional;
import org.eclipse.jetty.http.HttpException;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * Errors Jetty answers itself, before a request reaches a route: an unparseable URI, bad
 * percent-encoding or UTF-8 in the path, a URI or headers over Jetty's limits. Jetty's default is
 * an HTML page; this writes the same ErrorResponse envelope as {@link ErrorResponses}, so every
 * non-2xx the service sends is JSON and none carries internals.
 */
final class JettyErrorResponses extends ErrorHandler {
    private final ObjectMapper mapper;

    JettyErrorResponses(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws JsonProcessingException {
        int status = response.getStatus();
        if (request.getAttribute(ERROR_EXCEPTION) instanceof HttpException e) {
            status = e.getCode();
        }
        if (status == 505) {
            status = 400; // a version we do not speak is the caller's error, not ours
        } else if (status < 400 || status > 599) {
            status = 500;
        }
        ErrorCode code = status >= 500 ? ErrorCode.INTERNAL_ERROR : ErrorCode.INVALID_REQUEST;
        String message = status >= 500 ? "internal error" : messageFor(status);
        byte[] body = mapper.writeValueAsBytes(ErrorResponses.envelope(code, message, Map.of()));
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
        response.write(true, ByteBuffer.wrap(body), callback);
        return true;
    }

    /** The message for a 4xx that Jetty decided: the request broke HTTP itself, not the API. */
    static String messageFor(int status) {
        return switch (status) {
            case 400 -> "malformed HTTP request (request line, URI encoding, headers or body framing)";
            case 408 -> "request was not received in time";
            case 413 -> "request body is larger than the limit";
            case 414 -> "request URI is too long";
            case 431 -> "request headers are too large";
            default -> "request rejected (HTTP " + status + ")";
        };
    }

    /** The 4xx status of a Jetty HTTP error in {@code failure}'s cause chain, if there is one. */
    static Optional<Integer> clientErrorStatus(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof HttpException http && http.getCode() >= 400 && http.getCode() < 500) {
                return Optional.of(http.getCode());
            }
        }
        return Optional.empty();
    }
}
