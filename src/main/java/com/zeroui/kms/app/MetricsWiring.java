package com.zeroui.kms.app;

import com.zeroui.kms.audit.AuditLog;
import com.zeroui.kms.ops.Metrics;
import com.zeroui.kms.ops.ScrapeCache;
import com.zeroui.kms.store.JdbcEventOutbox;

/** Metrics wiring: the registry with the gauges of keys, the audit log and the event outbox; later steps add theirs. */
final class MetricsWiring {
    private MetricsWiring() {
    }

    static Metrics start(KeysWiring keys, AuditWiring audit, JdbcEventOutbox outbox) {
        // counting every key is a scan of an index with one entry per key: at most once per KEY_COUNT_MAX_AGE
        Metrics metrics = new Metrics(new ScrapeCache<>(keys.keys()::countByTypeAndState, KmsNode.KEY_COUNT_MAX_AGE));
        metrics.registerKeyCache(keys.material()::hits, keys.material()::misses);
        AuditLog log = audit.log();
        metrics.registerAuditLog(log::receiptsWritten, log::batchesWritten, log::queueDepth, audit.repository()::size);
        log.onBatch((receipts, waitNanos) -> metrics.recordAuditBatch(receipts, waitNanos / 1e6));
        metrics.registerEventOutbox(outbox::lastSeq);
        return metrics;
    }
}
