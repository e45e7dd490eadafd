package com.zeroui.kms.audit;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Every receipt key the service has had, with the time each was valid for signing (the rule every
 * service key follows, see {@code keys.ServiceKeyChain.Version#validAt}): a receipt or
 * tree head verifies only with the key it names if that key was valid when it was made.
 */
@FunctionalInterface
public interface ReceiptKeyring {
    /**
     * A receipt is stamped when its operation starts and signed when its batch commits, so a key
     * that took over meanwhile signs receipts stamped a little before its {@code notBefore}.
     */
    Duration SIGNING_SKEW = Duration.ofMinutes(1);

    /**
     * One receipt key: {@code notAfter} is null while it signs; {@code status} is "active" (signs
     * now), "retiring" (replaced, still accepted from nodes that have not switched yet) or "retired".
     */
    record ReceiptKey(String keyId, byte[] publicKeySpki, Instant notBefore, Instant notAfter, String status) {
        /** Whether something stamped at {@code ts} may carry this key's signature. */
        public boolean validAt(Instant ts) {
            return ReceiptKeyring.validAt(notBefore, notAfter, ts);
        }
    }

    /** Whether a key valid from {@code notBefore} to {@code notAfter} (null: open) may have signed at {@code ts}. */
    static boolean validAt(Instant notBefore, Instant notAfter, Instant ts) {
        return (notBefore == null || !ts.isBefore(notBefore.minus(SIGNING_SKEW)))
                && (notAfter == null || !ts.isAfter(notAfter));
    }

    /** All receipt keys, oldest first. */
    List<ReceiptKey> keys();

    /** Re-reads the keys (another node may have rotated the receipt key); a fixed list does nothing. */
    default void reload() {
        // fixed
    }

    default Optional<ReceiptKey> find(String keyId) {
        return keys().stream().filter(k -> k.keyId().equals(keyId)).findFirst();
    }

    /** The public key of a receipt key, for the exporter and the sealer. */
    default BundleExporter.ReceiptKeys publicKeys() {
        return new BundleExporter.ReceiptKeys() {
            @Override
            public Optional<byte[]> publicKey(String keyId) {
                return find(keyId).map(ReceiptKey::publicKeySpki);
            }

            @Override
            public Optional<ReceiptKey> describe(String keyId) {
                return find(keyId);
            }
        };
    }

    static ReceiptKeyring of(List<ReceiptKey> keys) {
        List<ReceiptKey> copy = List.copyOf(keys);
        return () -> copy;
    }
}
