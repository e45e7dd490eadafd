package com.zeroui.kms.app;

import com.zeroui.kms.audit.AuditTrail;
import com.zeroui.kms.crypto.CryptoSuite;
import com.zeroui.kms.crypto.FipsModule;
import com.zeroui.kms.ops.HealthService;
import com.zeroui.kms.ops.KmsConfig;
import com.zeroui.kms.ops.Metrics;
import com.zeroui.kms.store.JdbcCaRepository;
import com.zeroui.kms.store.JdbcCertificateStore;
import com.zeroui.kms.store.JdbcCrlRepository;
import com.zeroui.kms.store.JdbcTrustAnchorRepository;
import com.zeroui.kms.trust.CertificateAuthority;
import com.zeroui.kms.trust.CertificateValidationService;
import com.zeroui.kms.trust.InternalCa;
import com.zeroui.kms.trust.anchors.TrustAnchorService;
import com.zeroui.kms.trust.pki.CaExpiryCheck;
import com.zeroui.kms.trust.pki.CertificateService;
import com.zeroui.kms.trust.pki.CertificateStore;
import com.zeroui.kms.trust.pki.CrlPublisher;
import com.zeroui.kms.trust.pki.OcspResponder;
import com.zeroui.kms.trust.pki.OcspSigningKey;
import com.zeroui.kms.trust.pki.Pki;
import com.zeroui.kms.trust.pki.RevocationPointers;
import com.zeroui.kms.trust.pki.RevokedSerials;
import com.zeroui.kms.trust.validation.ChainValidator;
import com.zeroui.kms.trust.validation.CrlCache;
import com.zeroui.kms.trust.validation.PathBuildingLimits;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Certificates wiring: the certificate store, enrollment, CRLs, OCSP, the trust-anchor store and chain validation. */
final class PkiWiring {
    private static final Logger LOG = LoggerFactory.getLogger(KmsNode.class); // same log category as before the split

    private PkiWiring() {
    }

    /** The certificate store, with its expiring-certificates gauge and the CA-expiry health check. */
    static JdbcCertificateStore certificateStore(DataDirectory data, Clock clock, List<HealthService.NamedCheck> checks,
                                                 Metrics metrics) {
        JdbcCertificateStore store = new JdbcCertificateStore(data.database());
        metrics.registerCertificatesExpiring(window -> store.countExpiring(clock.instant(), clock.instant().plus(window)));
        // CA and responder certificates close to expiry degrade health; issuance goes on until they expire
        checks.add(new HealthService.NamedCheck("ca_certificates", false, CaExpiryCheck.of(() -> data.ca().ca(),
                () -> store.ocspResponder(InternalCa.ISSUING_ID).map(CertificateStore.StoredResponder::notAfter),
                clock)));
        return store;
    }

    /**
     * Enrollment, CRLs and OCSP over the internal CA. Revoked client certificates are refused at
     * authentication; the serial set is reloaded after each local revocation and every few
     * seconds for revocations made through other nodes.
     */
    static Pki startPki(KmsConfig config, DataDirectory data, JdbcCertificateStore store, AuditTrail trail,
                                java.util.function.Supplier<java.net.URI> publicUrl, Clock clock,
                                ScheduledExecutorService scheduler) {
        JdbcCaRepository cas = new JdbcCaRepository(data.database());
        InternalCa ca = data.ca().ca();
        RevokedSerials revoked = new RevokedSerials(store, clock);
        revoked.refresh();
        scheduler.scheduleWithFixedDelay(revoked::refresh, KmsNode.REVOCATION_REFRESH.toMillis(), KmsNode.REVOCATION_REFRESH.toMillis(),
                TimeUnit.MILLISECONDS);
        CrlPublisher crls = new CrlPublisher(store, Map.of(InternalCa.ROOT_ID, ca.root(), InternalCa.ISSUING_ID, ca.issuing()),
                caId -> CertificateAuthority.loadCaKey(cas, data.masterKey(), caId), config.pki().crlValidity(), clock);
        CertificateService certificates = new CertificateService(data.ca(), store, config.identities(),
                new RevocationPointers(publicUrl), trail, new CertificateService.Settings(config.pki().maxCertificateTtl(),
                config.clientCertificateTtl(), config.serverCertificateTtl()), clock, () -> {
                    revoked.refresh();
                    crls.current(InternalCa.ISSUING_ID);
                });
        OcspSigningKey responderKey = new OcspSigningKey(store, ca, data.masterKey(), clock);
        OcspResponder ocsp = new OcspResponder(store, responderKey, ca, clock);
        // renewal is otherwise on use: an idle responder's certificate is renewed here before it expires
        // (only once one exists, so a node that never answered OCSP issues no responder certificate)
        scheduler.scheduleWithFixedDelay(() -> {
            try {
                if (store.ocspResponder(InternalCa.ISSUING_ID).isPresent()) {
                    responderKey.current();
                }
            } catch (RuntimeException e) {
                LOG.warn("renewing the OCSP responder certificate failed: {}", e.getMessage());
            }
        }, KmsNode.RESPONDER_RENEWAL_CHECK.toMillis(), KmsNode.RESPONDER_RENEWAL_CHECK.toMillis(), TimeUnit.MILLISECONDS);
        return new Pki(certificates, crls, ocsp, revoked);
    }

    /**
     * The trust store, with its own bundle-signing key, and the internal CA's root seeded as a
     * GLOBAL anchor for every plane (once per database; a receipt and an event record it).
     */
    static TrustAnchorService trustAnchors(DataDirectory data, ServiceKeyDirectory serviceKeys, AuditTrail trail,
                                                   Clock clock) {
        TrustAnchorService service = new TrustAnchorService(new JdbcTrustAnchorRepository(data.database()), trail, clock,
                serviceKeys.trustBundleSigner(), data.ca().ca().root());
        service.ensureInternalRoot();
        return service;
    }

    /** Chain validation: one validator (it caches parsed CRLs); without trust_anchors, the effective bundle. */
    static CertificateValidationService validation(KmsConfig config, CryptoSuite crypto, DataDirectory data,
                                                           AuditTrail trail, Clock clock, Pki pki, TrustAnchorService anchors,
                                                           JdbcCertificateStore certificates) {
        java.security.Provider signatures = crypto.fipsModule().map(FipsModule::provider)
                .orElseGet(() -> config.cryptoProvider() == CryptoSuite.Preference.JDK ? null
                        : CryptoSuite.correttoIfLoaded().orElse(null));
        ChainValidator validator = new ChainValidator(clock, PathBuildingLimits.DEFAULT, new CrlCache(), signatures);
        java.util.function.Supplier<List<byte[]>> own = () -> List.of(pki.crls().current(InternalCa.ROOT_ID).der(),
                pki.crls().current(InternalCa.ISSUING_ID).der());
        return new CertificateValidationService(validator, anchors, new JdbcCrlRepository(data.database()), own,
                new com.zeroui.kms.trust.pki.OwnCertificateStatus(certificates, data.ca().ca()), trail, clock);
    }
}
