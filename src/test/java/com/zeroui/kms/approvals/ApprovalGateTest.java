package com.zeroui.kms.approvals;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zeroui.kms.auth.CallerIdentity;
import com.zeroui.kms.crypto.CryptoSuite;
import com.zeroui.kms.crypto.KeyType;
import com.zeroui.kms.error.ErrorCode;
import com.zeroui.kms.error.KmsException;
import com.zeroui.kms.store.Database;
import com.zeroui.kms.store.JdbcApprovalRepository;
import com.zeroui.kms.support.MutableClock;
import com.zeroui.kms.support.TestNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.assertj.core.api.ThrowableAssert;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The gate's binding checks for the operations the lifecycle work will gate (rotate, revoke, …). */
class ApprovalGateTest {
    static final CallerIdentity REQUESTER = new CallerIdentity("M21", "acme", Set.of(),
            "spiffe://zeroui.local/tenant/acme/module/M21");
    static final CallerIdentity OTHER = new CallerIdentity("M27", "acme", Set.of(),
            "spiffe://zeroui.local/tenant/acme/module/M27");
    static final String APPROVER = "spiffe://zeroui.local/tenant/acme/module/sec";
    static final Map<String, Object> PARAMS = Map.of("reason", "scheduled", "grace_period", "P7D");
    static Path dir;
    static Database database;
    static JdbcApprovalRepository repository;
    static ApprovalTokens tokens;
    static MutableClock clock;
    static ApprovalGate gate;

    @BeforeAll
    static void open() throws Exception {
        dir = Files.createTempDirectory("kms-gate-");
        database = Database.open("jdbc:sqlite:" + dir.resolve("kms.db"), null, null);
        repository = new JdbcApprovalRepository(database);
        CryptoSuite crypto = CryptoSuite.select(CryptoSuite.Preference.JDK);
        KeyPair keys = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        tokens = new ApprovalTokens("approval-key-1", message -> {
            try {
                Signature s = Signature.getInstance("Ed25519");
                s.initSign(keys.getPrivate());
                s.update(message);
                return s.sign();
            } catch (java.security.GeneralSecurityException e) {
                throw new IllegalStateException(e);
            }
        }, crypto.publicKey(KeyType.ED25519, keys.getPublic().getEncoded()), List.of(), crypto);
        clock = new MutableClock(Instant.now().truncatedTo(ChronoUnit.SECONDS));
        gate = new ApprovalGate(new ApprovalRules(ApprovalRules.DEFAULT_ALWAYS, true), tokens, repository, clock);
    }

    @AfterAll
    static void close() {
        database.close();
        TestNode.deleteTree(dir);
    }

    /** An approved rotate of {@code keyId} by REQUESTER with PARAMS, and its token. */
    static String approvedToken(String operation, String keyId) {
        Instant now = clock.instant();
        Approval pending = new Approval(UUID.randomUUID().toString(), operation, keyId, "acme", "prod", "tenant",
                ApprovalDigest.canonical("parameters", PARAMS), ApprovalDigest.of("parameters", PARAMS),
                REQUESTER.spiffeId(), "M21", ApprovalStatus.PENDING, now, now.plus(Duration.ofHours(1)), null, null, null,
                null);
        repository.insert(pending);
        Instant exp = now.plus(Duration.ofMinutes(10));
        repository.markApproved(pending.approvalId(), APPROVER, now, exp);
        return tokens.mint(repository.find(pending.approvalId()).orElseThrow(), APPROVER, now, exp);
    }

    /** A token this service signed for an approval recorded with these (possibly non-canonical) identities. */
    static String tokenBetween(String operation, String keyId, String requestedBy, String approvedBy) {
        Instant now = clock.instant();
        Approval pending = new Approval(UUID.randomUUID().toString(), operation, keyId, "acme", "prod", "tenant",
                ApprovalDigest.canonical("parameters", PARAMS), ApprovalDigest.of("parameters", PARAMS),
                requestedBy, "M21", ApprovalStatus.PENDING, now, now.plus(Duration.ofHours(1)), null, null, null, null);
        repository.insert(pending);
        Instant exp = now.plus(Duration.ofMinutes(10));
        repository.markApproved(pending.approvalId(), approvedBy, now, exp);
        return tokens.mint(repository.find(pending.approvalId()).orElseThrow(), approvedBy, now, exp);
    }

    @Test
    void aTokenWhoseIdentitiesAreNotStrictSpiffeIdsIsRefused() {
        String key = UUID.randomUUID().toString();
        // the requester's own identity spelt with user info: before, raw strings differed and the gate let it through
        String selfApproved = tokenBetween("revoke", key, REQUESTER.spiffeId(),
                "spiffe://x@zeroui.local/tenant/acme/module/M21");
        assertRefused(() -> gate.require(REQUESTER, "revoke", key, PARAMS, selfApproved), "invalid_claims");
        String portRequester = tokenBetween("revoke", key, "spiffe://zeroui.local:1/tenant/acme/module/M21", APPROVER);
        assertRefused(() -> gate.require(REQUESTER, "revoke", key, PARAMS, portRequester), "invalid_claims");
        String globalApprover = tokenBetween("revoke", key, REQUESTER.spiffeId(),
                "spiffe://zeroui.local/tenant/GLOBAL/module/sec");
        assertRefused(() -> gate.require(REQUESTER, "revoke", key, PARAMS, globalApprover), "invalid_claims");
        gate.require(REQUESTER, "revoke", key, PARAMS, tokenBetween("revoke", key, REQUESTER.spiffeId(), APPROVER));
    }

    static void assertRefused(ThrowableAssert.ThrowingCallable call, String reason) {
        assertThatThrownBy(call).isInstanceOfSatisfying(KmsException.class, e -> {
            assertThat(e.code()).isEqualTo(ErrorCode.POLICY_VIOLATION);
            assertThat(e.httpStatus()).isEqualTo(403);
            assertThat(e.details()).containsEntry("reason", reason);
        });
    }

    @Test
    void anApprovedTokenPassesOnceForItsExactOperationKeyAndParameters() {
        String key = UUID.randomUUID().toString();
        String token = approvedToken("rotate", key);
        // member order does not matter: the digest is over canonical JSON
        Map<String, Object> reordered = new java.util.LinkedHashMap<>();
        reordered.put("grace_period", "P7D");
        reordered.put("reason", "scheduled");
        reordered.put("ignored_null", null);
        gate.require(REQUESTER, "rotate", key, reordered, token);
        assertRefused(() -> gate.require(REQUESTER, "rotate", key, PARAMS, token), "replayed");
    }

    @Test
    void aTokenForAnotherOperationOrKeyIsRefusedWithoutBeingSpent() {
        String key = UUID.randomUUID().toString();
        String token = approvedToken("rotate", key);
        assertRefused(() -> gate.require(REQUESTER, "revoke", key, PARAMS, token), "wrong_operation");
        assertRefused(() -> gate.require(REQUESTER, "rotate", UUID.randomUUID().toString(), PARAMS, token), "wrong_key");
        assertRefused(() -> gate.require(REQUESTER, "rotate", key, Map.of("reason", "other"), token), "wrong_parameters");
        assertRefused(() -> gate.require(OTHER, "rotate", key, PARAMS, token), "requester_mismatch");
        gate.require(REQUESTER, "rotate", key, PARAMS, token);
    }

    @Test
    void aMissingTokenOrOneThisServiceNeverApprovedIsRefused() {
        String key = UUID.randomUUID().toString();
        assertRefused(() -> gate.require(REQUESTER, "revoke", key, PARAMS, null), "missing_token");
        assertRefused(() -> gate.require(REQUESTER, "revoke", key, PARAMS, " "), "missing_token");
        Instant now = clock.instant();
        Approval ghost = new Approval(UUID.randomUUID().toString(), "revoke", key, "acme", null, null, "{}",
                ApprovalDigest.of("parameters", PARAMS), REQUESTER.spiffeId(), "M21", ApprovalStatus.APPROVED, now,
                now.plusSeconds(60), APPROVER, now, now.plusSeconds(60), null);
        String signedButUnknown = tokens.mint(ghost, APPROVER, now, now.plusSeconds(60));
        assertRefused(() -> gate.require(REQUESTER, "revoke", key, PARAMS, signedButUnknown), "unknown_approval");
    }

    @Test
    void tokensExpire() {
        String key = UUID.randomUUID().toString();
        String token = approvedToken("update_policy", key);
        clock.advance(Duration.ofMinutes(10));
        try {
            assertRefused(() -> gate.require(REQUESTER, "update_policy", key, PARAMS, token), "expired");
        } finally {
            clock.advance(Duration.ofMinutes(-10));
        }
    }

    @Test
    void theRulesComeFromConfiguration() {
        assertThat(gate.requiresApproval("schedule_destruction", "acme", false)).isTrue();
        assertThat(gate.requiresApproval("rotate", "acme", false)).isFalse();
        assertThat(gate.requiresApproval("rotate", "acme", true)).isTrue();
        assertThat(gate.requiresApproval("generate", "GLOBAL", false)).isTrue();
    }
}
