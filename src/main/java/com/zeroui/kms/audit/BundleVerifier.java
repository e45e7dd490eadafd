package com.zeroui.kms.audit;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.zeroui.kms.crypto.CryptoSuite;
import com.zeroui.kms.crypto.KeyType;
import com.zeroui.kms.crypto.SignatureAlgorithm;
import com.zeroui.kms.trust.Pem;
import java.io.IOException;
import java.io.InputStream;
import java.security.PublicKey;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Comparator;
import java.util.Deque;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Checks an audit bundle ({@link BundleExporter}) with nothing but the bundle, or with receipt keys
 * the caller trusts: every receipt in order must carry its position as {@code log_index} and a
 * valid Ed25519 signature of the receipt key it names over its canonical JSON without
 * {@code signature}; the RFC 9162 tree is recomputed from the receipts, and every signed tree head
 * must be signed by a receipt key and match the recomputed root at its size. Stops at the first
 * problem, which names the receipt index or tree head size where the log stops being what was
 * signed. Receipts are streamed: memory stays O(log n) in the number of receipts.
 */
public final class BundleVerifier {
    private static final TypeReference<LinkedHashMap<String, Object>> MAP = new TypeReference<>() {
    };

    private final CryptoSuite crypto;
    private final ObjectMapper mapper = new ObjectMapper();

    public BundleVerifier(CryptoSuite crypto) {
        this.crypto = crypto;
    }

    public enum Subject { RECEIPT, TREE_HEAD, BUNDLE }

    /** What is wrong, and where: a receipt index, a tree head's size, or the bundle as a whole. */
    public record Problem(Subject subject, long index, String reason) {
        public String message() {
            return switch (subject) {
                case RECEIPT -> "index " + index + ": " + reason;
                case TREE_HEAD -> "tree head " + index + ": " + reason;
                case BUNDLE -> "bundle: " + reason;
            };
        }
    }

    /** Receipts and heads verified (up to the problem, if any) and the receipt keys that signed them. */
    public record Result(long receipts, int treeHeads, Set<String> keyIds, Problem problem) {
        public boolean ok() {
            return problem == null;
        }
    }

    /** Verifies with the receipt keys the bundle itself carries. */
    public Result verify(InputStream bundle) throws IOException {
        return verify(bundle, null);
    }

    /**
     * Verifies with {@code trustedKeys} (key id → public key) instead of the bundle's own keys, so
     * that whoever could rewrite the bundle (or the database it came from) cannot also choose the
     * keys it is checked with. Null means: trust the bundle's keys.
     */
    public Result verify(InputStream bundle, Map<String, PublicKey> trustedKeys) throws IOException {
        Run run = new Run(trustedKeys);
        try (JsonParser parser = mapper.getFactory().createParser(bundle)) {
            run.bundle(parser);
        } catch (Failure f) {
            return run.result(f.problem);
        } catch (JsonProcessingException e) {
            String reason = "malformed JSON: " + e.getOriginalMessage();
            return run.result(run.inReceipts ? new Problem(Subject.RECEIPT, run.receipts, reason)
                    : new Problem(Subject.BUNDLE, 0, reason));
        }
        return run.result(null);
    }

    /**
     * Receipt keys as {@code GET /kms/v1/audit/receipt-keys} publishes them:
     * {@code {"keys": [{"key_id", "algorithm": "EdDSA", "public_key": PEM}, ...]}}.
     */
    public Map<String, PublicKey> readKeyList(InputStream json) throws IOException {
        JsonNode root = mapper.readTree(json);
        try {
            if (root == null || !root.isObject()) {
                throw bundleFailure("expected a JSON object with \"keys\"");
            }
            return readKeys(root.get("keys"), "keys");
        } catch (Failure f) {
            throw new IOException(f.problem.reason());
        }
    }

    private Map<String, PublicKey> readKeys(JsonNode array, String where) throws Failure {
        if (array == null || !array.isArray()) {
            throw bundleFailure(where + " must be an array");
        }
        Map<String, PublicKey> keys = new LinkedHashMap<>();
        for (int i = 0; i < array.size(); i++) {
            JsonNode k = array.get(i);
            String keyId = text(k, "key_id");
            String algorithm = text(k, "algorithm");
            String pem = text(k, "public_key");
            if (keyId == null || pem == null || !SignatureAlgorithm.EDDSA.apiName().equals(algorithm)) {
                throw bundleFailure(where + "[" + i + "] needs key_id, algorithm \"EdDSA\" and public_key");
            }
            try {
                if (keys.put(keyId, crypto.publicKey(KeyType.ED25519, Pem.parsePublicKey(pem))) != null) {
                    throw bundleFailure(where + " lists key " + keyId + " twice");
                }
            } catch (IllegalArgumentException | IllegalStateException e) {
                throw bundleFailure("receipt key " + keyId + " is not an Ed25519 public key");
            }
        }
        return keys;
    }

    private record Head(long treeSize, String rootHash, String keyId, byte[] signature, Map<String, Object> content) {
    }

    /** The state of one verification. */
    private final class Run {
        private final Map<String, PublicKey> trusted;
        private Map<String, PublicKey> keys;
        private final Set<String> usedKeys = new TreeSet<>();
        private Deque<Head> pendingHeads;
        private final MerkleFrontier tree = new MerkleFrontier();
        private boolean inReceipts;
        private long receipts;
        private int headsVerified;

        Run(Map<String, PublicKey> trusted) {
            this.trusted = trusted;
        }

        Result result(Problem problem) {
            return new Result(receipts, headsVerified, usedKeys, problem);
        }

        void bundle(JsonParser p) throws IOException, Failure {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw bundleFailure("not a JSON object");
            }
            String format = null;
            Long declaredSize = null;
            boolean sawReceipts = false;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken value = p.nextToken();
                switch (field) {
                    case "format" -> format = p.getValueAsString();
                    case "exported_at" -> p.skipChildren();
                    case "tree_size" -> declaredSize = value == JsonToken.VALUE_NUMBER_INT ? p.getLongValue() : null;
                    case "receipt_keys" -> keys = readKeys(mapper.readTree(p), "receipt_keys");
                    case "tree_heads" -> pendingHeads = readHeads(mapper.readTree(p));
                    case "receipts" -> {
                        if (!BundleExporter.FORMAT.equals(format)) {
                            throw bundleFailure("format must be " + BundleExporter.FORMAT + " (before receipts), found " + format);
                        }
                        if (declaredSize == null || keys == null || pendingHeads == null) {
                            throw bundleFailure("tree_size, receipt_keys and tree_heads must precede receipts");
                        }
                        pinKeys();
                        receipts(p, declaredSize);
                        sawReceipts = true;
                    }
                    default -> throw bundleFailure("unknown field " + field);
                }
            }
            if (!sawReceipts) {
                throw bundleFailure("no receipts");
            }
        }

        /** With trusted keys, those are the only ones used; the bundle's own must not contradict them. */
        private void pinKeys() throws Failure {
            if (trusted == null) {
                return;
            }
            for (Map.Entry<String, PublicKey> k : keys.entrySet()) {
                PublicKey pinned = trusted.get(k.getKey());
                if (pinned != null && !Arrays.equals(pinned.getEncoded(), k.getValue().getEncoded())) {
                    throw bundleFailure("receipt key " + k.getKey() + " in the bundle differs from the trusted key");
                }
            }
            keys = trusted;
        }

        private void receipts(JsonParser p, long declaredSize) throws IOException, Failure {
            if (p.currentToken() != JsonToken.START_ARRAY) {
                throw bundleFailure("receipts must be an array");
            }
            inReceipts = true;
            checkHeadsAtCurrentSize();
            for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken()) {
                if (t == null) {
                    throw receiptFailure(receipts, "bundle ends inside the receipts");
                }
                if (receipts >= declaredSize) {
                    throw receiptFailure(receipts, "beyond the declared log size " + declaredSize);
                }
                byte[] leaf = receipt(receipts, mapper.readTree(p));
                tree.append(MerkleHash.leaf(leaf));
                receipts++;
                checkHeadsAtCurrentSize();
            }
            inReceipts = false;
            if (receipts < declaredSize) {
                throw receiptFailure(receipts, "missing: the bundle declares " + declaredSize + " receipts");
            }
            if (!pendingHeads.isEmpty()) {
                throw new Failure(new Problem(Subject.TREE_HEAD, pendingHeads.peek().treeSize(),
                        "beyond the end of the log (" + receipts + " receipts)"));
            }
        }

        /** Checks one receipt at {@code index}; returns the leaf it contributes (its canonical JSON). */
        private byte[] receipt(long index, JsonNode node) throws Failure {
            if (node == null || !node.isObject()) {
                throw receiptFailure(index, "not a JSON object");
            }
            Map<String, Object> receipt = mapper.convertValue(node, MAP);
            Object format = receipt.get("format");
            if (!ReceiptDraft.FORMAT.equals(format)) {
                throw receiptFailure(index, "unsupported receipt format " + format);
            }
            Object logIndex = receipt.get("log_index");
            if (!(logIndex instanceof Integer || logIndex instanceof Long)) {
                throw receiptFailure(index, "log_index is missing or not an integer");
            }
            if (((Number) logIndex).longValue() != index) {
                throw receiptFailure(index, "expected log_index " + index + ", found " + logIndex);
            }
            Object signature = receipt.remove("signature");
            byte[] signatureBytes = base64(signature);
            if (signatureBytes == null) {
                throw receiptFailure(index, "signature is missing or not base64");
            }
            Object keyId = receipt.get("receipt_key_id");
            PublicKey key = keyId instanceof String id ? keys.get(id) : null;
            if (key == null) {
                throw receiptFailure(index, unknownKey(keyId));
            }
            try {
                if (!crypto.verify(SignatureAlgorithm.EDDSA, key, CanonicalJson.bytes(receipt), signatureBytes)) {
                    throw receiptFailure(index, "signature does not verify");
                }
                usedKeys.add((String) keyId);
                receipt.put("signature", signature);
                return CanonicalJson.bytes(receipt);
            } catch (IllegalArgumentException e) {
                throw receiptFailure(index, "not canonicalizable JSON: " + e.getMessage());
            }
        }

        private void checkHeadsAtCurrentSize() throws Failure {
            while (!pendingHeads.isEmpty() && pendingHeads.peek().treeSize() == receipts) {
                Head head = pendingHeads.poll();
                PublicKey key = keys.get(head.keyId());
                if (key == null) {
                    throw headFailure(head, unknownKey(head.keyId()));
                }
                byte[] signed;
                try {
                    signed = CanonicalJson.bytes(head.content());
                } catch (IllegalArgumentException e) {
                    throw headFailure(head, "not canonicalizable JSON: " + e.getMessage());
                }
                if (!crypto.verify(SignatureAlgorithm.EDDSA, key, signed, head.signature())) {
                    throw headFailure(head, "signature does not verify");
                }
                String recomputed = HexFormat.of().formatHex(tree.root());
                if (!recomputed.equals(head.rootHash())) {
                    throw headFailure(head, "root mismatch: signed " + head.rootHash() + ", recomputed " + recomputed);
                }
                usedKeys.add(head.keyId());
                headsVerified++;
            }
        }

        private String unknownKey(Object keyId) {
            if (!(keyId instanceof String)) {
                return "receipt_key_id is missing";
            }
            return "receipt key " + keyId + (trusted == null ? " is not in the bundle" : " is not trusted");
        }

        private Deque<Head> readHeads(JsonNode array) throws Failure {
            if (array == null || !array.isArray()) {
                throw bundleFailure("tree_heads must be an array");
            }
            List<Head> heads = new ArrayList<>();
            for (int i = 0; i < array.size(); i++) {
                JsonNode h = array.get(i);
                JsonNode size = h.get("tree_size");
                String root = text(h, "root_hash");
                String keyId = text(h, "key_id");
                byte[] signature = base64(text(h, "signature"));
                if (size == null || !size.canConvertToExactIntegral() || !size.canConvertToLong() || size.asLong() < 0
                        || root == null || keyId == null || signature == null) {
                    throw bundleFailure("tree_heads[" + i + "] needs tree_size, root_hash, key_id and a base64 signature");
                }
                Map<String, Object> content = mapper.convertValue(h, MAP);
                content.remove("signature");
                heads.add(new Head(size.asLong(), root, keyId, signature, content));
            }
            heads.sort(Comparator.comparingLong(Head::treeSize));
            return new ArrayDeque<>(heads);
        }
    }

    private static String text(JsonNode node, String field) {
        JsonNode v = node == null ? null : node.get(field);
        return v != null && v.isTextual() ? v.asText() : null;
    }

    private static byte[] base64(Object value) {
        if (!(value instanceof String s)) {
            return null;
        }
        try {
            return Base64.getDecoder().decode(s);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static Failure bundleFailure(String reason) {
        return new Failure(new Problem(Subject.BUNDLE, 0, reason));
    }

    private static Failure receiptFailure(long index, String reason) {
        return new Failure(new Problem(Subject.RECEIPT, index, reason));
    }

    private static Failure headFailure(Head head, String reason) {
        return new Failure(new Problem(Subject.TREE_HEAD, head.treeSize(), reason));
    }

    /** Ends a verification at its first problem. */
    private static final class Failure extends Exception {
        private final Problem problem;

        Failure(Problem problem) {
            super(problem.message(), null, false, false);
            this.problem = problem;
        }
    }
}
