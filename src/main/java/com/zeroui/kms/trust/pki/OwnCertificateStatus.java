package com.zeroui.kms.trust.pki;

import com.zeroui.kms.trust.InternalCa;
import com.zeroui.kms.trust.validation.ResponderStatus;
import java.math.BigInteger;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;

/**
 * What this service's OCSP responder knows, for chain validation: the stored status of a certificate
 * one of the internal CAs issued, read at the moment of validation. A revocation is therefore seen by
 * {@code POST /certificates/validate} as soon as by mTLS and OCSP (no CRL re-signing, no cache).
 * The issuer is recognised by its public key, so another CA with the same name gets no answer.
 */
public final class OwnCertificateStatus implements ResponderStatus {
    private final CertificateStore store;
    private final Map<String, byte[]> caKeys;

    public OwnCertificateStatus(CertificateStore store, InternalCa ca) {
        this.store = store;
        this.caKeys = Map.of(InternalCa.ROOT_ID, ca.root().getPublicKey().getEncoded(),
                InternalCa.ISSUING_ID, ca.issuing().getPublicKey().getEncoded());
    }

    @Override
    public Optional<Answer> status(byte[] issuerSpki, BigInteger serial) {
        String caId = caKeys.entrySet().stream().filter(e -> Arrays.equals(e.getValue(), issuerSpki))
                .map(Map.Entry::getKey).findFirst().orElse(null);
        if (caId == null || serial.signum() <= 0) {
            return Optional.empty();
        }
        return store.find(serial.toString(16)).filter(r -> caId.equals(r.caId())).map(r -> {
            if (!r.revoked()) {
                return Answer.good();
            }
            RevocationReason reason = r.revocationReason();
            return new Answer(true, r.revokedAt(), reason == null || reason == RevocationReason.UNSPECIFIED ? -1 : reason.code());
        });
    }
}
