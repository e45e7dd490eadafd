package com.zeroui.kms.approvals;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jwt.SignedJWT;
import com.zeroui.kms.app.DataDirectory;
import com.zeroui.kms.crypto.CryptoSuite;
import com.zeroui.kms.crypto.KeyType;
import com.zeroui.kms.crypto.SignatureAlgorithm;
import com.zeroui.kms.keys.KeyMaterialCache;
import com.zeroui.kms.keys.ServiceKeyChain;
import com.zeroui.kms.keys.ServiceKeyPurpose;
import com.zeroui.kms.keys.ServiceKeys;
import com.zeroui.kms.ops.KmsConfig;
import com.zeroui.kms.store.JdbcKeyRepository;
import com.zeroui.kms.support.MutableClock;
import com.zeroui.kms.support.TestNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.Period;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The approval-token key rotates on the service-key schedule (injected clock): tokens name the new
 * key once it took over, a token signed by the replaced key stays valid until it expires, a node
 * that has not switched yet may still sign with it during the overlap, and a token it signs after
 * the overlap is refused. A second node on the same database verifies tokens of a key it has not
 * loaded yet (it re-reads the chain on an unknown kid).
 */
class ApprovalKeyRotationTest {
    static final CryptoSuite CRYPTO = CryptoSuite.select(CryptoSuite.Preference.AUTO);
    static final Period SCHEDULE = Period.ofDays(90);
    static final Duration OVERLAP = Duration.ofDays(1);
    static final Duration TOKEN_TTL = Duration.ofMinutes(10);
    static final String REQUESTER = "spiffe://zeroui.local/tenant/acme/module/M21";
    static final String APPROVER = "spiffe://zeroui.local/tenant/acme/module/sec";

    Path dir;
    MutableClock clock;
    DataDirectory data;
    ServiceKeys serviceKeys;
    ServiceKeyChain chain;
    ApprovalTokens tokens;

    @BeforeEach
    void open() throws Exception {
        dir = Files.createTempDirectory("kms-approval-key-");
        clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
        data = DataDirectory.open(KmsConfig.defaults(dir), clock);
        serviceKeys = serviceKeys();
        chain = serviceKeys.chain(ServiceKeyPurpose.APPROVAL, SCHEDULE, OVERLAP);
        tokens = new ApprovalTokens(ApprovalKeys.of(chain, CRYPTO), List.of(), CRYPTO);
    }

    @AfterEach
    void close() {
        data.close();
        TestNode.deleteTree(dir);
    }

    private ServiceKeys serviceKeys() {
        return new ServiceKeys(new JdbcKeyRepository(data.database()), new KeyMaterialCache(data.masterKey(), CRYPTO, 16),
                CRYPTO, clock, data.masterKey().keyId());
    }

    @Test
    void aTokenOfTheReplacedKeyStaysValidUntilItExpiresAndNewTokensNameTheNewKey() throws Exception {
        String first = chain.current().keyId();
        clock.advance(Duration.ofDays(90).minusMinutes(2));
        String beforeRotation = mint(tokens);
        assertThat(kid(beforeRotation)).isEqualTo(first);

        clock.advance(Duration.ofMinutes(2));
        assertThat(chain.rotateIfDue()).isTrue();
        String second = chain.current().keyId();
        assertThat(second).isNotEqualTo(first);
        String afterRotation = mint(tokens);
        assertThat(kid(afterRotation)).isEqualTo(second);

        assertThat(tokens.verify(beforeRotation, clock.instant()).approvalId()).isNotBlank();
        assertThat(tokens.verify(afterRotation, clock.instant()).approvalId()).isNotBlank();
        // eight minutes after it was minted the old-key token still works, at ten it has expired like any token
        assertThat(tokens.verify(beforeRotation, clock.instant().plus(Duration.ofMinutes(7))).approvalId()).isNotBlank();
        assertThatThrownBy(() -> tokens.verify(beforeRotation, clock.instant().plus(Duration.ofMinutes(8))))
                .isInstanceOfSatisfying(ApprovalTokens.Invalid.class, e -> assertThat(e.reason).isEqualTo("expired"));
    }

    @Test
    void theReplacedKeyIsAcceptedDuringTheOverlapAndRefusedAfter() {
        ServiceKeyChain.Version old = chain.versions().get(0);
        clock.advance(Duration.ofDays(90));
        assertThat(chain.rotateIfDue()).isTrue();
        // a node that has not switched yet still signs with the replaced key
        ApprovalTokens stale = new ApprovalTokens(old.key().keyId(), serviceKeys.signer(old.key(), SignatureAlgorithm.EDDSA),
                CRYPTO.publicKey(KeyType.ED25519, old.key().publicKeySpki()), List.of(), CRYPTO);

        clock.advance(OVERLAP.minusMinutes(5));
        String duringOverlap = mint(stale);
        assertThat(tokens.verify(duringOverlap, clock.instant()).approvalId()).isNotBlank();

        clock.advance(Duration.ofMinutes(10));
        String afterOverlap = mint(stale);
        assertThatThrownBy(() -> tokens.verify(afterOverlap, clock.instant()))
                .isInstanceOfSatisfying(ApprovalTokens.Invalid.class, e -> {
                    assertThat(e.reason).isEqualTo("bad_signature");
                    assertThat(e.getMessage()).contains("approval key " + old.key().keyId() + " was not valid at");
                });
    }

    @Test
    void aSecondNodeOnTheSameDatabaseVerifiesTokensOfAKeyItHasNotLoadedYet() {
        ServiceKeyChain otherChain = serviceKeys().chain(ServiceKeyPurpose.APPROVAL, SCHEDULE, OVERLAP);
        ApprovalTokens otherNode = new ApprovalTokens(ApprovalKeys.of(otherChain, CRYPTO), List.of(), CRYPTO);
        assertThat(otherChain.current().keyId()).as("both nodes start with the one key").isEqualTo(chain.current().keyId());

        clock.advance(Duration.ofDays(90));
        assertThat(chain.rotateIfDue()).isTrue();
        String token = mint(tokens);
        assertThat(otherNode.keyId()).as("not reloaded yet").isNotEqualTo(kid(token));
        assertThat(otherNode.verify(token, clock.instant()).approvalId()).isNotBlank();
        assertThat(otherChain.rotateIfDue()).as("the other node does not rotate again").isFalse();
        assertThat(otherChain.versions()).extracting(v -> v.key().keyId())
                .containsExactlyElementsOf(chain.versions().stream().map(v -> v.key().keyId()).toList());
        // a made-up kid is refused, without a key to look for
        String forged = token.replaceFirst("^[^.]+", com.nimbusds.jose.util.Base64URL.encode(
                "{\"alg\":\"EdDSA\",\"typ\":\"kms-approval+jwt\",\"kid\":\"" + UUID.randomUUID() + "\"}").toString());
        assertThatThrownBy(() -> otherNode.verify(forged, clock.instant()))
                .isInstanceOfSatisfying(ApprovalTokens.Invalid.class, e -> assertThat(e.reason).isEqualTo("bad_signature"));
    }

    private String mint(ApprovalTokens signer) {
        Instant now = clock.instant();
        Approval approved = new Approval(UUID.randomUUID().toString(), "revoke", UUID.randomUUID().toString(), "acme",
                "prod", "tenant", "{}", "sha256:00", REQUESTER, "M21", ApprovalStatus.APPROVED, now, now.plusSeconds(3600),
                APPROVER, now, now.plus(TOKEN_TTL), null);
        return signer.mint(approved, APPROVER, now, now.plus(TOKEN_TTL));
    }

    private static String kid(String token) throws RuntimeException {
        try {
            return SignedJWT.parse(token).getHeader().getKeyID();
        } catch (java.text.ParseException e) {
            throw new IllegalStateException(e);
        }
    }
}
