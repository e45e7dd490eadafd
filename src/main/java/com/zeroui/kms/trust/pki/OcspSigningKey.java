package com.zeroui.kms.trust.pki;

import com.zeroui.kms.auth.CallerIdentity;
import com.zeroui.kms.crypto.Pem;
import com.zeroui.kms.keystore.MasterKeyException;
import com.zeroui.kms.keystore.MasterKeyProvider;
import com.zeroui.kms.trust.InternalCa;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.bouncycastle.asn1.DERNull;
import org.bouncycastle.asn1.ocsp.OCSPObjectIdentifiers;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;

/**
 * The delegated OCSP responder credential of the issuing CA (RFC 6960 §4.2.2.2): a P-256 key and
 * a certificate with id-kp-OCSPSigning and id-pkix-ocsp-nocheck, valid 30 days. The key is
 * stored only wrapped by the master key; every node uses the stored one, and the first node to
 * find it within 10 days of expiry issues its successor (compare-and-set, so one successor wins).
 */
public final class OcspSigningKey {
    static final Duration VALIDITY = Duration.ofDays(30);
    static final Duration RENEW_BEFORE = Duration.ofDays(10);
    public static final String SUBJECT_PREFIX = "urn:zeroui:kms:ocsp-responder:";

    private final CertificateStore store;
    private final InternalCa ca;
    private final MasterKeyProvider masterKey;
    private final Clock clock;
    private volatile Credential cached;

    public OcspSigningKey(CertificateStore store, InternalCa ca, MasterKeyProvider masterKey, Clock clock) {
        this.store = store;
        this.ca = ca;
        this.masterKey = masterKey;
        this.clock = clock;
    }

    /** The responder certificate, its key, and when this node should look for (or make) a successor. */
    public record Credential(X509Certificate certificate, PrivateKey privateKey, Instant renewAt) {
    }

    public Credential current() {
        Credential c = cached;
        if (c != null && clock.instant().isBefore(c.renewAt())) {
            return c;
        }
        synchronized (this) {
            c = cached;
            if (c != null && clock.instant().isBefore(c.renewAt())) {
                return c;
            }
            cached = loadOrRenew();
            return cached;
        }
    }

    private Credential loadOrRenew() {
        Optional<CertificateStore.StoredResponder> stored = store.ocspResponder(InternalCa.ISSUING_ID);
        if (stored.isPresent()) {
            Credential loaded = load(stored.get());
            if (loaded != null && clock.instant().isBefore(loaded.renewAt())) {
                return loaded;
            }
        }
        CertificateStore.StoredResponder successor = issue();
        if (store.replaceOcspResponder(stored.map(CertificateStore.StoredResponder::serial).orElse(null), successor)) {
            return load(successor);
        }
        // another node renewed first: use its responder
        CertificateStore.StoredResponder winner = store.ocspResponder(InternalCa.ISSUING_ID)
                .orElseThrow(() -> new IllegalStateException("the OCSP responder row vanished while being renewed"));
        Credential loaded = load(winner);
        if (loaded == null) {
            throw new IllegalStateException("the stored OCSP responder " + winner.serial() + " is not from this issuing CA");
        }
        return loaded;
    }

    private CertificateStore.StoredResponder issue() {
        KeyPair keys = InternalCa.newEcKeyPair();
        Instant now = clock.instant();
        Duration left = Duration.between(now, ca.issuing().getNotAfter().toInstant());
        Duration lifetime = VALIDITY.compareTo(left) > 0 ? left : VALIDITY;
        try {
            X509Certificate cert = ca.issue(keys.getPublic(), new X500Name("CN=ZeroUI KMS OCSP Responder,O=ZeroUI"),
                    List.of(), KeyPurposeId.id_kp_OCSPSigning, KeyUsage.digitalSignature, lifetime,
                    List.of(new Extension(OCSPObjectIdentifiers.id_pkix_ocsp_nocheck, false, DERNull.INSTANCE.getEncoded())));
            String serial = cert.getSerialNumber().toString(16);
            store.insert(new CertificateRecord(serial, InternalCa.ISSUING_ID, SUBJECT_PREFIX + InternalCa.ISSUING_ID,
                    CertificateProfile.OCSP_SIGNING.apiName(), cert.getNotBefore().toInstant(), cert.getNotAfter().toInstant(),
                    Pem.certificate(cert), now.truncatedTo(ChronoUnit.MILLIS), false, null, null,
                    CallerIdentity.SERVICE.spiffeId(), "EC-P256"));
            byte[] pkcs8 = keys.getPrivate().getEncoded();
            try {
                return new CertificateStore.StoredResponder(InternalCa.ISSUING_ID, serial, Pem.certificate(cert),
                        masterKey.wrap(pkcs8, aad(serial)), masterKey.keyId(), cert.getNotAfter().toInstant(),
                        now.truncatedTo(ChronoUnit.MILLIS));
            } finally {
                Arrays.fill(pkcs8, (byte) 0);
            }
        } catch (IOException | MasterKeyException e) {
            throw new IllegalStateException("cannot issue the OCSP responder certificate: " + e.getMessage(), e);
        }
    }

    /** The stored credential, or null when it was not issued by the current issuing CA. */
    private Credential load(CertificateStore.StoredResponder stored) {
        X509Certificate cert = Pem.parseCertificates(stored.certificatePem()).get(0);
        try {
            cert.verify(ca.issuing().getPublicKey());
        } catch (GeneralSecurityException e) {
            return null;
        }
        byte[] pkcs8 = null;
        try {
            pkcs8 = masterKey.unwrap(stored.wrappedPrivateKey(), aad(stored.serial()));
            PrivateKey key = KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
            Instant notBefore = cert.getNotBefore().toInstant();
            Instant notAfter = cert.getNotAfter().toInstant();
            Duration margin = Duration.between(notBefore, notAfter).dividedBy(3);
            return new Credential(cert, key, notAfter.minus(margin.compareTo(RENEW_BEFORE) < 0 ? margin : RENEW_BEFORE));
        } catch (MasterKeyException e) {
            throw new IllegalStateException("cannot unwrap the OCSP responder key " + stored.serial() + " (stored under master key "
                    + stored.masterKeyId() + ", loaded " + masterKey.keyId() + "): " + e.getMessage(), e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the stored OCSP responder key " + stored.serial() + " does not decode", e);
        } finally {
            if (pkcs8 != null) {
                Arrays.fill(pkcs8, (byte) 0);
            }
        }
    }

    /** Associated data binding a wrapped responder key to its serial (master-key rotation re-wraps with it). */
    public static byte[] aad(String serial) {
        return ("kms/v1/ocsp-responder/" + InternalCa.ISSUING_ID + "/" + serial).getBytes(StandardCharsets.UTF_8);
    }
}
