package com.zeroui.kms.trust.pki;

import com.zeroui.kms.error.ErrorCode;
import com.zeroui.kms.error.KmsException;
import java.io.IOException;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Date;
import java.util.Map;
import java.util.function.Function;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.CRLNumber;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.cert.X509v2CRLBuilder;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * One CRL per CA (RFC 5280 §5), cached signed in the store so that every node serves the same
 * bytes. A CRL is re-signed when a revocation changed the CA's revoked set since it was built,
 * or once half its validity has passed, so a fetched CRL is always good for at least half the
 * validity. Entries of certificates past their notAfter are left out.
 */
public final class CrlPublisher {
    private static final int PUBLISH_ATTEMPTS = 3;

    private final CertificateStore store;
    private final Map<String, X509Certificate> caCertificates;
    private final Function<String, PrivateKey> caKeys;
    private final Duration validity;
    private final Clock clock;

    /**
     * @param caCertificates the CAs that publish CRLs, by CA id
     * @param caKeys         unwraps a CA's signing key; called only when a CRL is signed, and the key is dropped after
     */
    public CrlPublisher(CertificateStore store, Map<String, X509Certificate> caCertificates,
                        Function<String, PrivateKey> caKeys, Duration validity, Clock clock) {
        this.store = store;
        this.caCertificates = Map.copyOf(caCertificates);
        this.caKeys = caKeys;
        this.validity = validity;
        this.clock = clock;
    }

    /** The CA's current CRL, re-signed first when it is out of date. 404 for a CA id this service does not run. */
    public CertificateStore.SignedCrl current(String caId) {
        X509Certificate ca = caCertificates.get(caId);
        if (ca == null) {
            throw new KmsException(ErrorCode.KEY_NOT_FOUND, "no CA '" + caId + "'; CRLs are published for "
                    + caCertificates.keySet().stream().sorted().toList(), Map.of("ca_id", caId));
        }
        CertificateStore.CrlState state = null;
        for (int attempt = 0; attempt < PUBLISH_ATTEMPTS; attempt++) {
            state = store.crl(caId).orElseGet(() -> new CertificateStore.CrlState(caId, 0, 0, null));
            Instant now = clock.instant();
            if (upToDate(state, now)) {
                return state.cached();
            }
            CertificateStore.SignedCrl signed = sign(caId, ca, state.crlNumber() + 1, state.revocationEpoch(), now);
            if (store.publishCrl(caId, state.crlNumber(), signed)) {
                return signed;
            }
            // another node published first: use (or, if already stale, replace) theirs
        }
        if (state.cached() != null && clock.instant().isBefore(state.cached().nextUpdate())) {
            return state.cached();
        }
        throw KmsException.unavailable("storage", "the CRL of " + caId + " could not be published; retry", null);
    }

    private static boolean upToDate(CertificateStore.CrlState state, Instant now) {
        CertificateStore.SignedCrl cached = state.cached();
        if (cached == null || cached.builtEpoch() != state.revocationEpoch()) {
            return false;
        }
        Duration span = Duration.between(cached.thisUpdate(), cached.nextUpdate());
        return now.isBefore(cached.thisUpdate().plus(span.dividedBy(2)));
    }

    private CertificateStore.SignedCrl sign(String caId, X509Certificate ca, long number, long epoch, Instant now) {
        Instant thisUpdate = now.truncatedTo(ChronoUnit.SECONDS);
        Instant nextUpdate = thisUpdate.plus(validity);
        X509v2CRLBuilder builder = new X509v2CRLBuilder(X500Name.getInstance(ca.getSubjectX500Principal().getEncoded()),
                Date.from(thisUpdate));
        builder.setNextUpdate(Date.from(nextUpdate));
        for (CertificateRecord revoked : store.revokedBy(caId, thisUpdate)) {
            RevocationReason reason = revoked.revocationReason();
            // RFC 5280 §5.3.1: the reason code unspecified SHOULD be absent (0 = no extension here)
            builder.addCRLEntry(new BigInteger(revoked.serial(), 16), Date.from(revoked.revokedAt()),
                    reason == null || reason == RevocationReason.UNSPECIFIED ? 0 : reason.code());
        }
        PrivateKey key = caKeys.apply(caId);
        try {
            builder.addExtension(Extension.cRLNumber, false, new CRLNumber(BigInteger.valueOf(number)));
            builder.addExtension(Extension.authorityKeyIdentifier, false,
                    new JcaX509ExtensionUtils().createAuthorityKeyIdentifier(ca.getPublicKey()));
            byte[] der = builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(key)).getEncoded();
            return new CertificateStore.SignedCrl(number, epoch, thisUpdate, nextUpdate, der);
        } catch (IOException | GeneralSecurityException | OperatorCreationException e) {
            throw new IllegalStateException("signing the CRL of " + caId + " failed", e);
        }
    }
}
