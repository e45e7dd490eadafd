package com.zeroui.kms.app;

import com.zeroui.kms.audit.ReceiptKeyring;
import com.zeroui.kms.audit.ReceiptSigner;
import com.zeroui.kms.keys.ServiceKeyChain;
import java.util.List;

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
}
