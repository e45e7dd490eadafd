package com.zeroui.kms.ops;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.instrumentation.jvm.JvmCompilationMetrics;
import io.prometheus.metrics.instrumentation.jvm.JvmMemoryMetrics;
import io.prometheus.metrics.instrumentation.jvm.JvmThreadsMetrics;
import io.prometheus.metrics.instrumentation.jvm.ProcessMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/** The service's Prometheus metrics, in their own registry (no JVM-global state). */
public final class Metrics {
    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final Counter requests;
    private final Counter errors;
    private final Histogram latency;
    private final Counter policyViolations;
    private final Histogram auditBatchSize;
    private final Histogram auditCommitWait;

    public Metrics(Supplier<Map<List<String>, Long>> keyCounts) {
        requests = Counter.builder().name("kms_requests_total").help("Requests by operation and HTTP status")
                .labelNames("operation", "status").register(registry);
        errors = Counter.builder().name("kms_request_errors_total").help("Error responses by ErrorResponse.code")
                .labelNames("code").register(registry);
        latency = Histogram.builder().name("kms_operation_latency_ms").help("Request latency in milliseconds")
                .unit(null).labelNames("operation")
                .classicOnly()
                .classicUpperBounds(0.25, 0.5, 1, 2, 5, 10, 20, 50, 100, 250, 500, 1000, 2500, 5000)
                .register(registry);
        policyViolations = Counter.builder().name("kms_policy_violations_total")
                .help("Refusals with POLICY_VIOLATION by requesting module").labelNames("module").register(registry);
        auditBatchSize = Histogram.builder().name("kms_audit_batch_size").help("Receipts per group commit")
                .unit(null).classicOnly().classicUpperBounds(1, 2, 4, 8, 16, 32, 64, 128, 256, 512).register(registry);
        auditCommitWait = Histogram.builder().name("kms_audit_commit_wait_ms")
                .help("Time from a batch's first receipt being handed in to the batch being durable, in milliseconds")
                .unit(null).classicOnly().classicUpperBounds(0.5, 1, 2, 3, 5, 10, 20, 50, 100, 250, 1000, 5000)
                .register(registry);
        GaugeWithCallback.builder().name("kms_keys_total").help("Stored keys by type and state")
                .labelNames("key_type", "key_state")
                .callback(callback -> {
                    try {
                        keyCounts.get().forEach((labels, count) -> callback.call(count, labels.get(0), labels.get(1)));
                    } catch (RuntimeException e) {
                        // store unavailable: omit the series rather than fail the scrape; health reports it
                    }
                })
                .register(registry);
        // process_cpu_seconds_total, memory, open fds: what an SRE reads next to the latency histogram
        // (and what `kms bench` divides by completed requests to get server CPU per operation)
        ProcessMetrics.builder().register(registry);
        JvmMemoryMetrics.builder().register(registry);
        // JIT compile time: process CPU includes the compiler, so a benchmark reads this to tell warm from cold
        JvmCompilationMetrics.builder().register(registry);
        // threads and heap after GC: with RSS and open fds, the figures `kms bench --soak` watches for drift
        JvmThreadsMetrics.builder().register(registry);
        HeapAfterGc heapAfterGc = new HeapAfterGc();
        GaugeWithCallback.builder().name("kms_jvm_heap_after_gc_bytes")
                .help("Heap in use right after the most recent garbage collection (absent before the first)")
                .callback(cb -> {
                    long bytes = heapAfterGc.bytes();
                    if (bytes >= 0) {
                        cb.call(bytes);
                    }
                }).register(registry);
    }

    /** Admission control: requests holding a slot, waiting for one, and refused with 503 since start. */
    public void registerAdmission(java.util.function.LongSupplier active, java.util.function.LongSupplier queued,
                                  java.util.function.LongSupplier rejected) {
        GaugeWithCallback.builder().name("kms_admission_active").help("API requests being handled (holding an admission slot)")
                .callback(cb -> cb.call(active.getAsLong())).register(registry);
        GaugeWithCallback.builder().name("kms_admission_queued").help("API requests waiting for an admission slot")
                .callback(cb -> cb.call(queued.getAsLong())).register(registry);
        io.prometheus.metrics.core.metrics.CounterWithCallback.builder().name("kms_admission_rejected_total")
                .help("API requests refused with 503 because the node was at capacity")
                .callback(cb -> cb.call(rejected.getAsLong())).register(registry);
    }

    /** The HTTP server's thread pool: threads running a task now, threads started, and the pool's bound. */
    public void registerHttpThreads(java.util.function.LongSupplier busy, java.util.function.LongSupplier threads,
                                    long maxThreads) {
        GaugeWithCallback.builder().name("kms_http_threads_busy")
                .help("HTTP server threads running a task (selectors and acceptors included); parked requests hold none")
                .callback(cb -> cb.call(busy.getAsLong())).register(registry);
        GaugeWithCallback.builder().name("kms_http_threads").help("HTTP server threads started (busy, idle or reserved)")
                .callback(cb -> cb.call(threads.getAsLong())).register(registry);
        GaugeWithCallback.builder().name("kms_http_threads_max").help("Bound on the HTTP server's threads")
                .callback(cb -> cb.call(maxThreads)).register(registry);
    }

    /** The key-material cache's hits and misses since start (their ratio is the hit rate under a benchmark's key spread). */
    public void registerKeyCache(java.util.function.LongSupplier hits, java.util.function.LongSupplier misses) {
        io.prometheus.metrics.core.metrics.CounterWithCallback.builder().name("kms_key_cache_requests_total")
                .help("Key-material cache look-ups by result").labelNames("result")
                .callback(cb -> {
                    cb.call(hits.getAsLong(), "hit");
                    cb.call(misses.getAsLong(), "miss");
                }).register(registry);
    }

    /** Receipt log figures: receipts and batches written (their ratio is the group-commit batch size) and the queue. */
    public void registerAuditLog(java.util.function.LongSupplier receipts, java.util.function.LongSupplier batches,
                                 java.util.function.LongSupplier queueDepth, java.util.function.LongSupplier logSize) {
        io.prometheus.metrics.core.metrics.CounterWithCallback.builder().name("kms_audit_receipts_written_total")
                .help("Receipts made durable by this node").callback(cb -> cb.call(receipts.getAsLong())).register(registry);
        io.prometheus.metrics.core.metrics.CounterWithCallback.builder().name("kms_audit_batches_written_total")
                .help("Group commits (one transaction each) by this node").callback(cb -> cb.call(batches.getAsLong()))
                .register(registry);
        GaugeWithCallback.builder().name("kms_audit_queue_depth").help("Receipts waiting for the next group commit")
                .callback(cb -> cb.call(queueDepth.getAsLong())).register(registry);
        GaugeWithCallback.builder().name("kms_audit_log_size").help("Receipts in the log (all nodes)")
                .callback(cb -> {
                    try {
                        cb.call(logSize.getAsLong());
                    } catch (RuntimeException e) {
                        // store unavailable: health reports it
                    }
                }).register(registry);
    }

    /** The windows of {@code kms_certificates_expiring}, by label value. */
    public static final Map<String, java.time.Duration> EXPIRY_WINDOWS = Map.of(
            "7d", java.time.Duration.ofDays(7), "30d", java.time.Duration.ofDays(30));

    /**
     * {@code kms_certificates_expiring{within}}: active issued certificates that expire within each
     * window of {@link #EXPIRY_WINDOWS}, counted by {@code expiringWithin} at scrape time.
     */
    public void registerCertificatesExpiring(java.util.function.ToLongFunction<java.time.Duration> expiringWithin) {
        GaugeWithCallback.builder().name("kms_certificates_expiring")
                .help("Active (not revoked) issued certificates whose notAfter falls within the window")
                .labelNames("within")
                .callback(cb -> {
                    try {
                        for (Map.Entry<String, java.time.Duration> window : new java.util.TreeMap<>(EXPIRY_WINDOWS).entrySet()) {
                            cb.call(expiringWithin.applyAsLong(window.getValue()), window.getKey());
                        }
                    } catch (RuntimeException e) {
                        // store unavailable: omit the series rather than fail the scrape; health reports it
                    }
                }).register(registry);
    }

    /** Receipts the named sink has not acknowledged yet. */
    public void registerReceiptSink(String sink, java.util.function.LongSupplier lag) {
        GaugeWithCallback.builder().name("kms_receipt_sink_lag").help("Receipts not yet acknowledged by the sink")
                .labelNames("sink")
                .callback(cb -> {
                    try {
                        cb.call(lag.getAsLong(), sink);
                    } catch (RuntimeException e) {
                        // store unavailable: health reports it
                    }
                }).register(registry);
    }

    /** kms_compliance_check{control,check}: 1 pass, 0.5 warn, 0 fail (from the cached compliance report). */
    public void registerComplianceChecks(Supplier<Map<List<String>, Double>> checks) {
        GaugeWithCallback.builder().name("kms_compliance_check")
                .help("Compliance report items: 1 pass, 0.5 warn, 0 fail").labelNames("control", "check")
                .callback(cb -> {
                    try {
                        checks.get().forEach((labels, value) -> cb.call(value, labels.get(0), labels.get(1)));
                    } catch (RuntimeException e) {
                        // report unavailable: omit the series rather than fail the scrape
                    }
                }).register(registry);
    }

    /** One policy violation (403 POLICY_VIOLATION) by {@code module}. */
    public void recordPolicyViolation(String module) {
        policyViolations.labelValues(module).inc();
    }

    /** What the metrics read from one event sink's relay. */
    public record EventSinkFigures(String sink, java.util.function.LongSupplier depth,
                                   java.util.function.DoubleSupplier lagSeconds, java.util.function.LongSupplier delivered,
                                   java.util.function.LongSupplier failures) {
    }

    /** Outbox depth and lag per event sink, plus deliveries and failed attempts. */
    public void registerEventSinks(List<EventSinkFigures> sinks) {
        GaugeWithCallback.builder().name("kms_event_sink_depth").help("Events in the outbox not yet acknowledged by the sink")
                .labelNames("sink").callback(cb -> sinks.forEach(s -> {
                    try {
                        cb.call(s.depth().getAsLong(), s.sink());
                    } catch (RuntimeException e) {
                        // store unavailable: health reports it
                    }
                })).register(registry);
        GaugeWithCallback.builder().name("kms_event_sink_lag_seconds")
                .help("Age of the oldest event the sink has not acknowledged (0 when caught up)")
                .labelNames("sink").callback(cb -> sinks.forEach(s -> {
                    try {
                        cb.call(s.lagSeconds().getAsDouble(), s.sink());
                    } catch (RuntimeException e) {
                        // store unavailable: health reports it
                    }
                })).register(registry);
        io.prometheus.metrics.core.metrics.CounterWithCallback.builder().name("kms_event_sink_delivered_total")
                .help("Events acknowledged by the sink (delivered by this node)").labelNames("sink")
                .callback(cb -> sinks.forEach(s -> cb.call(s.delivered().getAsLong(), s.sink()))).register(registry);
        io.prometheus.metrics.core.metrics.CounterWithCallback.builder().name("kms_event_sink_failures_total")
                .help("Failed delivery attempts to the sink (each is retried)").labelNames("sink")
                .callback(cb -> sinks.forEach(s -> cb.call(s.failures().getAsLong(), s.sink()))).register(registry);
    }

    /** Last event sequence number in the outbox (all nodes). */
    public void registerEventOutbox(java.util.function.LongSupplier lastSeq) {
        GaugeWithCallback.builder().name("kms_event_outbox_last_seq").help("Sequence number of the newest event in the outbox")
                .callback(cb -> {
                    try {
                        cb.call(lastSeq.getAsLong());
                    } catch (RuntimeException e) {
                        // store unavailable: health reports it
                    }
                }).register(registry);
    }

    /** Scheduled backups: when the last one succeeded (no sample before the first) and its size. */
    public void registerBackups(java.util.function.DoubleSupplier lastSuccessSeconds, java.util.function.LongSupplier bytes) {
        GaugeWithCallback.builder().name("kms_backup_last_success_timestamp_seconds")
                .help("Unix time of this node's last successful scheduled backup").callback(cb -> {
                    double t = lastSuccessSeconds.getAsDouble();
                    if (!Double.isNaN(t)) {
                        cb.call(t);
                    }
                }).register(registry);
        GaugeWithCallback.builder().name("kms_backup_bytes").help("Size of the last successful scheduled backup file")
                .callback(cb -> cb.call(bytes.getAsLong())).register(registry);
    }

    /** Group commit: receipts per batch, and how long the oldest receipt of a batch waited until durable. */
    public void recordAuditBatch(int receipts, double waitMillis) {
        auditBatchSize.observe(receipts);
        auditCommitWait.observe(waitMillis);
    }

    public void recordRequest(String operation, int status, String errorCode, double millis) {
        requests.labelValues(operation, Integer.toString(status)).inc();
        latency.labelValues(operation).observe(millis);
        if (errorCode != null) {
            errors.labelValues(errorCode).inc();
        }
    }

    /** Prometheus text exposition format 0.0.4. */
    public String scrape() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            PrometheusTextFormatWriter.create().write(out, registry.scrape());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return out.toString(StandardCharsets.UTF_8);
    }
}
