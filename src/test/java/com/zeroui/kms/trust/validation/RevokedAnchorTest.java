package com.zeroui.kms.trust.validation;

import static com.zeroui.kms.trust.validation.Chains.assertFails;
import static com.zeroui.kms.trust.validation.Chains.assertOk;
import static com.zeroui.kms.trust.validation.TestPki.cert;
import static org.assertj.core.api.Assertions.assertThat;

import com.zeroui.kms.trust.validation.TestPki.Issued;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A trust anchor revoked in the trust store ends every path through it with ANCHOR_REVOKED. */
class RevokedAnchorTest {
    private final Issued root = TestPki.root("Root");
    private final Issued intermediate = TestPki.intermediate("Intermediate", root);
    private final Issued leaf = TestPki.leaf("www.example.com", intermediate);
    private final ValidationRequest.RevokedAnchor revokedRoot = new ValidationRequest.RevokedAnchor(root.der(),
            "keyCompromise at 2026-02-28T00:00:00Z");

    @Test
    void aPathToARevokedAnchorFailsWithItsOwnReason() {
        ValidationResult result = Chains.VALIDATOR.validate(Chains.request(leaf, List.of(intermediate), root)
                .revokedAnchors(List.of(revokedRoot)).build());
        assertFails(result, ReasonCode.ANCHOR_REVOKED, 2);
        assertThat(result.detail()).contains("keyCompromise");
        // given only as revoked (not among the caller's anchors), it is still found and refused
        Issued other = TestPki.root("Other");
        assertFails(Chains.VALIDATOR.validate(Chains.request(leaf, List.of(intermediate), other)
                .revokedAnchors(List.of(revokedRoot)).build()), ReasonCode.ANCHOR_REVOKED, 2);
    }

    @Test
    void aRevokedAnchorsKeyIsRefusedEvenUnderAnotherCertificateButAnotherPathStillWins() {
        // the same subject and key, re-issued: revoking an anchor distrusts its key
        Issued reissued = cert("CN=Root,O=Test").ca().keys(root.keys()).build();
        assertFails(Chains.VALIDATOR.validate(Chains.request(leaf, List.of(intermediate), reissued)
                .revokedAnchors(List.of(revokedRoot)).build()), ReasonCode.ANCHOR_REVOKED, 2);
        // the intermediate itself trusted directly: a path that avoids the revoked anchor passes
        assertOk(Chains.VALIDATOR.validate(Chains.request(leaf, List.of(), intermediate)
                .revokedAnchors(List.of(revokedRoot)).build()));
    }

    @Test
    void aRevokedAnchorPresentedAsTheLeafIsRefused() {
        assertFails(Chains.VALIDATOR.validate(Chains.request(root, List.of(), root)
                .revokedAnchors(List.of(revokedRoot)).build()), ReasonCode.ANCHOR_REVOKED, 0);
    }
}
