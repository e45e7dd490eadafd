package com.zeroui.kms.app;

import com.zeroui.kms.approvals.ApprovalKeys;
import com.zeroui.kms.crypto.CryptoSuite;
import com.zeroui.kms.crypto.Pem;
import com.zeroui.kms.crypto.SignatureAlgorithm;
import com.zeroui.kms.keys.ServiceKeyChain;
import com.zeroui.kms.keys.ServiceKeyPurpose;
import com.zeroui.kms.keys.ServiceKeys;
import com.zeroui.kms.trust.anchors.TrustBundleSigner;
import java.time.Duration;
import java.time.Period;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The service's signing keys, one {@link ServiceKeyChain} per {@link ServiceKeyPurpose}, all rotated
 * on one schedule with one overlap; the views each consumer needs (receipt signer and keyring,
 * approval keys, trust-bundle signer); and their published listing with validity.
 */
final class ServiceKeyDirectory {
    private static final Logger LOG = LoggerFactory.getLogger(ServiceKeyDirectory.class);

    private final Map<ServiceKeyPurpose, ServiceKeyChain> chains = new EnumMap<>(ServiceKeyPurpose.class);

    ServiceKeyDirectory(ServiceKeys keys, Period schedule, Duration overlap) {
        for (ServiceKeyPurpose purpose : ServiceKeyPurpose.values()) {
            chains.put(purpose, keys.chain(purpose, schedule, overlap));
        }
    }

    ServiceKeyChain chain(ServiceKeyPurpose purpose) {
        return chains.get(purpose);
    }

    /**
     * Every node, every lifecycle run: rotates each chain that is due (one node wins), or picks up
     * another node's rotation. A chain that fails does not hold up the others.
     */
    void rotateDue() {
        for (ServiceKeyChain chain : chains.values()) {
            try {
                if (chain.rotateIfDue()) {
                    LOG.info("service key {} rotated: {} signatures are now made by {}", chain.alias(),
                            chain.purpose().apiName(), chain.current().keyId());
                }
            } catch (RuntimeException e) {
                LOG.warn("service key {} rotation failed: {}", chain.alias(), e.getMessage());
            }
        }
    }

    /** {@code GET /kms/v1/service-keys}: every key of each purpose, oldest first, with its validity. */
    List<Map<String, Object>> listing() {
        List<Map<String, Object>> out = new ArrayList<>();
        chains.keySet().forEach(p -> out.addAll(listing(p)));
        return out;
    }

    /** Every key of {@code purpose}, oldest first ({@code GET /kms/v1/audit/receipt-keys} for receipts). */
    List<Map<String, Object>> listing(ServiceKeyPurpose purpose) {
        return chains.get(purpose).versions().stream().map(v -> view(purpose, v)).toList();
    }

    static Map<String, Object> view(ServiceKeyPurpose purpose, ServiceKeyChain.Version version) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("key_id", version.key().keyId());
        m.put("purpose", purpose.apiName());
        m.put("algorithm", SignatureAlgorithm.EDDSA.apiName());
        m.put("public_key", Pem.publicKey(version.key().publicKeySpki()));
        m.put("created_at", version.key().createdAt().toString());
        m.put("not_before", version.notBefore() == null ? null : version.notBefore().toString());
        m.put("not_after", version.notAfter() == null ? null : version.notAfter().toString());
        m.put("status", version.status());
        return m;
    }

    RotatingReceiptKey receiptKey() {
        return new RotatingReceiptKey(chains.get(ServiceKeyPurpose.RECEIPT));
    }

    /** The approval keys: the chain's current key signs, any key valid at a token's {@code iat} verifies. */
    ApprovalKeys approvalKeys(CryptoSuite crypto) {
        return ApprovalKeys.of(chains.get(ServiceKeyPurpose.APPROVAL), crypto);
    }

    /** The trust-bundle signer of the moment. */
    Supplier<TrustBundleSigner> trustBundleSigner() {
        return TrustBundleSigner.current(chains.get(ServiceKeyPurpose.TRUST_BUNDLE));
    }
}
