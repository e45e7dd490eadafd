package com.zeroui.kms.approvals;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zeroui.kms.audit.AuditLog;
import com.zeroui.kms.audit.AuditTrail;
import com.zeroui.kms.audit.ReceiptSigner;
import com.zeroui.kms.auth.CallerIdentity;
import com.zeroui.kms.auth.TokenBinding;
import com.zeroui.kms.crypto.KeyType;
import com.zeroui.kms.error.ErrorCode;
import com.zeroui.kms.error.KmsException;
import com.zeroui.kms.events.Events;
import com.zeroui.kms.keys.AccessPolicy;
import com.zeroui.kms.keys.Environment;
import com.zeroui.kms.keys.KeyRecord;
import com.zeroui.kms.keys.KeyScope;
import com.zeroui.kms.keys.KeyState;
import com.zeroui.kms.keys.KeyUsage;
import com.zeroui.kms.keys.Plane;
import com.zeroui.kms.store.Database;
import com.zeroui.kms.store.JdbcApprovalRepository;
import com.zeroui.kms.store.JdbcKeyRepository;
import com.zeroui.kms.support.TestNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A caller whose bearer token binds it to one environment requests and approves only there. */
class ApprovalServiceTest {
    static Path dir;
    static Database database;
    static AuditLog log;
    static JdbcKeyRepository keys;
    static ApprovalService service;

    @BeforeAll
    static void open() throws Exception {
        dir = Files.createTempDirectory("kms-approval-service-");
        database = Database.open("jdbc:sqlite:" + dir.resolve("kms.db"), null, null);
        log = new AuditLog(new com.zeroui.kms.store.JdbcAuditRepository(database), new ReceiptSigner() {
            @Override
            public String keyId() {
                return "test-receipt-key";
            }

            @Override
            public byte[] sign(byte[] message) {
                return new byte[64];
            }
        }, Duration.ofMillis(1), 16, Duration.ofSeconds(10));
        Clock clock = Clock.systemUTC();
        keys = new JdbcKeyRepository(database);
        service = new ApprovalService(new JdbcApprovalRepository(database), keys, null,
                new AuditTrail(log, clock, Events.none(clock)), clock, Duration.ofHours(1), Duration.ofMinutes(10));
    }

    @AfterAll
    static void close() {
        log.close();
        database.close();
        TestNode.deleteTree(dir);
    }

    private static String key(Environment environment) {
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        String id = UUID.randomUUID().toString();
        keys.insert(new KeyRecord(id, new KeyScope("acme", environment, Plane.TENANT), KeyType.ED25519,
                EnumSet.of(KeyUsage.SIGN), null, KeyState.ACTIVE, now, now, null, 0,
                new AccessPolicy(List.of("M21"), true, 10), "M21", new byte[44], new byte[60], "mk"));
        return id;
    }

    @Test
    void aTokenBoundCallerActsOnlyInItsTokensEnvironment() {
        CallerIdentity cert = new CallerIdentity("M21", "acme", Set.of(), "spiffe://zeroui.local/tenant/acme/module/M21");
        CallerIdentity devOnly = cert.boundTo("acme", new TokenBinding("iam", "alice", "dev"));
        String devKey = key(Environment.DEV);
        String prodKey = key(Environment.PROD);

        Approval approval = service.request(devOnly, "rotate", devKey, Map.of()).value();
        assertThat(approval.environment()).isEqualTo("dev");
        assertThatThrownBy(() -> service.request(devOnly, "rotate", prodKey, Map.of()))
                .isInstanceOfSatisfying(KmsException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.UNAUTHORIZED));
        assertThatThrownBy(() -> service.request(devOnly, "generate", null, Map.of("tenant_id", "acme",
                "environment", "prod"))).isInstanceOfSatisfying(KmsException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.UNAUTHORIZED));

        String prodApproval = service.request(cert, "rotate", prodKey, Map.of()).value().approvalId();
        assertThatThrownBy(() -> service.get(devOnly, prodApproval))
                .isInstanceOfSatisfying(KmsException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.UNAUTHORIZED));
        assertThat(service.get(cert, prodApproval).value().keyId()).isEqualTo(prodKey);
    }
}
