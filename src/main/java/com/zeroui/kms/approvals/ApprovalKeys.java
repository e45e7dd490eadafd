package com.zeroui.kms.approvals;

import com.zeroui.kms.crypto.CryptoSuite;
import com.zeroui.kms.crypto.KeyType;
import com.zeroui.kms.keys.ServiceKeyChain;
import java.security.PublicKey;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.UnaryOperator;

/**
 * The service's approval-signing keys: the one that signs now, and every one it has had with the
 * time it was valid, so that a token signed just before a rotation keeps verifying until it expires.
 */
public interface ApprovalKeys {
    /** The signing key at one moment: its id ({@code kid}) and its signer, taken together so they match. */
    record Signing(String keyId, UnaryOperator<byte[]> sign) {
    }

    /** A key tokens may name; {@code validAt} says whether a token issued at that time may carry its signature. */
    interface Verifying {
        PublicKey publicKey();

        boolean validAt(Instant issuedAt);
    }

    Signing signing();

    /** The key named {@code keyId}, if the service has ever had it. */
    Optional<Verifying> find(String keyId);

    /**
     * The service's approval key chain: its current key signs; a token verifies with the key its
     * {@code kid} names if that key was valid at the token's {@code iat} (a node that has not seen
     * another node's rotation yet re-reads the chain on an unknown {@code kid}).
     */
    static ApprovalKeys of(ServiceKeyChain chain, CryptoSuite crypto) {
        Map<String, PublicKey> parsed = new ConcurrentHashMap<>();
        return new ApprovalKeys() {
            @Override
            public Signing signing() {
                ServiceKeyChain.Signing s = chain.signing();
                return new Signing(s.keyId(), s.sign());
            }

            @Override
            public Optional<Verifying> find(String keyId) {
                return chain.find(keyId).map(version -> new Verifying() {
                    @Override
                    public PublicKey publicKey() {
                        return parsed.computeIfAbsent(keyId, k -> crypto.publicKey(KeyType.ED25519,
                                version.key().publicKeySpki()));
                    }

                    @Override
                    public boolean validAt(Instant issuedAt) {
                        return version.validAt(issuedAt);
                    }
                });
            }
        };
    }

    /** One key that never rotates (tests, and tools with a fixed key). */
    static ApprovalKeys fixed(String keyId, UnaryOperator<byte[]> sign, PublicKey publicKey) {
        Signing signing = new Signing(keyId, sign);
        Verifying verifying = new Verifying() {
            @Override
            public PublicKey publicKey() {
                return publicKey;
            }

            @Override
            public boolean validAt(Instant issuedAt) {
                return true;
            }
        };
        return new ApprovalKeys() {
            @Override
            public Signing signing() {
                return signing;
            }

            @Override
            public Optional<Verifying> find(String id) {
                return keyId.equals(id) ? Optional.of(verifying) : Optional.empty();
            }
        };
    }
}
