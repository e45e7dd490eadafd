package com.zeroui.kms.error;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.sql.BatchUpdateException;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** Issue 11 §4: an outage is one log line per kind of failure, without SQL values or stack traces. */
class FailureLogTest {
    final Logger logger = (Logger) LoggerFactory.getLogger("failure-log-test-" + System.nanoTime());
    final ListAppender<ILoggingEvent> lines = new ListAppender<>();

    {
        lines.start();
        logger.addAppender(lines);
    }

    static KmsException outage(Throwable cause) {
        return KmsException.unavailable("storage", "metadata store unavailable", cause);
    }

    @Test
    void oneLinePerKindAndPlaceWithinTheWindow() {
        java.util.concurrent.atomic.AtomicLong now = new java.util.concurrent.atomic.AtomicLong();
        FailureLog log = new FailureLog(logger, Duration.ofSeconds(60), now::get);
        for (int i = 0; i < 1_000; i++) {
            log.warn("requests answered 503", outage(new SQLTransientConnectionException("pool exhausted", "08001")));
        }
        log.warn("requests answered 503", outage(new BatchUpdateException("batch failed", "08006", 0, new int[0])));
        log.warn("audit log batches not persisted", outage(new SQLTransientConnectionException("x", "08001")));
        assertThat(lines.list).extracting(ILoggingEvent::getFormattedMessage).containsExactly(
                "requests answered 503: SQLTransientConnectionException (SQLState 08001)",
                "requests answered 503: BatchUpdateException (SQLState 08006)",
                "audit log batches not persisted: SQLTransientConnectionException (SQLState 08001)");
        now.addAndGet(Duration.ofSeconds(61).toNanos());
        log.warn("requests answered 503", outage(new SQLTransientConnectionException("pool exhausted", "08001")));
        assertThat(lines.list.get(3).getFormattedMessage()).isEqualTo("requests answered 503: "
                + "SQLTransientConnectionException (SQLState 08001) (999 more like it since the last such line)");
    }

    @Test
    void neverTheDriversMessageNorAStackTrace() {
        // pgjdbc puts the whole statement with its values into a batch failure's message
        String statement = "Batch entry 0 INSERT INTO kms_audit_receipts (receipt_id, tenant_id) VALUES "
                + "('r-1', 'tenant-secret-42') was aborted";
        new FailureLog(logger).warn("audit log batches not persisted",
                outage(new BatchUpdateException(statement, "08006", 0, new int[0])));
        assertThat(lines.list).singleElement().satisfies(line -> {
            assertThat(line.getFormattedMessage()).doesNotContain("tenant-secret-42").doesNotContain("INSERT");
            assertThat(line.getThrowableProxy()).isNull();
        });
    }

    @Test
    void aFailureWithoutSqlExceptionIsNamedByItsCode() {
        assertThat(FailureLog.kind(outage(null))).isEqualTo("DEPENDENCY_UNAVAILABLE");
        assertThat(FailureLog.kind(new IllegalStateException("details"))).isEqualTo("IllegalStateException");
    }
}
