package com.zeroui.kms.trust.anchors;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.zeroui.kms.app.DataDirectory;
import com.zeroui.kms.crypto.CryptoSuite;
import com.zeroui.kms.crypto.Pem;
import com.zeroui.kms.crypto.SignatureAlgorithm;
import com.zeroui.kms.keys.KeyMaterialCache;
import com.zeroui.kms.keys.Plane;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The trust-bundle key rotates on the service-key schedule (injected clock): bundles are signed by
 * the key of the moment, a bundle signed by the replaced key verifies during the overlap and is
 * refused after it (a bundle states what to trust now: fetch a fresh one), and a bundle that was
 * changed, or carries another public key than the one published, is refused.
 */
class TrustBundleKeyRotationTest {
    static final CryptoSuite CRYPTO = CryptoSuite.select(CryptoSuite.Preference.AUTO);
    static final Period SCHEDULE = Period.ofDays(90);
    static final Duration OVERLAP = Duration.ofDays(1);
    static final ObjectMapper JSON = new ObjectMapper();

    Path dir;
    MutableClock clock;
    DataDirectory data;
    ServiceKeys serviceKeys;
    ServiceKeyChain chain;
    TrustBundleVerifier verifier = new TrustBundleVerifier(CRYPTO);

    @BeforeEach
    void open() throws Exception {
        dir = Files.createTempDirectory("kms-bundle-key-");
        clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
        data = DataDirectory.open(KmsConfig.defaults(dir), clock);
        serviceKeys = new ServiceKeys(new JdbcKeyRepository(data.database()),
                new KeyMaterialCache(data.masterKey(), CRYPTO, 16), CRYPTO, clock, data.masterKey().keyId());
        chain = serviceKeys.chain(ServiceKeyPurpose.TRUST_BUNDLE, SCHEDULE, OVERLAP);
    }

    @AfterEach
    void close() {
        data.close();
        TestNode.deleteTree(dir);
    }

    @Test
    void aBundleOfTheReplacedKeyVerifiesDuringTheOverlapAndIsRefusedAfter() throws Exception {
        ServiceKeyChain.Version old = chain.versions().get(0);
        Map<String, Object> before = published(TrustBundleSigner.current(chain).get());
        assertThat(verifier.verify(before, keys(), clock.instant()).problem()).isNull();

        clock.advance(Duration.ofDays(90));
        assertThat(chain.rotateIfDue()).isTrue();
        Map<String, Object> after = published(TrustBundleSigner.current(chain).get());
        assertThat(after.get("signing_key_id")).isEqualTo(chain.current().keyId()).isNotEqualTo(old.key().keyId());
        // a node that has not switched yet still signs with the replaced key
        TrustBundleSigner stale = new TrustBundleSigner(old.key().keyId(), Pem.publicKey(old.key().publicKeySpki()),
                serviceKeys.signer(old.key(), SignatureAlgorithm.EDDSA));
        clock.advance(Duration.ofHours(1));
        Map<String, Object> staleDuringOverlap = published(stale);

        for (Map<String, Object> bundle : List.of(before, after, staleDuringOverlap)) {
            assertThat(verifier.verify(bundle, keys(), clock.instant()).problem()).as(bundle.toString()).isNull();
        }

        clock.advance(OVERLAP);
        chain.reload();
        Map<String, Object> staleAfterOverlap = published(stale);
        assertThat(verifier.verify(after, keys(), clock.instant()).problem()).isNull();
        assertThat(verifier.verify(before, keys(), clock.instant()).problem())
                .isEqualTo("key " + old.key().keyId() + " was replaced and retired at " + chain.versions().get(0).notAfter()
                        + ": fetch a fresh bundle");
        assertThat(verifier.verify(staleAfterOverlap, keys(), clock.instant()).problem())
                .startsWith("key " + old.key().keyId() + " was not valid at the bundle's generated_at");
    }

    @Test
    void aChangedBundleOrAnotherPublicKeyIsRefused() throws Exception {
        Map<String, Object> bundle = published(TrustBundleSigner.current(chain).get());
        Map<String, Object> otherTenant = new LinkedHashMap<>(bundle);
        otherTenant.put("tenant_id", "tenant-b");
        assertThat(verifier.verify(otherTenant, keys(), clock.instant()).problem())
                .isEqualTo("the bundle's signature does not verify with key " + chain.current().keyId());

        java.security.KeyPair own = java.security.KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        Map<String, Object> ownKey = new LinkedHashMap<>(bundle);
        ownKey.put("signing_public_key", Pem.publicKey(own.getPublic().getEncoded()));
        assertThat(verifier.verify(ownKey, keys(), clock.instant()).problem())
                .isEqualTo("the bundle's signing_public_key is not the published key " + chain.current().keyId());

        Map<String, Object> unknown = new LinkedHashMap<>(bundle);
        unknown.put("signing_key_id", "019b0000-0000-7000-8000-000000000000");
        assertThat(verifier.verify(unknown, keys(), clock.instant()).problem()).contains("not a trust-bundle key");
        assertThat(verifier.verify(bundle, List.of(), clock.instant()).ok()).isFalse();
    }

    @Test
    void keysAreReadFromTheListingOfEveryServiceKeyByPurpose() {
        ServiceKeyChain.Version current = chain.versions().get(0);
        Map<String, Object> trustKey = new LinkedHashMap<>();
        trustKey.put("key_id", current.key().keyId());
        trustKey.put("purpose", "trust_bundle");
        trustKey.put("public_key", Pem.publicKey(current.key().publicKeySpki()));
        trustKey.put("not_before", null);
        trustKey.put("not_after", "2026-02-01T00:00:00Z");
        Map<String, Object> receiptKey = new LinkedHashMap<>(trustKey);
        receiptKey.put("key_id", "another");
        receiptKey.put("purpose", "receipt");
        List<TrustBundleVerifier.PublishedKey> read = TrustBundleVerifier.keysOf(Map.of("keys", List.of(receiptKey,
                trustKey)));
        assertThat(read).extracting(TrustBundleVerifier.PublishedKey::keyId).containsExactly(current.key().keyId());
        assertThat(read.get(0).notAfter()).isEqualTo(Instant.parse("2026-02-01T00:00:00Z"));
        assertThat(read.get(0).notBefore()).isNull();
    }

    /** The key listing a consumer fetched now: the chain's versions with their validity. */
    private List<TrustBundleVerifier.PublishedKey> keys() {
        return chain.versions().stream().map(v -> new TrustBundleVerifier.PublishedKey(v.key().keyId(),
                v.key().publicKeySpki(), v.notBefore(), v.notAfter())).toList();
    }

    /** A bundle signed now, as a consumer parses it from the JSON the service sends. */
    private Map<String, Object> published(TrustBundleSigner signer) throws Exception {
        TrustAnchor anchor = new TrustAnchor("019b0000-0000-7000-8000-00000000000a", "tenant-a", AnchorType.EXTERNAL_CA,
                Set.of(Plane.TENANT), "ab".repeat(32), "CN=Partner CA", clock.instant().minus(Duration.ofDays(1)),
                clock.instant().plus(Duration.ofDays(3650)), 256, "-----BEGIN CERTIFICATE-----\nAA==\n-----END CERTIFICATE-----\n",
                1, clock.instant(), "spiffe://zeroui.local/tenant/tenant-a/module/M21");
        TrustBundle bundle = TrustBundle.sign("tenant-a", Plane.TENANT, 1, List.of(anchor), clock.instant(), signer);
        Map<String, Object> view = bundle.view();
        view.put("receipt_id", "019b0000-0000-7000-8000-0000000000ff"); // the read's receipt: outside the signature
        return JSON.readValue(JSON.writeValueAsBytes(view), new TypeReference<LinkedHashMap<String, Object>>() {
        });
    }
}
