package com.zeroui.kms.audit;

import com.zeroui.kms.error.FailureLog;
import com.zeroui.kms.error.KmsException;
import com.zeroui.kms.events.KmsEvent;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The append-only receipt log with group commit. Request threads hand in drafts and wait; one
 * writer thread gathers whatever arrived within a short window (or up to a batch limit), gives
 * each receipt its log index, signs it, extends the Merkle tree and commits the whole batch in one
 * transaction — one fsync for many receipts. A receipt id is returned only once its batch is durable.
 */
public final class AuditLog implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(AuditLog.class);
    /** Failed batches during an outage: one line per kind a minute, never the driver's message (it can hold values). */
    private static final FailureLog FAILURES = new FailureLog(LOG);
    /** Writer idle this long: it tells the repository, which releases the connection it keeps across batches. */
    static final long IDLE_RELEASE_MILLIS = 200;

    private final AuditRepository repository;
    private final ReceiptSigner signer;
    private final long windowNanos;
    private final int maxBatch;
    private final Duration appendTimeout;
    private final LogIntegrity integrity;
    private final BlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
    private final Thread writer;
    private volatile boolean running = true;
    private volatile String lastFailure;
    private final AtomicLong receiptsWritten = new AtomicLong();
    private final AtomicLong batchesWritten = new AtomicLong();
    /** Writer thread only. Null means "reload from the store before the next append". */
    private MerkleFrontier frontier;

    private record Pending(ReceiptDraft draft, List<KmsEvent> events, CompletableFuture<String> done, long enqueuedNanos) {
    }

    /** Told about every committed batch: its size and how long its oldest receipt waited (for metrics). */
    public interface BatchListener {
        void committed(int receipts, long waitNanos);
    }

    private volatile BatchListener listener = (receipts, waitNanos) -> { };
    private volatile WrittenReceipts written;

    /** Remembers every signed row in {@code receipts}, for this process's self-check (ADR 0028). */
    public void rememberIn(WrittenReceipts receipts) {
        this.written = receipts;
    }

    public void onBatch(BatchListener batchListener) {
        this.listener = batchListener;
    }

    public AuditLog(AuditRepository repository, ReceiptSigner signer, Duration window, int maxBatch, Duration appendTimeout) {
        this(repository, signer, window, maxBatch, appendTimeout, new LogIntegrity());
    }

    /** A log that appends nothing once {@code integrity} reports the stored log broken. */
    public AuditLog(AuditRepository repository, ReceiptSigner signer, Duration window, int maxBatch, Duration appendTimeout,
                    LogIntegrity integrity) {
        this.integrity = integrity;
        this.repository = repository;
        this.signer = signer;
        this.windowNanos = window.toNanos();
        this.maxBatch = maxBatch;
        this.appendTimeout = appendTimeout;
        this.writer = new Thread(this::writeLoop, "kms-audit-writer");
        this.writer.setDaemon(true);
        this.writer.start();
    }

    /**
     * Appends one receipt and returns its id once it is durable. Throws 503
     * DEPENDENCY_UNAVAILABLE (retryable) when the log cannot persist it in time.
     */
    public String append(ReceiptDraft draft) {
        return append(draft, List.of());
    }

    /** Appends one receipt and, in the same transaction, the events the operation announces. */
    public String append(ReceiptDraft draft, List<KmsEvent> events) {
        if (!running) {
            throw KmsException.unavailable("audit_log", "the audit log is shut down", null);
        }
        integrity.requireIntact();
        CompletableFuture<String> done = new CompletableFuture<>();
        queue.add(new Pending(draft, events, done, System.nanoTime()));
        try {
            return done.get(appendTimeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof KmsException k ? k
                    : KmsException.unavailable("audit_log", "receipt could not be persisted", e.getCause());
        } catch (TimeoutException e) {
            throw KmsException.unavailable("audit_log", "receipt was not persisted within " + appendTimeout.toMillis() + " ms", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw KmsException.unavailable("audit_log", "interrupted while persisting the receipt", e);
        }
    }

    /** Throws 503 (not retryable) while the stored log is known to be broken (see {@link LogIntegrity}). */
    public void requireIntact() {
        integrity.requireIntact();
    }

    private void writeLoop() {
        List<Pending> batch = new ArrayList<>();
        while (running || !queue.isEmpty()) {
            try {
                Pending first = queue.poll();
                if (first == null) {
                    first = queue.poll(IDLE_RELEASE_MILLIS, TimeUnit.MILLISECONDS);
                    if (first == null) {
                        repository.writerIdle(); // no batch for a while: the store may take back the writer's connection
                        continue;
                    }
                }
                batch.add(first);
                long deadline = System.nanoTime() + windowNanos;
                while (batch.size() < maxBatch) {
                    long wait = deadline - System.nanoTime();
                    Pending next = wait > 0 ? queue.poll(wait, TimeUnit.NANOSECONDS) : queue.poll();
                    if (next == null) {
                        break;
                    }
                    batch.add(next);
                }
                write(batch);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            } catch (RuntimeException | Error e) {
                FAILURES.warn("audit writer failed", e);
                fail(batch, e);
            } finally {
                batch.clear();
            }
        }
        repository.writerIdle();
    }

    private void write(List<Pending> batch) {
        List<String> ids = new ArrayList<>(batch.size());
        try {
            integrity.requireIntact(); // a breach found while these waited: they must not extend the log either
            repository.append(batch.size(), firstIndex -> build(batch, firstIndex, ids));
        } catch (RuntimeException e) {
            frontier = null; // the transaction rolled back: our in-memory edge may be ahead of the store
            lastFailure = FailureLog.kind(e);
            FAILURES.warn("audit log batches not persisted", e);
            fail(batch, e);
            return;
        }
        lastFailure = null;
        receiptsWritten.addAndGet(batch.size());
        batchesWritten.incrementAndGet();
        listener.committed(batch.size(), System.nanoTime() - batch.get(0).enqueuedNanos());
        for (int i = 0; i < batch.size(); i++) {
            batch.get(i).done().complete(ids.get(i));
        }
    }

    private AuditRepository.Batch build(List<Pending> batch, long firstIndex, List<String> ids) {
        if (frontier == null || frontier.size() != firstIndex) {
            frontier = MerkleFrontier.load(firstIndex, repository); // first use, or another node appended
        }
        ReceiptSigner signer = this.signer.current();
        List<AuditRepository.ReceiptRow> rows = new ArrayList<>(batch.size());
        List<MerkleFrontier.Node> nodes = new ArrayList<>();
        List<KmsEvent> events = new ArrayList<>();
        ids.clear();
        for (int i = 0; i < batch.size(); i++) {
            ReceiptDraft draft = batch.get(i).draft();
            long index = firstIndex + i;
            // one canonical pass: the signed form is the unsigned one with the signature member spliced in
            CanonicalJson.Slotted unsigned = CanonicalJson.slotted(draft.content(index, signer.keyId()), "signature");
            String json = unsigned.with(Base64.getEncoder().encodeToString(signer.sign(unsigned.bytes())));
            nodes.addAll(frontier.append(MerkleHash.leaf(json.getBytes(StandardCharsets.UTF_8))));
            rows.add(new AuditRepository.ReceiptRow(index, draft.receiptId(), draft.ts(), draft.tenantId(), draft.keyId(),
                    draft.operation(), draft.success(), json));
            ids.add(draft.receiptId());
            events.addAll(batch.get(i).events());
        }
        WrittenReceipts remember = written;
        if (remember != null) {
            remember.record(rows);
        }
        return new AuditRepository.Batch(rows, nodes, events);
    }

    private static void fail(List<Pending> batch, Throwable cause) {
        KmsException error = cause instanceof KmsException k ? k
                : KmsException.unavailable("audit_log", "receipt could not be persisted", cause);
        batch.forEach(p -> p.done().completeExceptionally(error));
    }

    /**
     * Health: the writer runs and the log's store answers. After a failed batch this probes the
     * store, so health turns green as soon as receipts could be written again.
     */
    public void check() {
        if (!writer.isAlive()) {
            throw new IllegalStateException("audit writer thread is not running");
        }
        String failure = lastFailure;
        if (failure != null) {
            try {
                repository.size();
            } catch (RuntimeException e) {
                throw new IllegalStateException("last receipt batch failed: " + failure);
            }
            lastFailure = null;
        }
    }

    public long receiptsWritten() {
        return receiptsWritten.get();
    }

    public long batchesWritten() {
        return batchesWritten.get();
    }

    public int queueDepth() {
        return queue.size();
    }

    /** Stops taking receipts and waits for the queued ones to be written. */
    @Override
    public void close() {
        running = false; // no interrupt: it could break a commit in flight; the writer polls every 200 ms
        try {
            writer.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
