package com.zeroui.kms.client.receipts;

import com.zeroui.kms.client.model.ConsistencyProof;
import com.zeroui.kms.client.model.InclusionProof;
import com.zeroui.kms.client.model.ReceiptKey;
import com.zeroui.kms.client.model.ReceiptProof;
import com.zeroui.kms.client.model.SignedTreeHead;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Checks a receipt offline (docs/audit.md): its Ed25519 signature by a trusted receipt key valid at its
 * time, its inclusion in the log under a signed tree head, that head's signature, and optionally that
 * the head extends (or equals) a tree head the caller kept earlier — so a log rewritten since then is
 * caught. Needs no connection and nothing from the server: only keys and proofs the caller holds.
 */
public final class ReceiptVerifier {
    /** Receipts are stamped when their operation starts, so a key signs from slightly before its not_before. */
    private static final Duration SIGNING_SKEW = Duration.ofMinutes(1);
    private static final String TREE_HEAD_FORMAT = "kms-tree-head/v1";

    private final Map<String, TrustedKey> keys;

    private record TrustedKey(PublicKey key, Instant notBefore, Instant notAfter) {
        boolean validAt(Instant ts) {
            return (notBefore == null || !ts.isBefore(notBefore.minus(SIGNING_SKEW))) && (notAfter == null || !ts.isAfter(notAfter));
        }
    }

    private ReceiptVerifier(Map<String, TrustedKey> keys) {
        this.keys = keys;
    }

    /** Trusts these receipt keys (from {@code GET /audit/receipt-keys}, fetched over an authenticated channel). */
    public static ReceiptVerifier trusting(List<ReceiptKey> receiptKeys) {
        Map<String, TrustedKey> trusted = new LinkedHashMap<>();
        for (ReceiptKey k : receiptKeys) {
            trusted.put(k.keyId(), new TrustedKey(publicKey(k.publicKey()), instant(k.notBefore()), instant(k.notAfter())));
        }
        return new ReceiptVerifier(trusted);
    }

    /** The receipt's signature, its inclusion under the proof's tree head, and that head's signature. */
    public void verify(ReceiptProof proof) throws ReceiptVerificationException {
        Map<String, Object> receipt = proof.receipt();
        verifyReceiptSignature(receipt);
        InclusionProof inclusion = proof.inclusionProof();
        SignedTreeHead head = proof.signedTreeHead();
        Object logIndex = receipt.get("log_index");
        if (!(logIndex instanceof Number n) || n.longValue() != inclusion.leafIndex() || proof.logIndex() != inclusion.leafIndex()) {
            throw new ReceiptVerificationException("the inclusion proof is for leaf " + inclusion.leafIndex()
                    + ", not the receipt's log_index " + logIndex);
        }
        if (inclusion.treeSize() != head.treeSize()) {
            throw new ReceiptVerificationException("the inclusion proof is for a tree of " + inclusion.treeSize()
                    + " leaves, the tree head for " + head.treeSize());
        }
        byte[] leaf = Merkle.leafHash(CanonicalJson.bytes(receipt));
        byte[] root = Merkle.rootFromInclusion(leaf, inclusion.leafIndex(), inclusion.treeSize(), hexes(inclusion.hashes()));
        if (root == null || !MessageDigest.isEqual(root, hex(head.rootHash()))) {
            throw new ReceiptVerificationException("the inclusion proof does not lead to the tree head's root: "
                    + "receipt " + receipt.get("receipt_id") + " is not in that log");
        }
        verifyTreeHead(head);
    }

    /**
     * {@link #verify(ReceiptProof)}, and that the proof's tree head and {@code trusted} (a head the caller
     * verified and kept before) are views of one log: {@code consistency} proves the smaller tree is a
     * prefix of the larger one (from {@code GET /audit/consistency?first=&second=}; null when both have one size).
     */
    public void verify(ReceiptProof proof, SignedTreeHead trusted, ConsistencyProof consistency)
            throws ReceiptVerificationException {
        verify(proof);
        verifyTreeHead(trusted);
        SignedTreeHead head = proof.signedTreeHead();
        SignedTreeHead older = trusted.treeSize() <= head.treeSize() ? trusted : head;
        SignedTreeHead newer = older == trusted ? head : trusted;
        if (older.treeSize() == newer.treeSize()) {
            if (!older.rootHash().equalsIgnoreCase(newer.rootHash())) {
                throw new ReceiptVerificationException("two tree heads of size " + older.treeSize() + " with different roots: "
                        + "the log was rewritten");
            }
            return;
        }
        if (consistency == null || consistency.first() != older.treeSize() || consistency.second() != newer.treeSize()) {
            throw new ReceiptVerificationException("a consistency proof from tree size " + older.treeSize() + " to "
                    + newer.treeSize() + " is needed");
        }
        if (!Merkle.consistent(older.treeSize(), newer.treeSize(), hex(older.rootHash()), hex(newer.rootHash()),
                hexes(consistency.hashes()))) {
            throw new ReceiptVerificationException("the tree of size " + newer.treeSize() + " does not extend the trusted one of size "
                    + older.treeSize() + ": the log was rewritten");
        }
    }

    /** The receipt's own signature by the key it names, valid at its {@code ts}. */
    public void verifyReceiptSignature(Map<String, Object> receipt) throws ReceiptVerificationException {
        Map<String, Object> content = new LinkedHashMap<>(receipt);
        Object signature = content.remove("signature");
        String keyId = Objects.toString(receipt.get("receipt_key_id"), null);
        Instant ts = instantOrFail(receipt.get("ts"), "receipt ts");
        checkSignature(keyId, ts, CanonicalJson.bytes(content), signature, "receipt " + receipt.get("receipt_id"));
    }

    /** The tree head's signature by the key it names, valid at its timestamp. */
    public void verifyTreeHead(SignedTreeHead head) throws ReceiptVerificationException {
        if (!TREE_HEAD_FORMAT.equals(head.format())) {
            throw new ReceiptVerificationException("unknown tree head format " + head.format());
        }
        Map<String, Object> content = new LinkedHashMap<>();
        content.put("format", head.format());
        content.put("tree_size", head.treeSize());
        content.put("root_hash", head.rootHash());
        content.put("timestamp", head.timestamp());
        content.put("key_id", head.keyId());
        checkSignature(head.keyId(), instantOrFail(head.timestamp(), "tree head timestamp"), CanonicalJson.bytes(content),
                head.signature(), "tree head of size " + head.treeSize());
    }

    private void checkSignature(String keyId, Instant ts, byte[] signed, Object signature, String what)
            throws ReceiptVerificationException {
        TrustedKey key = keyId == null ? null : keys.get(keyId);
        if (key == null) {
            throw new ReceiptVerificationException(what + " is signed by " + keyId + ", which is not a trusted receipt key");
        }
        if (!key.validAt(ts)) {
            throw new ReceiptVerificationException("receipt key " + keyId + " was not valid at " + ts + " (" + what + ")");
        }
        boolean valid;
        try {
            Signature ed = Signature.getInstance("Ed25519");
            ed.initVerify(key.key());
            ed.update(signed);
            valid = signature instanceof String s && ed.verify(Base64.getDecoder().decode(s));
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            valid = false;
        }
        if (!valid) {
            throw new ReceiptVerificationException("the signature of " + what + " does not verify");
        }
    }

    private static PublicKey publicKey(String pem) {
        String b64 = pem.replaceAll("-----(BEGIN|END) PUBLIC KEY-----", "").replaceAll("\\s", "");
        try {
            return KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(Base64.getDecoder().decode(b64)));
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new IllegalArgumentException("a receipt key is not an Ed25519 SPKI PEM: " + e.getMessage(), e);
        }
    }

    private static Instant instant(String iso) {
        return iso == null ? null : Instant.parse(iso);
    }

    private static Instant instantOrFail(Object iso, String what) throws ReceiptVerificationException {
        try {
            return Instant.parse(Objects.toString(iso));
        } catch (DateTimeParseException e) {
            throw new ReceiptVerificationException(what + " is not an ISO-8601 instant: " + iso);
        }
    }

    private static byte[] hex(String h) throws ReceiptVerificationException {
        try {
            return HexFormat.of().parseHex(h);
        } catch (IllegalArgumentException e) {
            throw new ReceiptVerificationException("not a hex hash: " + h);
        }
    }

    private static List<byte[]> hexes(List<String> hashes) throws ReceiptVerificationException {
        try {
            return Merkle.hexList(hashes);
        } catch (IllegalArgumentException e) {
            throw new ReceiptVerificationException("an audit path hash is not hex");
        }
    }
}
