package com.zeroui.kms.api;

import com.zeroui.kms.error.ErrorCode;
import com.zeroui.kms.error.FailureLog;
import com.zeroui.kms.error.KmsException;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import java.io.IOException;
import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place where failures become {@code ErrorResponse {code, message, details?, retryable}}.
 * The caller's errors (4xx) carry their message; ours (5xx) carry a constant message and an
 * incident id that points at the log line, never internals.
 */
final class ErrorResponses {
    static final String ATTR_ERROR_CODE = "kms.error_code";
    private static final Logger LOG = LoggerFactory.getLogger(ErrorResponses.class);
    /** An outage fails every request: one line per kind of failure a minute, not one (with a stack) per request. */
    private static final FailureLog OUTAGES = new FailureLog(LOG);

    private ErrorResponses() {
    }

    static void handle(KmsException e, Context ctx) {
        Map<String, Object> details = new LinkedHashMap<>(e.details());
        if (e.receiptId() != null) {
            details.put("receipt_id", e.receiptId());
            ctx.header(Receipts.HEADER, e.receiptId());
        }
        String message = e.getMessage();
        if (e.code() == ErrorCode.DEPENDENCY_UNAVAILABLE) {
            OUTAGES.warn("requests answered 503: " + e.details().getOrDefault("dependency", "a dependency") + " unavailable",
                    e);
        } else if (!e.code().isClientError()) {
            String incident = UUID.randomUUID().toString();
            details.put("incident_id", incident);
            // Log the cause class and message only: causes here never carry key bytes.
            LOG.warn("incident {}: {} {} -> {} ({})", incident, ctx.method(), ctx.path(), e.code(), describe(e.getCause()));
            if (e.code() == ErrorCode.INTERNAL_ERROR) {
                message = "internal error";
            }
        }
        write(ctx, e.httpStatus(), e.code(), message, details, e.retryable());
    }

    static void handleUnexpected(Exception e, Context ctx) {
        // Jetty's own HTTP errors surface here when they happen while a route reads the body
        // (broken chunked framing, early EOF): the caller's fault, answered as such.
        var clientStatus = JettyErrorResponses.clientErrorStatus(e);
        if (clientStatus.isPresent()) {
            write(ctx, clientStatus.get(), ErrorCode.INVALID_REQUEST, JettyErrorResponses.messageFor(clientStatus.get()),
                    Map.of());
            return;
        }
        String incident = UUID.randomUUID().toString();
        LOG.error("incident {}: unexpected failure on {} {}", incident, ctx.method(), ctx.path(), e);
        write(ctx, 500, ErrorCode.INTERNAL_ERROR, "internal error", Map.of("incident_id", incident));
    }

    /** A JVM Error on a request thread: logged with its stack under an incident id, answered as JSON. */
    static void handleError(jakarta.servlet.http.HttpServletResponse response, Error error) {
        String incident = UUID.randomUUID().toString();
        LOG.error("incident {}: JVM error while serving a request", incident, error);
        try {
            response.setStatus(500);
            response.setContentType("application/json");
            response.getWriter().write("{\"code\":\"INTERNAL_ERROR\",\"message\":\"internal error\",\"details\":{\"incident_id\":\""
                    + incident + "\"},\"retryable\":false}");
        } catch (java.io.IOException | IllegalStateException e) {
            // the response is already committed or gone: the log line is what remains
        }
    }

    /** Javalin's own 4xx (no route, wrong method, body too large): same envelope, spec code. */
    static void handleHttp(HttpResponseException e, Context ctx, long maxRequestBytes) {
        int status = e.getStatus();
        ErrorCode code = status >= 500 ? ErrorCode.INTERNAL_ERROR : ErrorCode.INVALID_REQUEST;
        if (status == 413) {
            discardRemainingBody(ctx, 4 * maxRequestBytes);
            write(ctx, status, code, "request body is larger than the limit of " + maxRequestBytes + " bytes",
                    Map.of("max_request_bytes", maxRequestBytes));
            return;
        }
        String message = switch (status) {
            case 404 -> "no such endpoint: " + ctx.method() + " " + ctx.path();
            case 405 -> "method " + ctx.method() + " is not allowed on " + ctx.path();
            default -> status >= 500 ? "internal error" : "request rejected";
        };
        write(ctx, status, code, message, Map.of());
    }

    /**
     * Reads and drops the rest of an oversized body, up to {@code limit} bytes. Jetty closes a
     * connection whose body was left unread, and closing a socket with unread input makes TCP
     * reset it, which destroys the 413 before most clients read it.
     */
    private static void discardRemainingBody(Context ctx, long limit) {
        byte[] buffer = new byte[64 * 1024];
        long left = limit;
        try {
            InputStream in = ctx.req().getInputStream();
            while (left > 0) {
                int read = in.read(buffer, 0, (int) Math.min(buffer.length, left));
                if (read < 0) {
                    return;
                }
                left -= read;
            }
        } catch (IOException | RuntimeException e) {
            // the client went away or the stream is unusable: nothing left to protect
        }
    }

    static void write(Context ctx, int status, ErrorCode code, String message, Map<String, Object> details) {
        write(ctx, status, code, message, details, code.retryable());
    }

    private static void write(Context ctx, int status, ErrorCode code, String message, Map<String, Object> details,
                              boolean retryable) {
        Map<String, Object> body = envelope(code, message, details);
        body.put("retryable", retryable);
        ctx.attribute(ATTR_ERROR_CODE, code.name());
        if (retryable && (code == ErrorCode.RATE_LIMITED || code == ErrorCode.DEPENDENCY_UNAVAILABLE)) {
            // a limit that knows when it resets says so (whole seconds); otherwise try again in a second
            Object after = details.get(com.zeroui.kms.limits.UsageGate.RETRY_AFTER_DETAIL);
            ctx.header("Retry-After", after instanceof Number n ? Long.toString(Math.max(1, n.longValue())) : "1");
        }
        ctx.status(status).json(body);
    }

    /**
     * One POST /batch item's failure: {@code {status, error: ErrorResponse, receipt_id?}}, the same
     * status, code, message and details the operation alone would have answered. An unexpected
     * failure is logged under an incident id and answered as INTERNAL_ERROR, like a whole request.
     */
    static Map<String, Object> itemFailure(RuntimeException failure, String where) {
        Map<String, Object> item = new LinkedHashMap<>();
        if (failure instanceof KmsException e) {
            Map<String, Object> details = new LinkedHashMap<>(e.details());
            String message = e.getMessage();
            if (!e.code().isClientError() && e.code() != ErrorCode.DEPENDENCY_UNAVAILABLE) {
                String incident = UUID.randomUUID().toString();
                details.put("incident_id", incident);
                LOG.warn("incident {}: {} -> {} ({})", incident, where, e.code(), describe(e.getCause()));
                if (e.code() == ErrorCode.INTERNAL_ERROR) {
                    message = "internal error";
                }
            }
            Map<String, Object> error = envelope(e.code(), message, details);
            error.put("retryable", e.retryable());
            item.put("status", e.httpStatus());
            item.put("error", error);
            if (e.receiptId() != null) {
                item.put("receipt_id", e.receiptId());
            }
            return item;
        }
        String incident = UUID.randomUUID().toString();
        LOG.error("incident {}: unexpected failure on {}", incident, where, failure);
        item.put("status", 500);
        item.put("error", envelope(ErrorCode.INTERNAL_ERROR, "internal error", Map.of("incident_id", incident)));
        return item;
    }

    /** The ErrorResponse body: {@code {code, message, details?, retryable}}. */
    static Map<String, Object> envelope(ErrorCode code, String message, Map<String, Object> details) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("code", code.name());
        body.put("message", message);
        if (!details.isEmpty()) {
            body.put("details", details);
        }
        body.put("retryable", code.retryable());
        return body;
    }

    private static String describe(Throwable t) {
        // a driver's message can hold the statement and its values: name the failure, never quote it
        return t == null ? "no cause" : FailureLog.kind(t);
    }
}
