package com.zeroui.kms.client;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zeroui.kms.client.model.ConsistencyProof;
import com.zeroui.kms.client.model.InclusionProof;
import com.zeroui.kms.client.model.NewKey;
import com.zeroui.kms.client.model.ReceiptKey;
import com.zeroui.kms.client.model.ReceiptProof;
import com.zeroui.kms.client.model.SignedTreeHead;
import com.zeroui.kms.client.receipts.ReceiptVerificationException;
import com.zeroui.kms.client.receipts.ReceiptVerifier;
import com.zeroui.kms.support.TestNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Receipts the real service wrote, verified by the client alone (its own JCS, Merkle and Ed25519 code,
 * nothing from the server): genuine ones pass, each kind of tampering fails at the check it breaks.
 */
class ReceiptVerifierIT {
    static TestNode node;
    static KmsClient kms;
    static ReceiptVerifier verifier;

    @BeforeAll
    static void start() {
        node = TestNode.start();
        kms = ClientsForTests.module(node, "M21", "acme", new Scope("acme", "dev", "tenant"));
        verifier = ReceiptVerifier.trusting(kms.audit().receiptKeys().keys());
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    private static String signSomething() {
        String keyId = kms.keys().create(NewKey.of("Ed25519", "sign", "verify")).keyId();
        return kms.crypto().sign(keyId, new byte[] {1, 2, 3}, null).receiptId();
    }

    @Test
    void aGenuineReceiptVerifiesOffline() {
        ReceiptProof proof = kms.audit().receipt(signSomething());
        assertThatCode(() -> verifier.verify(proof)).doesNotThrowAnyException();
    }

    @Test
    void anAlteredReceiptFailsItsSignature() {
        ReceiptProof proof = kms.audit().receipt(signSomething());
        Map<String, Object> altered = new LinkedHashMap<>(proof.receipt());
        altered.put("tenant_id", "someone-else");
        assertThatThrownBy(() -> verifier.verify(new ReceiptProof(altered, proof.logIndex(), proof.inclusionProof(), proof.signedTreeHead())))
                .isInstanceOf(ReceiptVerificationException.class).hasMessageContaining("signature of receipt");
    }

    @Test
    void aReceiptNotInTheLogFailsTheInclusionProof() {
        ReceiptProof proof = kms.audit().receipt(signSomething());
        InclusionProof p = proof.inclusionProof();
        List<String> hashes = new ArrayList<>(p.hashes());
        if (hashes.isEmpty()) {
            proof = kms.audit().receipt(signSomething()); // a log of one leaf has no path to alter
            p = proof.inclusionProof();
            hashes = new ArrayList<>(p.hashes());
        }
        hashes.set(0, "00".repeat(32));
        ReceiptProof forged = new ReceiptProof(proof.receipt(), proof.logIndex(), new InclusionProof(p.leafIndex(), p.treeSize(), hashes),
                proof.signedTreeHead());
        assertThatThrownBy(() -> verifier.verify(forged)).isInstanceOf(ReceiptVerificationException.class)
                .hasMessageContaining("does not lead to the tree head's root");
    }

    @Test
    void aTreeHeadWithAnotherRootFailsItsSignature() {
        ReceiptProof proof = kms.audit().receipt(signSomething());
        SignedTreeHead h = proof.signedTreeHead();
        SignedTreeHead forged = new SignedTreeHead(h.format(), h.treeSize(), "ab".repeat(32), h.timestamp(), h.keyId(), h.signature());
        assertThatThrownBy(() -> verifier.verifyTreeHead(forged)).isInstanceOf(ReceiptVerificationException.class)
                .hasMessageContaining("signature of tree head");
    }

    @Test
    void untrustedReceiptKeysAreRefused() {
        ReceiptProof proof = kms.audit().receipt(signSomething());
        ReceiptVerifier trustingNothing = ReceiptVerifier.trusting(List.<ReceiptKey>of());
        assertThatThrownBy(() -> trustingNothing.verify(proof)).isInstanceOf(ReceiptVerificationException.class)
                .hasMessageContaining("not a trusted receipt key");
    }

    @Test
    void aLaterReceiptIsConsistentWithAHeadKeptEarlier() {
        signSomething();
        SignedTreeHead kept = kms.audit().treeHead();
        ReceiptProof later = kms.audit().receipt(signSomething());
        ConsistencyProof consistency = kms.audit().consistency(kept.treeSize(), later.signedTreeHead().treeSize());

        assertThatCode(() -> verifier.verify(later, kept, consistency)).doesNotThrowAnyException();

        // a proof that does not connect the two trees, or none at all, is refused
        List<String> broken = new ArrayList<>(consistency.hashes());
        broken.set(broken.size() - 1, "00".repeat(32));
        assertThatThrownBy(() -> verifier.verify(later, kept, new ConsistencyProof(consistency.first(), consistency.second(), broken)))
                .isInstanceOf(ReceiptVerificationException.class).hasMessageContaining("does not extend the trusted one");
        assertThatThrownBy(() -> verifier.verify(later, kept, null))
                .isInstanceOf(ReceiptVerificationException.class).hasMessageContaining("consistency proof");
    }
}
