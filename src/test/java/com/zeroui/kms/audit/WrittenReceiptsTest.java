package com.zeroui.kms.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The self-check's shortcut accepts only the very row this process signed, at its index, while remembered. */
class WrittenReceiptsTest {
    private static final Instant TS = Instant.parse("2026-12-03T12:00:00.123Z");

    private static AuditRepository.ReceiptRow row(long index, String tenant, String json) {
        return new AuditRepository.ReceiptRow(index, "r-" + index, TS, tenant, "k1", "sign", true, json);
    }

    @Test
    void aRowIsConfirmedOnlyWhenEveryFieldIsAsSigned() {
        WrittenReceipts written = new WrittenReceipts(8);
        written.record(List.of(row(0, "acme", "{\"a\":1}"), row(1, "acme", "{\"a\":2}")));

        assertThat(written.wroteExactly(row(0, "acme", "{\"a\":1}"))).isTrue();
        assertThat(written.wroteExactly(row(1, "acme", "{\"a\":2}"))).isTrue();
        assertThat(written.wroteExactly(row(0, "acme", "{\"a\":9}"))).as("signed JSON changed").isFalse();
        assertThat(written.wroteExactly(row(0, "other", "{\"a\":1}"))).as("indexed column changed").isFalse();
        assertThat(written.wroteExactly(new AuditRepository.ReceiptRow(0, "r-0", TS, "acme", "k1", "sign", false,
                "{\"a\":1}"))).as("success column changed").isFalse();
        assertThat(written.wroteExactly(row(1, "acme", "{\"a\":1}"))).as("another index's row").isFalse();
        assertThat(written.wroteExactly(row(2, "acme", "{\"a\":1}"))).as("never written").isFalse();
    }

    @Test
    void rowsThatFellOutOfTheRingAreNotConfirmed() {
        WrittenReceipts written = new WrittenReceipts(4);
        for (long i = 0; i < 6; i++) {
            written.record(List.of(row(i, "acme", "{\"i\":" + i + "}")));
        }
        assertThat(written.wroteExactly(row(1, "acme", "{\"i\":1}"))).as("overwritten by index 5").isFalse();
        assertThat(written.wroteExactly(row(5, "acme", "{\"i\":5}"))).isTrue();
    }
}
