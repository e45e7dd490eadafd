package com.zeroui.kms.trust.validation;

import static org.assertj.core.api.Assertions.assertThat;

import com.zeroui.kms.trust.validation.TestPki.Issued;
import java.security.cert.X509CRL;
import java.util.ArrayList;
import java.util.List;

/** Shorthand for the tests: validate DER chains at {@link TestPki#NOW} and assert the reason code. */
final class Chains {
    static final ChainValidator VALIDATOR = new ChainValidator();

    private Chains() {
    }

    /** A standard root → intermediate → leaf for www.example.com. */
    record Standard(Issued root, Issued intermediate, Issued leaf) {
        static Standard create() {
            Issued root = TestPki.root("Root");
            Issued intermediate = TestPki.intermediate("Intermediate", root);
            return new Standard(root, intermediate, TestPki.leaf("www.example.com", intermediate));
        }
    }

    static ValidationRequest.Builder request(Issued leaf, List<Issued> intermediates, Issued... anchors) {
        List<byte[]> chain = new ArrayList<>();
        chain.add(leaf.der());
        intermediates.forEach(i -> chain.add(i.der()));
        List<byte[]> anchorDer = new ArrayList<>();
        StringBuilder pem = new StringBuilder();
        for (Issued a : anchors) {
            pem.append(a.pem());
            anchorDer.add(a.der());
        }
        return ValidationRequest.builder().chainDer(chain).trustAnchorsPem(pem.toString()).time(TestPki.NOW);
    }

    static ValidationResult validate(Issued leaf, List<Issued> intermediates, Issued anchor) {
        return VALIDATOR.validate(request(leaf, intermediates, anchor).build());
    }

    static ValidationResult validate(Issued leaf, Issued intermediate, Issued anchor) {
        return validate(leaf, List.of(intermediate), anchor);
    }

    static ValidationResult validateWithCrls(Issued leaf, Issued intermediate, Issued anchor, RevocationMode mode,
                                             X509CRL... crls) {
        return VALIDATOR.validate(request(leaf, List.of(intermediate), anchor).revocationMode(mode)
                .crls(List.of(crls)).build());
    }

    static void assertOk(ValidationResult result) {
        assertThat(result.reason()).as(result.detail()).isEqualTo(ReasonCode.OK);
        assertThat(result.valid()).isTrue();
    }

    static void assertFails(ValidationResult result, ReasonCode reason) {
        assertThat(result.reason()).as(result.detail()).isEqualTo(reason);
        assertThat(result.valid()).isFalse();
    }

    static void assertFails(ValidationResult result, ReasonCode reason, int failedIndex) {
        assertFails(result, reason);
        assertThat(result.failedIndex()).as(result.detail()).isEqualTo(failedIndex);
    }
}
