package com.zeroui.kms.app;

import java.util.ArrayDeque;
import java.util.Deque;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What start-up has opened so far (storage, threads, sinks, the HTTP server), closed last-opened
 * first: when the node stops, and when start-up fails part way, so each wiring step registers what
 * it opens and no failure handler needs to know another step's locals.
 */
final class StartedResources implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(KmsNode.class); // same log category as before the split

    /** Stops one started thing; it may throw: the others are closed anyway. */
    @FunctionalInterface
    interface Closer {
        void close() throws Exception;
    }

    private record Entry(String name, Closer closer, boolean stopOnly) {
    }

    private final Deque<Entry> entries = new ArrayDeque<>();

    /** Registers {@code resource} to be closed with the rest, and returns it. */
    <T extends AutoCloseable> T add(String name, T resource) {
        onClose(name, resource::close);
        return resource;
    }

    /** Registers how to stop something that is not itself AutoCloseable (an executor, say). */
    synchronized void onClose(String name, Closer closer) {
        entries.push(new Entry(name, closer, false));
    }

    /**
     * Registers a step only a normal stop runs, in its place in the order (e.g. the final audit
     * checkpoint, after the log is closed and before storage is); a failed start-up skips it.
     */
    synchronized void onStop(String name, Closer closer) {
        entries.push(new Entry(name, closer, true));
    }

    /**
     * The node stops: every entry, last registered first. A failing entry does not stop the
     * others; the first failure is thrown once all ran, later ones added to it as suppressed.
     */
    @Override
    public void close() {
        closeAll(true);
    }

    /** Start-up failed with {@code cause}: close what was opened, attach any failure in closing to it. */
    <E extends Throwable> E closeAfterFailure(E cause) {
        try {
            closeAll(false);
        } catch (RuntimeException e) {
            cause.addSuppressed(e);
        }
        return cause;
    }

    private synchronized void closeAll(boolean stopping) {
        RuntimeException failure = null;
        while (!entries.isEmpty()) {
            Entry entry = entries.pop();
            if (entry.stopOnly() && !stopping) {
                continue;
            }
            try {
                entry.closer().close();
            } catch (Exception e) {
                if (e instanceof InterruptedException) {
                    Thread.currentThread().interrupt();
                }
                LOG.warn("stopping {} failed: {}", entry.name(), e.toString());
                RuntimeException wrapped = new IllegalStateException("stopping " + entry.name() + " failed: "
                        + e.getMessage(), e);
                if (failure == null) {
                    failure = wrapped;
                } else {
                    failure.addSuppressed(wrapped);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }
}
