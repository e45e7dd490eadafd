package com.zeroui.kms.audit;

import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Forwards the receipt log to one sink, at least once, in log order. The log is the outbox and
 * the sink's cursor lives in the database, so nothing acknowledged is lost across restarts or
 * node changes; failures are retried with exponential backoff (100 ms doubling to 30 s).
 */
public final class ReceiptForwarder implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ReceiptForwarder.class);
    private static final int BATCH = 200;
    private static final Duration IDLE_POLL = Duration.ofMillis(200);
    private static final Duration FIRST_BACKOFF = Duration.ofMillis(100);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(30);
    private static final String TREE_HEAD_CURSOR_PREFIX = "tree_heads:";

    private final AuditRepository repository;
    private final ReceiptSink sink;
    private final Thread thread;
    private volatile boolean running = true;
    private volatile String lastError;
    private volatile long delivered;

    public ReceiptForwarder(AuditRepository repository, ReceiptSink sink) {
        this.repository = repository;
        this.sink = sink;
        this.thread = new Thread(this::run, "kms-receipt-sink-" + sink.name());
        this.thread.setDaemon(true);
        this.thread.start();
    }

    /** The cursor of a sink's tree heads (next tree size to deliver); not a receipt cursor, so sealing ignores it. */
    public static String treeHeadCursor(String sinkName) {
        return TREE_HEAD_CURSOR_PREFIX + sinkName;
    }

    public static boolean isTreeHeadCursor(String cursorName) {
        return cursorName.startsWith(TREE_HEAD_CURSOR_PREFIX);
    }

    private void run() {
        long backoff = FIRST_BACKOFF.toMillis();
        while (running) {
            try {
                boolean receipts = deliverReceipts();
                boolean heads = deliverTreeHeads();
                if (!receipts && !heads) {
                    sleep(IDLE_POLL.toMillis());
                    continue;
                }
                lastError = null;
                backoff = FIRST_BACKOFF.toMillis();
            } catch (InterruptedException e) {
                return;
            } catch (Exception e) {
                lastError = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
                LOG.warn("receipt sink {}: delivery failed, retrying in {} ms: {}", sink.name(), backoff, lastError);
                if (!sleep(backoff)) {
                    return;
                }
                backoff = Math.min(backoff * 2, MAX_BACKOFF.toMillis());
            }
        }
    }

    /** One batch of receipts from the sink's cursor; false when there was none. */
    private boolean deliverReceipts() throws Exception {
        long cursor = repository.sinkCursor(sink.name());
        delivered = cursor;
        List<AuditRepository.ReceiptRow> batch = repository.range(cursor, BATCH);
        if (batch.isEmpty()) {
            return false;
        }
        sink.deliver(batch);
        // the next index after the batch, not cursor + size: below a sealed range there are no rows
        long next = batch.get(batch.size() - 1).logIndex() + 1;
        if (repository.advanceSinkCursor(sink.name(), cursor, next)) {
            delivered = next;
        }
        return true;
    }

    /** One batch of signed tree heads from the sink's head cursor; false when there was none. */
    private boolean deliverTreeHeads() throws Exception {
        String name = treeHeadCursor(sink.name());
        long cursor = repository.sinkCursor(name);
        List<TreeHead> heads = repository.treeHeads(cursor, Long.MAX_VALUE, BATCH);
        if (heads.isEmpty()) {
            return false;
        }
        sink.deliverTreeHeads(heads);
        repository.advanceSinkCursor(name, cursor, heads.get(heads.size() - 1).treeSize() + 1);
        return true;
    }

    private boolean sleep(long millis) {
        try {
            Thread.sleep(millis);
            return true;
        } catch (InterruptedException e) {
            return false;
        }
    }

    public String sinkName() {
        return sink.name();
    }

    /** Receipts in the log that the sink has not acknowledged yet. */
    public long lag() {
        return Math.max(0, repository.size() - delivered);
    }

    /** Health (non-critical): fails while deliveries fail and receipts wait. */
    public void check() {
        String error = lastError;
        if (error != null) {
            throw new IllegalStateException("receipt sink " + sink.name() + " is failing (" + lag()
                    + " receipts waiting): " + error);
        }
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
