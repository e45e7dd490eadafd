package com.zeroui.kms.limits;

import static org.assertj.core.api.Assertions.assertThat;

import com.zeroui.kms.audit.AuditLog;
import com.zeroui.kms.audit.AuditRecord;
import com.zeroui.kms.audit.AuditTrail;
import com.zeroui.kms.audit.ReceiptSigner;
import com.zeroui.kms.auth.CallerIdentity;
import com.zeroui.kms.error.ErrorCode;
import com.zeroui.kms.error.KmsException;
import com.zeroui.kms.store.Database;
import com.zeroui.kms.store.JdbcAuditRepository;
import com.zeroui.kms.support.MutableClock;
import com.zeroui.kms.support.TestNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.Test;

class ViolationMonitorTest {
    private final MutableClock clock = new MutableClock(Instant.parse("2031-05-06T07:08:09Z"));
    private final List<String> perModule = new ArrayList<>();
    private final List<String> alarms = new ArrayList<>();

    private ViolationMonitor monitor(int threshold) {
        ViolationMonitor m = new ViolationMonitor(threshold, Duration.ofMinutes(1), clock, perModule::add);
        m.onThresholdExceeded(alarms::add);
        return m;
    }

    @Test
    void aKeyCrossingTheThresholdWithinTheWindowTriggersTheListenerOnce() {
        ViolationMonitor m = monitor(3);
        m.record("M99", "key-a");
        m.record("M98", "key-a");
        m.record("M99", "key-b");
        assertThat(alarms).isEmpty();
        m.record("M99", "key-a");
        assertThat(alarms).containsExactly("key-a");
        // counting starts again after an alarm
        m.record("M99", "key-a");
        m.record("M99", "key-a");
        assertThat(alarms).containsExactly("key-a");
        m.record("M99", "key-a");
        assertThat(alarms).containsExactly("key-a", "key-a");
        assertThat(perModule).hasSize(7).containsOnly("M99", "M98");
    }

    @Test
    void violationsOlderThanTheWindowDoNotCount() {
        ViolationMonitor m = monitor(3);
        m.record("M99", "key-a");
        m.record("M99", "key-a");
        clock.advance(Duration.ofSeconds(61));
        m.record("M99", "key-a");
        m.record("M99", "key-a");
        assertThat(alarms).isEmpty();
        m.record("M99", "key-a");
        assertThat(alarms).containsExactly("key-a");
    }

    @Test
    void offByDefaultButStillCounted() {
        ViolationMonitor m = monitor(0);
        for (int i = 0; i < 100; i++) {
            m.record("M99", "key-a");
        }
        assertThat(alarms).isEmpty();
        assertThat(perModule).hasSize(100);
        assertThat(m.detecting()).isFalse();
    }

    @Test
    void aFailingListenerDoesNotBreakCounting() {
        ViolationMonitor m = new ViolationMonitor(1, Duration.ofMinutes(1), clock, perModule::add);
        m.onThresholdExceeded(keyId -> {
            throw new IllegalStateException("revocation unavailable");
        });
        m.record("M99", "key-a");
        m.record("M99", "key-a");
        assertThat(perModule).hasSize(2);
    }

    /** Wired as the audit trail's refusal observer, it sees policy refusals (only) with the caller and resolved key. */
    @Test
    void seesPolicyRefusalsThroughTheAuditTrail() throws Exception {
        Path dir = Files.createTempDirectory("kms-violations-");
        ReceiptSigner signer = new ReceiptSigner() {
            @Override
            public String keyId() {
                return "test-receipt-key";
            }

            @Override
            public byte[] sign(byte[] message) {
                return new byte[64];
            }
        };
        try (Database db = Database.open("jdbc:sqlite:" + dir.resolve("kms.db"), null, null)) {
            AuditLog log = new AuditLog(new JdbcAuditRepository(db), signer, Duration.ofMillis(1), 16, Duration.ofSeconds(10));
            try {
                AuditTrail trail = new AuditTrail(log, clock, com.zeroui.kms.events.Events.none(clock));
                ViolationMonitor m = monitor(2);
                trail.observeRefusals(m);
                CallerIdentity m99 = new CallerIdentity("M99", "acme", Set.of(), "spiffe://zeroui.local/tenant/acme/module/M99");
                for (ErrorCode code : List.of(ErrorCode.POLICY_VIOLATION, ErrorCode.KEY_NOT_FOUND, ErrorCode.POLICY_VIOLATION)) {
                    AuditRecord record = trail.begin("signature_created", "sign", m99).keyRef("alias/x").key("key-r", 256);
                    Assertions.assertThatThrownBy(() -> trail.run(record, () -> {
                        throw new KmsException(code, "refused", Map.of());
                    })).isInstanceOf(KmsException.class);
                }
                assertThat(perModule).containsExactly("M99", "M99");
                assertThat(alarms).containsExactly("key-r");
            } finally {
                log.close();
            }
        } finally {
            TestNode.deleteTree(dir);
        }
    }
}
