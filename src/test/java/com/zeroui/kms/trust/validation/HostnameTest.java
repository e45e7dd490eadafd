package com.zeroui.kms.trust.validation;

import static com.zeroui.kms.trust.validation.Chains.assertFails;
import static com.zeroui.kms.trust.validation.Chains.assertOk;
import static com.zeroui.kms.trust.validation.TestPki.cert;
import static org.assertj.core.api.Assertions.assertThat;

import com.zeroui.kms.trust.validation.TestPki.Issued;
import java.util.List;
import org.junit.jupiter.api.Test;

/** RFC 6125 host name checks on the leaf. */
class HostnameTest {
    private final Issued root = TestPki.root("Root");
    private final Issued intermediate = TestPki.intermediate("Intermediate", root);

    private ValidationResult check(Issued leaf, String host) {
        return Chains.VALIDATOR.validate(Chains.request(leaf, List.of(intermediate), root)
                .purpose(Purpose.SERVER_AUTH).hostname(host).build());
    }

    @Test
    void exactDnsNamesMatchCaseInsensitivelyAndWithATrailingDot() {
        Issued leaf = cert("CN=x").issuer(intermediate).leaf().dns("www.Example.com", "api.example.com").build();
        assertOk(check(leaf, "www.example.com"));
        assertOk(check(leaf, "API.EXAMPLE.COM."));
        ValidationResult miss = check(leaf, "mail.example.com");
        assertFails(miss, ReasonCode.HOSTNAME_MISMATCH, 0);
        assertThat(miss.path()).hasSize(3);
    }

    @Test
    void aWildcardStandsForExactlyOneLeftMostLabel() {
        Issued leaf = cert("CN=x").issuer(intermediate).leaf().dns("*.example.com").build();
        assertOk(check(leaf, "a.example.com"));
        assertFails(check(leaf, "example.com"), ReasonCode.HOSTNAME_MISMATCH);
        assertFails(check(leaf, "a.b.example.com"), ReasonCode.HOSTNAME_MISMATCH);
        // not the preferred name syntax: the certificate is malformed before any name is compared
        assertFails(check(cert("CN=x").issuer(intermediate).leaf().dns("f*.example.com").build(), "foo.example.com"),
                ReasonCode.MALFORMED);
        assertFails(check(cert("CN=x").issuer(intermediate).leaf().dns("*.com").build(), "example.com"),
                ReasonCode.HOSTNAME_MISMATCH);
        assertFails(check(cert("CN=x").issuer(intermediate).leaf().dns("www.*.example.com").build(), "www.a.example.com"),
                ReasonCode.MALFORMED);
    }

    @Test
    void ipAddressesMatchIpSansOnly() {
        Issued leaf = cert("CN=127.0.0.1").issuer(intermediate).leaf().ip("127.0.0.1", "::1").dns("10.0.0.1").build();
        assertOk(check(leaf, "127.0.0.1"));
        assertOk(check(leaf, "[::1]"));
        assertOk(check(leaf, "0:0:0:0:0:0:0:1"));
        assertFails(check(leaf, "10.0.0.1"), ReasonCode.HOSTNAME_MISMATCH);
        Issued cnOnly = cert("CN=10.0.0.2").issuer(intermediate).leaf().build();
        assertFails(check(cnOnly, "10.0.0.2"), ReasonCode.HOSTNAME_MISMATCH);
    }

    @Test
    void theCommonNameCountsOnlyWithoutSubjectAltNames() {
        Issued cnOnly = cert("CN=legacy.example.com").issuer(intermediate).leaf().build();
        assertOk(check(cnOnly, "legacy.example.com"));
        Issued both = cert("CN=legacy.example.com").issuer(intermediate).leaf().dns("new.example.com").build();
        assertFails(check(both, "legacy.example.com"), ReasonCode.HOSTNAME_MISMATCH);
        Issued uriOnly = cert("CN=legacy.example.com").issuer(intermediate).leaf().uri("spiffe://zeroui.local/x").build();
        assertFails(check(uriOnly, "legacy.example.com"), ReasonCode.HOSTNAME_MISMATCH);
    }

    @Test
    void internationalizedNamesCompareAsALabels() {
        Issued leaf = cert("CN=x").issuer(intermediate).leaf().dns("xn--bcher-kva.example").build();
        assertOk(check(leaf, "bücher.example"));
        assertOk(check(leaf, "xn--bcher-kva.example"));
        assertFails(check(leaf, "bucher.example"), ReasonCode.HOSTNAME_MISMATCH);
    }

    @Test
    void pathFailuresComeBeforeHostnameMismatches() {
        Issued leaf = cert("CN=x").issuer(intermediate).leaf().dns("a.example").corruptSignature().build();
        assertFails(check(leaf, "b.example"), ReasonCode.BAD_SIGNATURE);
    }
}
