package com.zeroui.kms.trust.validation;

import static com.zeroui.kms.trust.validation.Chains.assertFails;
import static com.zeroui.kms.trust.validation.Chains.assertOk;
import static com.zeroui.kms.trust.validation.TestPki.cert;

import com.zeroui.kms.trust.validation.TestPki.Issued;
import java.math.BigInteger;
import java.util.List;
import org.bouncycastle.asn1.DERSequence;
import org.bouncycastle.asn1.x509.AccessDescription;
import org.bouncycastle.asn1.x509.AuthorityInformationAccess;
import org.bouncycastle.asn1.x509.AuthorityKeyIdentifier;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.junit.jupiter.api.Test;

/** profile: webpki — the CA/Browser Forum Baseline Requirements for TLS server certificates on top of RFC 5280. */
class WebPkiProfileTest {
    private final Issued root = TestPki.root("Root");
    private final Issued intermediate = TestPki.intermediate("Intermediate", root);

    private static ValidationResult webpki(Issued leaf, Issued intermediate, Issued root) {
        return Chains.VALIDATOR.validate(Chains.request(leaf, List.of(intermediate), root).purpose(Purpose.SERVER_AUTH)
                .profile(Profile.WEBPKI).build());
    }

    private ValidationResult webpki(Issued leaf) {
        return webpki(leaf, intermediate, root);
    }

    private ValidationResult rfc5280(Issued leaf) {
        return Chains.VALIDATOR.validate(Chains.request(leaf, List.of(intermediate), root).purpose(Purpose.SERVER_AUTH).build());
    }

    @Test
    void aConformingChainPasses() {
        assertOk(webpki(TestPki.leaf("www.example.com", intermediate)));
        assertOk(webpki(cert("CN=10.0.0.1").issuer(intermediate).leaf().ip("10.0.0.1").build()));
        assertOk(webpki(cert("CN=2001:db8::1").issuer(intermediate).leaf().ip("2001:db8::1").build()));
        assertOk(webpki(cert("O=No CN").issuer(intermediate).leaf().dns("a.example.com").build()));
    }

    @Test
    void theLeafNeedsANonCriticalServerAuthEkuWithoutAnyExtendedKeyUsage() {
        Issued noEku = cert("CN=a.example.com").issuer(intermediate).leaf().dns("a.example.com")
                .without(Extension.extendedKeyUsage).build();
        assertOk(rfc5280(noEku));
        assertFails(webpki(noEku), ReasonCode.EXTENDED_KEY_USAGE, 0);
        Issued anyEku = cert("CN=a.example.com").issuer(intermediate).leaf().dns("a.example.com")
                .eku(KeyPurposeId.id_kp_serverAuth, KeyPurposeId.anyExtendedKeyUsage).build();
        assertOk(rfc5280(anyEku));
        assertFails(webpki(anyEku), ReasonCode.EXTENDED_KEY_USAGE, 0);
        Issued critical = cert("CN=a.example.com").issuer(intermediate).leaf().dns("a.example.com")
                .ext(Extension.extendedKeyUsage, true, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth)).build();
        assertOk(rfc5280(critical));
        assertFails(webpki(critical), ReasonCode.EXTENDED_KEY_USAGE, 0);
    }

    @Test
    void aRootWithAnEkuAndALeafThatIsACaAreRefused() {
        Issued ekuRoot = cert("CN=EKU Root,O=Test").ca().eku(KeyPurposeId.id_kp_serverAuth).build();
        Issued under = TestPki.intermediate("Intermediate", ekuRoot);
        Issued leaf = TestPki.leaf("www.example.com", under);
        assertFails(webpki(leaf, under, ekuRoot), ReasonCode.EXTENDED_KEY_USAGE, 2);
        Issued caLeaf = cert("CN=a.example.com").issuer(intermediate).ca().eku(KeyPurposeId.id_kp_serverAuth)
                .dns("a.example.com").build();
        assertOk(rfc5280(caLeaf));
        assertFails(webpki(caLeaf), ReasonCode.BASIC_CONSTRAINTS, 0);
    }

    @Test
    void theSubjectCnMustBeByteForByteOneOfTheSans() {
        Issued notASan = cert("CN=b.example.com").issuer(intermediate).leaf().dns("a.example.com").build();
        assertOk(rfc5280(notASan));
        assertFails(webpki(notASan), ReasonCode.SUBJECT_ALT_NAME, 0);
        // an IDN CN as a U-label while the SAN holds the A-label; an IP in a non-canonical text form
        assertFails(webpki(cert("CN=bücher.example").issuer(intermediate).leaf().dns("xn--bcher-kva.example").build()),
                ReasonCode.SUBJECT_ALT_NAME, 0);
        assertFails(webpki(cert("CN=010.0.0.1").issuer(intermediate).leaf().ip("10.0.0.1").build()),
                ReasonCode.SUBJECT_ALT_NAME, 0);
        assertFails(webpki(cert("CN=2001:0db8:0:0:0:0:0:1").issuer(intermediate).leaf().ip("2001:db8::1").build()),
                ReasonCode.SUBJECT_ALT_NAME, 0);
        assertFails(webpki(cert("CN=A.example.com").issuer(intermediate).leaf().dns("a.example.com").build()),
                ReasonCode.SUBJECT_ALT_NAME, 0);
        Issued cnOnly = cert("CN=legacy.example.com").issuer(intermediate).leaf().build();
        assertOk(rfc5280(cnOnly));
        assertFails(webpki(cnOnly), ReasonCode.SUBJECT_ALT_NAME, 0);
    }

    @Test
    void theCnIsNeverAHostnameFallback() {
        Issued cnOnly = cert("CN=legacy.example.com").issuer(intermediate).leaf().build();
        assertOk(Chains.VALIDATOR.validate(Chains.request(cnOnly, List.of(intermediate), root).hostname("legacy.example.com")
                .build()));
        // webpki refuses the certificate before any hostname is compared
        assertFails(Chains.VALIDATOR.validate(Chains.request(cnOnly, List.of(intermediate), root)
                .hostname("legacy.example.com").profile(Profile.WEBPKI).build()), ReasonCode.SUBJECT_ALT_NAME, 0);
    }

    @Test
    void noWildcardDirectlyUnderAPublicSuffix() {
        for (String suffix : List.of("com", "co.uk")) {
            Issued wild = cert("O=Test").issuer(intermediate).leaf().dns("*." + suffix).build();
            assertFails(webpki(wild), ReasonCode.WILDCARD_PUBLIC_SUFFIX, 0);
        }
        assertOk(webpki(cert("O=Test").issuer(intermediate).leaf().dns("*.example.co.uk").build()));
        // a private registration (the PSL's private section) is its owner's to wildcard
        assertOk(webpki(cert("O=Test").issuer(intermediate).leaf().dns("*.github.io").build()));
    }

    @Test
    void rsaModuliAreAMultipleOfEightBits() {
        Issued odd = cert("CN=a.example.com").issuer(intermediate).leaf().dns("a.example.com").keys(TestPki.rsa(2052)).build();
        assertOk(rfc5280(odd));
        assertFails(webpki(odd), ReasonCode.UNSUPPORTED_ALGORITHM, 0);
        assertOk(webpki(cert("CN=b.example.com").issuer(intermediate).leaf().dns("b.example.com").keys(TestPki.rsa(2048))
                .build()));
    }

    @Test
    void authorityInformationAccessIsWellFormed() {
        AccessDescription ocsp = new AccessDescription(AccessDescription.id_ad_ocsp,
                new GeneralName(GeneralName.uniformResourceIdentifier, "http://ocsp.example.com"));
        AccessDescription ldap = new AccessDescription(AccessDescription.id_ad_caIssuers,
                new GeneralName(GeneralName.uniformResourceIdentifier, "ldap://ldap.example.com/cn=ca"));
        assertOk(webpki(aia(false, new AuthorityInformationAccess(ocsp))));
        assertFails(webpki(aia(true, new AuthorityInformationAccess(ocsp))), ReasonCode.UNKNOWN_CRITICAL_EXTENSION, 0);
        Issued badLocation = aia(false, AuthorityInformationAccess.getInstance(new DERSequence(new AccessDescription[] {ocsp, ldap})));
        assertOk(rfc5280(badLocation));
        assertFails(webpki(badLocation), ReasonCode.MALFORMED, 0);
        Issued dnsLocation = aia(false, new AuthorityInformationAccess(new AccessDescription(AccessDescription.id_ad_ocsp,
                new GeneralName(GeneralName.dNSName, "ocsp.example.com"))));
        assertFails(webpki(dnsLocation), ReasonCode.MALFORMED, 0);
    }

    private Issued aia(boolean critical, AuthorityInformationAccess value) {
        return cert("CN=a.example.com").issuer(intermediate).leaf().dns("a.example.com")
                .ext(Extension.authorityInfoAccess, critical, value).build();
    }

    @Test
    void authorityKeyIdentifiersFollowTheRootAndSubordinateRules() {
        Issued rootWithIssuerAndSerial = cert("CN=Root2,O=Test").ca().ext(Extension.authorityKeyIdentifier, false,
                new AuthorityKeyIdentifier(new byte[] {1, 2, 3}, new GeneralNames(new GeneralName(GeneralName.dNSName, "x.example")),
                        BigInteger.TEN)).build();
        Issued i2 = TestPki.intermediate("Intermediate", rootWithIssuerAndSerial);
        assertFails(webpki(TestPki.leaf("www.example.com", i2), i2, rootWithIssuerAndSerial), ReasonCode.AKI_MISMATCH, 2);
        // issuer and serial that RFC 5280 accepts (they match), which the Baseline Requirements forbid below a root
        Issued leafWithSerial = cert("CN=a.example.com").issuer(intermediate).leaf().dns("a.example.com")
                .ext(Extension.authorityKeyIdentifier, false, new AuthorityKeyIdentifier(intermediate.ski(),
                        new GeneralNames(new GeneralName(root.subject())), intermediate.serial())).build();
        assertOk(rfc5280(leafWithSerial));
        assertFails(webpki(leafWithSerial), ReasonCode.AKI_MISMATCH, 0);
    }
}
