package com.zeroui.kms.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.zeroui.kms.error.ErrorCode;
import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * Admission control as the outermost Jetty handler, before routing, authentication and body
 * parsing: a request that would only wait gets a fast 503 DEPENDENCY_UNAVAILABLE (retryable,
 * {@code Retry-After: 1}, details.reason "overloaded") instead of a slot in an unbounded queue.
 * A slot is held until the response completes, successfully or not. A request that must wait is
 * parked without a thread (like Jetty's QoSHandler, whose refusals cannot carry our envelope) and
 * resumed on the server's executor when a slot is handed to it, or refused when its wait runs out.
 * Health and metrics bypass the gate so that an overloaded node can still be observed and its load
 * balancer informed.
 */
final class AdmissionHandler extends Handler.Wrapper {
    static final String RETRY_AFTER_SECONDS = "1";
    /** Bodies up to this size are read and dropped before a refusal (every KMS request body is far smaller). */
    static final long MAX_DRAINED_BYTES = 64 * 1024;
    private final AdmissionGate gate;
    private final Set<String> exempt;
    private final byte[] refusal;

    AdmissionHandler(AdmissionGate gate, Set<String> exemptPaths, ObjectMapper mapper) throws JsonProcessingException {
        this.gate = gate;
        this.exempt = Set.copyOf(exemptPaths);
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("dependency", "capacity");
        details.put("reason", "overloaded");
        details.put("max_concurrent_requests", gate.maxConcurrent());
        Map<String, Object> body = ErrorResponses.envelope(ErrorCode.DEPENDENCY_UNAVAILABLE,
                "the node is at capacity; retry after the Retry-After delay", details);
        this.refusal = mapper.writeValueAsBytes(body);
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        if (exempt.contains(Request.getPathInContext(request))) {
            return super.handle(request, response, callback);
        }
        return switch (gate.enter(new Parked(request, response, callback), request.getComponents().getScheduler())) {
            case ADMITTED -> handleAdmitted(request, response, callback);
            case QUEUED -> true; // parked without a thread: Parked resumes or refuses it later
            case REFUSED -> {
                refuse(request, response, callback);
                yield true;
            }
        };
    }

    /** Handles a request that holds a slot; the slot goes back exactly once, when the response completes. */
    private boolean handleAdmitted(Request request, Response response, Callback callback) throws Exception {
        AtomicBoolean released = new AtomicBoolean();
        Runnable leave = () -> {
            if (released.compareAndSet(false, true)) {
                gate.leave();
            }
        };
        boolean handled;
        try {
            handled = super.handle(request, response, new Releasing(callback, leave));
        } catch (Throwable t) {
            leave.run();
            throw t;
        }
        if (!handled) {
            leave.run();
        }
        return handled;
    }

    /**
     * A queued request, parked with its response and callback while no thread works for it. Both
     * outcomes are dispatched to the server's executor: admission comes on the thread of a request
     * that is completing (handling inline would nest one request in another), expiry on the
     * scheduler's single thread, which must not write responses.
     */
    private final class Parked implements AdmissionGate.Waiter {
        private final Request request;
        private final Response response;
        private final Callback callback;

        Parked(Request request, Response response, Callback callback) {
            this.request = request;
            this.response = response;
            this.callback = callback;
        }

        @Override
        public void admitted() {
            try {
                request.getComponents().getExecutor().execute(this::resume);
            } catch (RuntimeException stopping) { // the pool refuses work only while the server stops
                gate.leave();
                callback.failed(stopping);
            }
        }

        @Override
        public void expired() {
            try {
                request.getComponents().getExecutor().execute(() -> refuse(request, response, callback));
            } catch (RuntimeException stopping) {
                callback.failed(stopping);
            }
        }

        /** What Jetty does for a handler that returns false or throws, which it cannot do for a resumed request. */
        private void resume() {
            try {
                if (!handleAdmitted(request, response, callback)) {
                    Response.writeError(request, response, callback, HttpStatus.NOT_FOUND_404);
                }
            } catch (Throwable t) {
                Response.writeError(request, response, callback, t);
            }
        }
    }

    /**
     * Answers 503 once the request's body has been read and dropped, so the connection stays
     * usable: Jetty closes a connection whose request body was left unread, and the client's next
     * request on it would fail instead of getting an answer. A body too large (or of unknown
     * length) to drain cheaply gets {@code Connection: close} instead, which clients honour.
     */
    private void refuse(Request request, Response response, Callback callback) {
        long length = request.getLength();
        if (length == 0) {
            writeRefusal(response, callback, false);
        } else if (length > 0 && length <= MAX_DRAINED_BYTES) {
            Content.Source.consumeAll(request, Callback.from(() -> writeRefusal(response, callback, false),
                    failure -> writeRefusal(response, callback, true)));
        } else {
            writeRefusal(response, callback, true);
        }
    }

    private void writeRefusal(Response response, Callback callback, boolean close) {
        response.setStatus(ErrorCode.DEPENDENCY_UNAVAILABLE.httpStatus());
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
        response.getHeaders().put(HttpHeader.RETRY_AFTER, RETRY_AFTER_SECONDS);
        if (close) {
            response.getHeaders().put(HttpHeader.CONNECTION, "close");
        }
        response.write(true, ByteBuffer.wrap(refusal), callback);
    }

    /** Completes the request's callback after giving the slot back, whichever way it ends. */
    private record Releasing(Callback delegate, Runnable leave) implements Callback {
        @Override
        public void succeeded() {
            leave.run();
            delegate.succeeded();
        }

        @Override
        public void failed(Throwable failure) {
            leave.run();
            delegate.failed(failure);
        }

        @Override
        public InvocationType getInvocationType() {
            return delegate.getInvocationType();
        }
    }
}
