package com.zeroui.kms.app;

import com.zeroui.kms.audit.ReceiptKeyring;
import com.zeroui.kms.audit.ReceiptSigner;
import com.zeroui.kms.crypto.SignatureAlgorithm;
import com.zeroui.kms.keys.ServiceKeyChain;
import com.zeroui.kms.trust.Pem;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The receipt key as the audit log sees it: a signer that always uses the chain's current key, and
 * the keyring of every receipt key the chain has had, with validity, as verifiers need it.
 */
final class RotatingReceiptKey implements ReceiptSigner, ReceiptKeyring {
    private final ServiceKeyChain chain;

    RotatingReceiptKey(ServiceKeyChain chain) {
        this.chain = chain;
    }

    @Override
    public String keyId() {
        return chain.signing().keyId();
    }

    @Override
    public byte[] sign(byte[] message) {
        return chain.signing().sign().apply(message);
    }

    @Override
    public ReceiptSigner current() {
        ServiceKeyChain.Signing signing = chain.signing();
        return ReceiptSigner.of(signing.keyId(), signing.sign());
    }

    @Override
    public List<ReceiptKey> keys() {
        return chain.versions().stream().map(v -> new ReceiptKey(v.key().keyId(), v.key().publicKeySpki(), v.notBefore(),
                v.notAfter(), v.status())).toList();
    }

    @Override
    public void reload() {
        chain.reload();
    }

    /** GET /kms/v1/audit/receipt-keys: every receipt key, oldest first, with its validity. */
    List<Map<String, Object>> published() {
        return chain.versions().stream().map(RotatingReceiptKey::view).toList();
    }

    static Map<String, Object> view(ServiceKeyChain.Version version) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("key_id", version.key().keyId());
        m.put("algorithm", SignatureAlgorithm.EDDSA.apiName());
        m.put("public_key", Pem.publicKey(version.key().publicKeySpki()));
        m.put("created_at", version.key().createdAt().toString());
        m.put("not_before", version.notBefore() == null ? null : version.notBefore().toString());
        m.put("not_after", version.notAfter() == null ? null : version.notAfter().toString());
        m.put("status", version.status());
        return m;
    }
}
