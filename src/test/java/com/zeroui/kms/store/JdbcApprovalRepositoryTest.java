package com.zeroui.kms.store;

import static org.assertj.core.api.Assertions.assertThat;

import com.zeroui.kms.approvals.Approval;
import com.zeroui.kms.approvals.ApprovalStatus;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/** Approvals change state once, by conditional updates, on both engines. */
@ParameterizedClass(name = "{0}")
@EnumSource(StoreBackend.class)
class JdbcApprovalRepositoryTest {
    private static final Instant NOW = Instant.parse("2031-01-02T03:04:05Z");
    private static StoreBackend.TempStore store;
    private static Database database;
    private static JdbcApprovalRepository repository;

    @Parameter(0)
    StoreBackend backend;

    @BeforeParameterizedClassInvocation
    static void open(StoreBackend backend) {
        store = backend.create("approvals");
        database = store.open();
        repository = new JdbcApprovalRepository(database);
    }

    @AfterParameterizedClassInvocation
    static void close() {
        StoreBackend.close(store, database);
    }

    private static Approval pending(String keyId) {
        return new Approval(UUID.randomUUID().toString(), "rotate", keyId, "acme", "prod", "tenant",
                "{\"reason\":\"scheduled\"}", "sha256:" + "ab".repeat(32), "spiffe://zeroui.local/tenant/acme/module/M21",
                "M21", ApprovalStatus.PENDING, NOW, NOW.plus(Duration.ofHours(24)), null, null, null, null);
    }

    @Test
    void storesAndReadsEveryField() {
        Approval a = pending(UUID.randomUUID().toString());
        repository.insert(a);
        assertThat(repository.find(a.approvalId())).contains(a);
        Approval generate = new Approval(UUID.randomUUID().toString(), "generate", null, "GLOBAL", null, null, "{}",
                a.parametersDigest(), a.requestedBy(), "M21", ApprovalStatus.PENDING, NOW, NOW.plusSeconds(60), null, null,
                null, null);
        repository.insert(generate);
        assertThat(repository.find(generate.approvalId())).contains(generate);
        assertThat(repository.find(UUID.randomUUID().toString())).isEmpty();
    }

    @Test
    void approvesOnceAndOnlyWhilePending() {
        Approval a = pending(null);
        repository.insert(a);
        Instant tokenExpiry = NOW.plus(Duration.ofMinutes(10));
        assertThat(repository.markApproved(a.approvalId(), "spiffe://zeroui.local/module/gov", NOW, tokenExpiry)).isTrue();
        assertThat(repository.markApproved(a.approvalId(), "spiffe://zeroui.local/module/gov2", NOW, tokenExpiry)).isFalse();
        Approval approved = repository.find(a.approvalId()).orElseThrow();
        assertThat(approved.status()).isEqualTo(ApprovalStatus.APPROVED);
        assertThat(approved.approvedBy()).isEqualTo("spiffe://zeroui.local/module/gov");
        assertThat(approved.tokenExpiresAt()).isEqualTo(tokenExpiry);

        Approval late = pending(null);
        repository.insert(late);
        assertThat(repository.markApproved(late.approvalId(), "x", late.expiresAt(), tokenExpiry)).isFalse();
        repository.markExpired(late.approvalId(), late.expiresAt());
        assertThat(repository.find(late.approvalId()).orElseThrow().status()).isEqualTo(ApprovalStatus.EXPIRED);
    }

    @Test
    void concurrentConsumersSpendAnApprovalExactlyOnce() throws Exception {
        Approval a = pending(null);
        repository.insert(a);
        repository.markApproved(a.approvalId(), "gov", NOW, NOW.plus(Duration.ofMinutes(10)));
        ExecutorService pool = Executors.newFixedThreadPool(8);
        List<Future<Boolean>> results = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            results.add(pool.submit(() -> repository.consume(a.approvalId(), NOW.plusSeconds(1))));
        }
        int won = 0;
        for (Future<Boolean> r : results) {
            won += r.get() ? 1 : 0;
        }
        pool.shutdown();
        assertThat(won).isEqualTo(1);
        Approval consumed = repository.find(a.approvalId()).orElseThrow();
        assertThat(consumed.status()).isEqualTo(ApprovalStatus.CONSUMED);
        assertThat(consumed.consumedAt()).isEqualTo(NOW.plusSeconds(1));
    }

    @Test
    void anExpiredTokenCannotBeSpentAndAnUnapprovedOneNeither() {
        Approval a = pending(null);
        repository.insert(a);
        assertThat(repository.consume(a.approvalId(), NOW)).isFalse();
        Instant tokenExpiry = NOW.plus(Duration.ofMinutes(10));
        repository.markApproved(a.approvalId(), "gov", NOW, tokenExpiry);
        assertThat(repository.consume(a.approvalId(), tokenExpiry)).isFalse();
        assertThat(repository.find(a.approvalId()).orElseThrow().statusAt(tokenExpiry)).isEqualTo(ApprovalStatus.EXPIRED);
    }

    @Test
    void anExternalTokenIsRecordedOnce() {
        String jti = UUID.randomUUID().toString();
        Instant exp = NOW.plus(5, ChronoUnit.MINUTES);
        assertThat(repository.recordExternalUse("m32", jti, "generate", null, NOW, exp)).isTrue();
        assertThat(repository.recordExternalUse("m32", jti, "generate", null, NOW, exp)).isFalse();
        assertThat(repository.recordExternalUse("other-issuer", jti, "revoke", UUID.randomUUID().toString(), NOW, exp))
                .isTrue();
    }
}
