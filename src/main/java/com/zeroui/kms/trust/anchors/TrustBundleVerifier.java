package com.zeroui.kms.trust.anchors;

import com.zeroui.kms.audit.CanonicalJson;
import com.zeroui.kms.audit.ReceiptKeyring;
import com.zeroui.kms.crypto.CryptoSuite;
import com.zeroui.kms.crypto.KeyType;
import com.zeroui.kms.crypto.Pem;
import com.zeroui.kms.crypto.SignatureAlgorithm;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What a consumer of trust bundles checks, given the service's trust-bundle keys as {@code GET
 * /kms/v1/service-keys?purpose=trust_bundle} lists them: the bundle names one of those keys and
 * carries its public key, the Ed25519 signature over the canonical content verifies, the key was
 * valid when the bundle was generated, and the key is still accepted now — active, or replaced and
 * within its overlap. A bundle signed by a key that has since retired is refused: a bundle states
 * what to trust now, so its consumer fetches a fresh one (signed by the current key).
 */
public final class TrustBundleVerifier {
    /** One published trust-bundle key; {@code notBefore} / {@code notAfter} null mean open-ended. */
    public record PublishedKey(String keyId, byte[] publicKeySpki, Instant notBefore, Instant notAfter) {
    }

    /** {@code problem} is null when the bundle verified. */
    public record Result(String signingKeyId, String problem) {
        public boolean ok() {
            return problem == null;
        }
    }

    private final CryptoSuite crypto;

    public TrustBundleVerifier(CryptoSuite crypto) {
        this.crypto = crypto;
    }

    /**
     * The trust-bundle keys of a key listing ({@code {"keys": [...]}}): entries whose {@code purpose}
     * is {@code trust_bundle}; other purposes are skipped, so the listing of every service key works.
     */
    public static List<PublishedKey> keysOf(Map<String, ?> listing) {
        List<PublishedKey> out = new ArrayList<>();
        if (!(listing.get("keys") instanceof List<?> keys)) {
            throw new IllegalArgumentException("a key listing is a JSON object with a \"keys\" array");
        }
        for (Object k : keys) {
            if (k instanceof Map<?, ?> key && "trust_bundle".equals(key.get("purpose"))) {
                out.add(new PublishedKey(String.valueOf(key.get("key_id")), Pem.parsePublicKey(String.valueOf(
                        key.get("public_key"))), instant(key.get("not_before")), instant(key.get("not_after"))));
            }
        }
        return out;
    }

    /** Checks a bundle as published ({@code GET /kms/v1/trust-bundles/{plane}}, parsed) at {@code now}. */
    public Result verify(Map<String, ?> bundle, List<PublishedKey> keys, Instant now) {
        String keyId = text(bundle, "signing_key_id");
        if (!TrustBundle.FORMAT.equals(bundle.get("format"))
                || !TrustBundleSigner.ALGORITHM.equals(bundle.get("signature_algorithm"))) {
            return new Result(keyId, "not a " + TrustBundle.FORMAT + " bundle signed with " + TrustBundleSigner.ALGORITHM);
        }
        Optional<PublishedKey> listed = keys.stream().filter(k -> k.keyId().equals(keyId)).findFirst();
        if (listed.isEmpty()) {
            return new Result(keyId, "the bundle is signed by key " + keyId + ", which is not a trust-bundle key of the"
                    + " service");
        }
        PublishedKey key = listed.get();
        byte[] carried;
        try {
            carried = Pem.parsePublicKey(text(bundle, "signing_public_key"));
        } catch (RuntimeException e) {
            carried = null;
        }
        if (carried == null || !Arrays.equals(carried, key.publicKeySpki())) {
            return new Result(keyId, "the bundle's signing_public_key is not the published key " + keyId);
        }
        Map<String, Object> content = new LinkedHashMap<>(bundle);
        content.remove("signature");
        content.remove("receipt_id"); // names the read, not the bundle
        boolean valid;
        try {
            valid = crypto.verify(SignatureAlgorithm.EDDSA, crypto.publicKey(KeyType.ED25519, key.publicKeySpki()),
                    CanonicalJson.bytes(content), Base64.getDecoder().decode(text(bundle, "signature")));
        } catch (RuntimeException e) {
            valid = false;
        }
        if (!valid) {
            return new Result(keyId, "the bundle's signature does not verify with key " + keyId);
        }
        Instant generatedAt;
        try {
            generatedAt = Instant.parse(text(bundle, "generated_at"));
        } catch (DateTimeParseException | NullPointerException e) {
            return new Result(keyId, "the bundle has no valid generated_at");
        }
        if (!ReceiptKeyring.validAt(key.notBefore(), key.notAfter(), generatedAt)) {
            return new Result(keyId, "key " + keyId + " was not valid at the bundle's generated_at " + generatedAt);
        }
        if (key.notAfter() != null && now.isAfter(key.notAfter())) {
            return new Result(keyId, "key " + keyId + " was replaced and retired at " + key.notAfter()
                    + ": fetch a fresh bundle");
        }
        return new Result(keyId, null);
    }

    private static String text(Map<String, ?> m, String field) {
        return m.get(field) instanceof String s ? s : null;
    }

    private static Instant instant(Object value) {
        return value == null ? null : Instant.parse(value.toString());
    }
}
