package com.zeroui.kms.audit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.zeroui.kms.crypto.CryptoSuite;
import com.zeroui.kms.crypto.SignatureAlgorithm;
import java.io.IOException;
import java.io.InputStream;
import java.security.PublicKey;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Optional;

/**
 * A signed tree head a relying party saved earlier (the body of {@code GET /kms/v1/audit/tree-head},
 * or a {@code tree_head_signed} event): an outside witness of what the log was. A later export
 * must extend it — hold at least as many receipts and produce the same root at its size — or the
 * log was cut back or forked after the head was published.
 */
public record TrustedHead(TreeHead head) {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Reads a head in the published form: format, tree_size, root_hash, timestamp, key_id, signature. */
    public static TrustedHead read(InputStream in) throws IOException {
        JsonNode node = JSON.readTree(in);
        if (node == null || !node.isObject() || !TreeHead.FORMAT.equals(node.path("format").asText())) {
            throw new IOException("not a signed tree head (format " + TreeHead.FORMAT + ")");
        }
        JsonNode size = node.get("tree_size");
        String root = node.path("root_hash").asText(null);
        String keyId = node.path("key_id").asText(null);
        String signature = node.path("signature").asText(null);
        if (size == null || !size.isIntegralNumber() || !size.canConvertToLong() || size.asLong() < 0 || root == null
                || !root.matches("[0-9a-f]{64}") || keyId == null || signature == null) {
            throw new IOException("a signed tree head needs tree_size, root_hash (64 hex digits), timestamp, key_id and"
                    + " signature");
        }
        try {
            return new TrustedHead(new TreeHead(size.asLong(), root, Instant.parse(node.path("timestamp").asText()), keyId,
                    signature));
        } catch (DateTimeParseException e) {
            throw new IOException("the tree head's timestamp is not an ISO-8601 instant");
        }
    }

    /**
     * Why the verified {@code chain} does not extend this head, naming the sizes, or empty when it
     * does. The head must verify with a receipt key the files were checked with.
     */
    public Optional<String> problem(ChainVerifier.Result chain, CryptoSuite crypto) {
        long size = head.treeSize();
        String signed = "the trusted head of tree size " + size + " (signed " + head.timestamp() + ")";
        PublicKey key = chain.keys().get(head.keyId());
        if (key == null) {
            return Optional.of(signed + " is signed by key " + head.keyId() + ", which is not a receipt key of the files"
                    + " (or the trusted keys)");
        }
        byte[] signature;
        try {
            signature = Base64.getDecoder().decode(head.signatureBase64());
        } catch (IllegalArgumentException e) {
            signature = new byte[0];
        }
        if (!crypto.verify(SignatureAlgorithm.EDDSA, key, CanonicalJson.bytes(head.content()), signature)) {
            return Optional.of(signed + ": its signature does not verify with receipt key " + head.keyId());
        }
        if (size > chain.endIndex()) {
            return Optional.of("the log holds " + chain.endIndex() + " receipts, fewer than the " + size + " of " + signed
                    + ": it was cut back after that head was published, or the export is older than the head");
        }
        if (size < chain.firstIndex()) {
            return Optional.of(signed + " lies before index " + chain.firstIndex() + ", where the files start: pass the"
                    + " archives that cover it first");
        }
        String recomputed = chain.rootAtProbe().map(HexFormat.of()::formatHex).orElse("(not computed)");
        if (!recomputed.equals(head.rootHashHex())) {
            return Optional.of("at tree size " + size + " the log's root is " + recomputed + ", but " + signed + " signs "
                    + head.rootHashHex() + ": the log of " + chain.endIndex() + " receipts does not extend that head");
        }
        return Optional.empty();
    }
}
