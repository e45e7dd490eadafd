package com.zeroui.kms.trust.validation;

import static com.zeroui.kms.trust.validation.TestPki.NOW;
import static com.zeroui.kms.trust.validation.TestPki.cert;
import static com.zeroui.kms.trust.validation.TestPki.crl;
import static com.zeroui.kms.trust.validation.TestPki.dnsName;
import static com.zeroui.kms.trust.validation.TestPki.ipRange;
import static org.assertj.core.api.Assertions.assertThat;

import com.zeroui.kms.trust.validation.TestPki.Issued;
import java.security.cert.CertPathValidator;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertStore;
import java.security.cert.CertificateFactory;
import java.security.cert.CollectionCertStoreParameters;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Set;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.junit.jupiter.api.Test;

/**
 * Where the JDK's PKIX CertPathValidator and ours part ways, each shown on one chain: what the JDK
 * accepts and we refuse, and the reason code we give. Guards the list of differences in docs/chain-validation.md.
 */
class JdkComparisonTest {
    private final Issued root = TestPki.root("Root");
    private final Issued ca = TestPki.intermediate("Intermediate", root);

    private static boolean jdkAccepts(Issued leaf, List<Issued> intermediates, Issued anchor, List<X509CRL> crls,
                                      Instant time) throws Exception {
        List<X509Certificate> path = new ArrayList<>();
        path.add(leaf.cert());
        intermediates.forEach(i -> path.add(i.cert()));
        PKIXParameters params = new PKIXParameters(Set.of(new TrustAnchor(anchor.cert(), null)));
        params.setDate(Date.from(time));
        params.setRevocationEnabled(!crls.isEmpty());
        if (!crls.isEmpty()) {
            params.addCertStore(CertStore.getInstance("Collection", new CollectionCertStoreParameters(crls)));
        }
        try {
            CertPathValidator.getInstance("PKIX").validate(CertificateFactory.getInstance("X.509").generateCertPath(path),
                    params);
            return true;
        } catch (CertPathValidatorException e) {
            return false;
        }
    }

    private static ValidationResult ours(Issued leaf, List<Issued> intermediates, Issued anchor, List<X509CRL> crls,
                                         Instant time) {
        return Chains.VALIDATOR.validate(Chains.request(leaf, intermediates, anchor).time(time).crls(crls)
                .revocationMode(crls.isEmpty() ? RevocationMode.NONE : RevocationMode.REQUIRE).build());
    }

    private static void jdkAcceptsWeRefuse(Issued leaf, List<Issued> intermediates, Issued anchor, List<X509CRL> crls,
                                           ReasonCode ourReason) throws Exception {
        assertThat(jdkAccepts(leaf, intermediates, anchor, crls, NOW)).as("JDK PKIX accepts").isTrue();
        ValidationResult result = ours(leaf, intermediates, anchor, crls, NOW);
        assertThat(result.reason()).as(result.detail()).isEqualTo(ourReason);
    }

    @Test
    void anUnknownCriticalExtensionOnTheRoot() throws Exception {
        Issued critRoot = cert("CN=Crit Root").ca().unknownExt(true).build();
        Issued critCa = TestPki.intermediate("CA", critRoot);
        jdkAcceptsWeRefuse(TestPki.leaf("a.example", critCa), List.of(critCa), critRoot, List.of(),
                ReasonCode.UNKNOWN_CRITICAL_EXTENSION);
    }

    @Test
    void nameConstraintsOnTheRoot() throws Exception {
        Issued ncRoot = cert("CN=NC Root").ca()
                .nameConstraints(null, List.of(dnsName("evil.example.com"), ipRange("10.9.0.0", "255.255.0.0"))).build();
        Issued ncCa = TestPki.intermediate("CA", ncRoot);
        jdkAcceptsWeRefuse(TestPki.leaf("www.evil.example.com", ncCa), List.of(ncCa), ncRoot, List.of(),
                ReasonCode.NAME_CONSTRAINTS);
        jdkAcceptsWeRefuse(cert("CN=ip").issuer(ncCa).leaf().ip("10.9.1.1").build(), List.of(ncCa), ncRoot, List.of(),
                ReasonCode.NAME_CONSTRAINTS);
    }

    @Test
    void aRootWithoutBasicConstraints() throws Exception {
        Issued bareRoot = cert("CN=Bare Root").keyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign).build();
        Issued bareCa = TestPki.intermediate("CA", bareRoot);
        jdkAcceptsWeRefuse(TestPki.leaf("a.example", bareCa), List.of(bareCa), bareRoot, List.of(), ReasonCode.NOT_A_CA);
    }

    @Test
    void nonCriticalBasicConstraintsOnACa() throws Exception {
        Issued laxCa = cert("CN=Lax").issuer(root).basicConstraints(false, new BasicConstraints(true))
                .keyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign).build();
        jdkAcceptsWeRefuse(TestPki.leaf("a.example", laxCa), List.of(laxCa), root, List.of(), ReasonCode.BASIC_CONSTRAINTS);
    }

    @Test
    void aMissingAuthorityKeyIdentifier() throws Exception {
        jdkAcceptsWeRefuse(cert("CN=a").issuer(ca).leaf().without(Extension.authorityKeyIdentifier).build(), List.of(ca),
                root, List.of(), ReasonCode.MISSING_AKI);
    }

    @Test
    void crlsWithoutACrlNumberOrFromAnAnchorWithoutCrlSign() throws Exception {
        Issued leaf = TestPki.leaf("a.example", ca);
        jdkAcceptsWeRefuse(leaf, List.of(ca), root, List.of(crl(ca).noCrlNumber().build(), crl(root).noCrlNumber().build()),
                ReasonCode.CRL_INVALID);
        Issued rootNoCrlSign = cert("CN=R2").basicConstraints(true, new BasicConstraints(true))
                .keyUsage(KeyUsage.keyCertSign).build();
        Issued ca2 = TestPki.intermediate("CA", rootNoCrlSign);
        jdkAcceptsWeRefuse(TestPki.leaf("a.example", ca2), List.of(ca2), rootNoCrlSign,
                List.of(crl(ca2).build(), crl(rootNoCrlSign).build()), ReasonCode.CRL_INVALID);
    }

    @Test
    void bothRefuseNameConstraintViolationsBelowAnIntermediate() throws Exception {
        Issued ncCa = cert("CN=NC,O=Test").issuer(root).ca().nameConstraints(null, List.of(dnsName("evil.example.com")))
                .build();
        Issued leaf = TestPki.leaf("www.evil.example.com", ncCa);
        assertThat(jdkAccepts(leaf, List.of(ncCa), root, List.of(), NOW)).isFalse();
        assertThat(ours(leaf, List.of(ncCa), root, List.of(), NOW).reason()).isEqualTo(ReasonCode.NAME_CONSTRAINTS);
    }

    @Test
    void bothAcceptFractionalSecondsInNotAfter() throws Exception {
        Issued frac = cert("CN=frac").issuer(ca).leaf().notAfterGeneralized("20260301120000.5Z").build();
        assertThat(jdkAccepts(frac, List.of(ca), root, List.of(), NOW.plusMillis(400))).isTrue();
        assertThat(ours(frac, List.of(ca), root, List.of(), NOW.plusMillis(400)).reason()).isEqualTo(ReasonCode.OK);
        assertThat(jdkAccepts(frac, List.of(ca), root, List.of(), NOW.plusMillis(600))).isFalse();
        assertThat(ours(frac, List.of(ca), root, List.of(), NOW.plusMillis(600)).reason()).isEqualTo(ReasonCode.EXPIRED);
    }
}
