package com.zeroui.kms.audit;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.zeroui.kms.crypto.CryptoSuite;
import com.zeroui.kms.crypto.KeyType;
import com.zeroui.kms.crypto.Pem;
import com.zeroui.kms.crypto.SignatureAlgorithm;
import java.io.BufferedInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
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
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Checks an export bundle or a sealed archive ({@link BundleExporter}) with nothing but the file, or
 * with receipt keys the caller trusts: every receipt in order must carry its position as
 * {@code log_index} and a valid Ed25519 signature of the receipt key it names over its canonical
 * JSON without {@code signature}; the RFC 9162 tree is recomputed from the start frontier and the
 * receipts, and every signed tree head must be signed by a receipt key and match the recomputed
 * root at its size. An archive must end at a signed head. Where the file names the receipt that
 * recorded the previous seal, that receipt must be there and commit to the previous archive. Stops
 * at the first problem, which names the receipt index or tree head size where the log stops being
 * what was signed. Receipts are streamed: memory stays O(log n) in the number of receipts (plus the
 * heads, which are listed before them).
 */
public final class BundleVerifier {
    private static final TypeReference<LinkedHashMap<String, Object>> MAP = new TypeReference<>() {
    };

    private final CryptoSuite crypto;
    private final ObjectMapper mapper = new ObjectMapper();
    /** Validity of trusted keys, by id; a key without one is not restricted in time. */
    private final Map<String, Window> trustedWindows;

    public BundleVerifier(CryptoSuite crypto) {
        this(crypto, Map.of());
    }

    private BundleVerifier(CryptoSuite crypto, Map<String, Window> trustedWindows) {
        this.crypto = crypto;
        this.trustedWindows = Map.copyOf(trustedWindows);
    }

    /**
     * When a receipt key was valid for signing (either end may be open): a receipt or head verifies
     * only with a key valid at its timestamp, within {@link ReceiptKeyring#SIGNING_SKEW}.
     */
    public record Window(java.time.Instant notBefore, java.time.Instant notAfter) {
        boolean validAt(java.time.Instant ts) {
            return ReceiptKeyring.validAt(notBefore, notAfter, ts);
        }

        @Override
        public String toString() {
            return "valid from " + (notBefore == null ? "the start" : notBefore) + " to "
                    + (notAfter == null ? "now" : notAfter);
        }
    }

    /** This verifier, restricting trusted keys to the validity {@link #readKeyWindows} read. */
    public BundleVerifier withTrustedWindows(Map<String, Window> windows) {
        return new BundleVerifier(crypto, windows);
    }

    public enum Subject { RECEIPT, TREE_HEAD, BUNDLE, ARCHIVE }

    /** What is wrong, and where: a receipt index, a tree head's size, or the file as a whole. */
    public record Problem(Subject subject, long index, String reason) {
        public String message() {
            return switch (subject) {
                case RECEIPT -> "index " + index + ": " + reason;
                case TREE_HEAD -> "tree head " + index + ": " + reason;
                case BUNDLE -> "bundle: " + reason;
                case ARCHIVE -> "archive: " + reason;
            };
        }
    }

    /** The archive a file says precedes it, as recorded when that archive was sealed. */
    public record PreviousArchive(String file, String sha256, long firstIndex, long endIndex, String rootHash,
                                  Long sealReceiptIndex) {
    }

    /** A receipt that must sit at a given index: the audit_sealed receipt committing to {@code archive}. */
    public record ExpectedSealReceipt(String archive, String requestDigest) {
    }

    /**
     * Which range the file covers and how it joins its neighbours: the frontier it starts from and
     * the one its receipts end at, the archive it names as previous, seal receipts confirmed in it,
     * and those it expects beyond its end (index → expectation).
     */
    public record Segment(String format, long firstIndex, long endIndex, PreviousArchive previous,
                          List<MerkleFrontier.Node> startFrontier, List<MerkleFrontier.Node> endFrontier,
                          int sealReceiptsConfirmed, Map<Long, ExpectedSealReceipt> pendingSealReceipts) {
        public boolean isArchive() {
            return BundleExporter.ARCHIVE_FORMAT.equals(format);
        }
    }

    /**
     * Receipts and heads verified (up to the problem, if any) and the receipt keys that signed them;
     * {@code keys} are the keys checked with (the trusted ones, or the file's own), and
     * {@code rootAtProbe} the recomputed root at the tree size asked for, if the file reaches it.
     */
    public record Result(long receipts, int treeHeads, Set<String> keyIds, Problem problem, Segment segment,
                         Map<String, PublicKey> keys, byte[] rootAtProbe) {
        public boolean ok() {
            return problem == null;
        }
    }

    /** Verifies with the receipt keys the bundle itself carries. */
    public Result verify(InputStream bundle) throws IOException {
        return verify(bundle, null);
    }

    public Result verify(InputStream bundle, Map<String, PublicKey> trustedKeys) throws IOException {
        return verify(bundle, trustedKeys, Map.of());
    }

    /**
     * Verifies with {@code trustedKeys} (key id → public key) instead of the bundle's own keys, so
     * that whoever could rewrite the bundle (or the database it came from) cannot also choose the
     * keys it is checked with. Null means: trust the bundle's keys. {@code expected} names receipts
     * an earlier file of a chain expects here (see {@link Segment#pendingSealReceipts}).
     */
    public Result verify(InputStream bundle, Map<String, PublicKey> trustedKeys,
                         Map<Long, ExpectedSealReceipt> expected) throws IOException {
        return verify(bundle, trustedKeys, expected, -1);
    }

    /** As above, also recording the root of the tree of {@code probeSize} receipts if the file covers it. */
    public Result verify(InputStream bundle, Map<String, PublicKey> trustedKeys,
                         Map<Long, ExpectedSealReceipt> expected, long probeSize) throws IOException {
        Run run = new Run(trustedKeys, expected, probeSize);
        try (JsonParser parser = mapper.getFactory().createParser(bundle)) {
            run.bundle(parser);
        } catch (Failure f) {
            return run.result(f.problem);
        } catch (JsonProcessingException e) {
            String reason = "malformed JSON: " + e.getOriginalMessage();
            return run.result(run.inReceipts ? new Problem(Subject.RECEIPT, run.next, reason)
                    : run.fileProblem(reason));
        }
        return run.result(null);
    }

    /** A verified file and the SHA-256 of all its bytes (what a seal record and the next archive pin). */
    public record FileResult(Result result, String sha256) {
    }

    /** Verifies a file, hashing every byte of it on the way. */
    public FileResult verifyFile(Path file, Map<String, PublicKey> trustedKeys, Map<Long, ExpectedSealReceipt> expected)
            throws IOException {
        return verifyFile(file, trustedKeys, expected, -1);
    }

    /** Verifies a file, hashing it, and records the root at {@code probeSize} (see {@link #verify}). */
    public FileResult verifyFile(Path file, Map<String, PublicKey> trustedKeys, Map<Long, ExpectedSealReceipt> expected,
                                 long probeSize) throws IOException {
        try (InputStream source = Files.newInputStream(file)) {
            return verifyStream(source, trustedKeys, expected, probeSize);
        }
    }

    /** As {@link #verifyFile}, over a stream (an archive store's object), hashing every byte of it. */
    public FileResult verifyStream(InputStream source, Map<String, PublicKey> trustedKeys,
                                   Map<Long, ExpectedSealReceipt> expected, long probeSize) throws IOException {
        MessageDigest sha = sha256();
        try (InputStream in = new DigestInputStream(new BufferedInputStream(source), sha)) {
            Result result = verify(new FilterInputStream(in) {
                @Override
                public void close() {
                    // the parser closes its source; the rest of the file must still be hashed
                }
            }, trustedKeys, expected, probeSize);
            in.transferTo(OutputStream.nullOutputStream());
            return new FileResult(result, HexFormat.of().formatHex(sha.digest()));
        }
    }

    /** An Ed25519 public key from its SPKI encoding, as the verifier uses it. */
    public PublicKey receiptKey(byte[] spki) {
        return crypto.publicKey(KeyType.ED25519, spki);
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
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

    /** The validity (not_before / not_after) of each key of a published key list that states one. */
    public Map<String, Window> readKeyWindows(InputStream json) throws IOException {
        JsonNode root = mapper.readTree(json);
        try {
            Map<String, Window> windows = new LinkedHashMap<>();
            readWindows(root == null ? null : root.get("keys"), "keys", windows);
            return windows;
        } catch (Failure f) {
            throw new IOException(f.problem.reason());
        }
    }

    private static void readWindows(JsonNode array, String where, Map<String, Window> out) throws Failure {
        if (array == null || !array.isArray()) {
            return;
        }
        for (int i = 0; i < array.size(); i++) {
            JsonNode k = array.get(i);
            if (!receiptKey(k)) {
                continue;
            }
            try {
                java.time.Instant notBefore = instant(k.get("not_before"));
                java.time.Instant notAfter = instant(k.get("not_after"));
                if ((notBefore != null || notAfter != null) && text(k, "key_id") != null) {
                    out.put(text(k, "key_id"), new Window(notBefore, notAfter));
                }
            } catch (java.time.format.DateTimeParseException e) {
                throw bundleFailure(where + "[" + i + "]: not_before and not_after must be ISO-8601 instants or null");
            }
        }
    }

    /**
     * Whether a listed key signs receipts: every key of {@code /audit/receipt-keys} does; of {@code
     * GET /kms/v1/service-keys}, only those with {@code purpose: "receipt"} (an approval or trust-bundle
     * key never signs receipts, so a list of all service keys can be passed as it is).
     */
    private static boolean receiptKey(JsonNode k) {
        JsonNode purpose = k == null ? null : k.get("purpose");
        return purpose == null || purpose.isNull() || "receipt".equals(purpose.asText());
    }

    private static java.time.Instant instant(JsonNode value) {
        return value == null || value.isNull() ? null : java.time.Instant.parse(value.asText());
    }

    private Map<String, PublicKey> readKeys(JsonNode array, String where) throws Failure {
        if (array == null || !array.isArray()) {
            throw bundleFailure(where + " must be an array");
        }
        Map<String, PublicKey> keys = new LinkedHashMap<>();
        for (int i = 0; i < array.size(); i++) {
            JsonNode k = array.get(i);
            if (!receiptKey(k)) {
                continue;
            }
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
        private final Map<Long, ExpectedSealReceipt> expected;
        private Map<String, PublicKey> keys;
        private final Map<String, Window> windows = new LinkedHashMap<>();
        private final Set<String> usedKeys = new TreeSet<>();
        private Deque<Head> pendingHeads;
        private MerkleFrontier tree = new MerkleFrontier();
        private List<MerkleFrontier.Node> startFrontier = List.of();
        private String format;
        private long firstIndex;
        private PreviousArchive previous;
        private boolean inReceipts;
        /** Index of the next receipt: first_index plus the receipts verified so far. */
        private long next;
        private int headsVerified;
        private long lastHeadSize = -1;
        private int sealReceiptsConfirmed;
        private final long probe;
        private byte[] rootAtProbe;

        Run(Map<String, PublicKey> trusted, Map<Long, ExpectedSealReceipt> expected, long probe) {
            this.trusted = trusted;
            this.expected = new TreeMap<>(expected);
            this.probe = probe;
        }

        Result result(Problem problem) {
            Segment segment = new Segment(format, firstIndex, next, previous, startFrontier, tree.edge(),
                    sealReceiptsConfirmed, Map.copyOf(expected));
            Map<String, PublicKey> checkedWith = keys == null ? Map.of() : Map.copyOf(keys);
            return new Result(next - firstIndex, headsVerified, usedKeys, problem, segment, checkedWith,
                    problem == null ? rootAtProbe : null);
        }

        private void probe() {
            if (next == probe) {
                rootAtProbe = tree.root();
            }
        }

        /** "archive" or "bundle", for messages. */
        String kind() {
            return BundleExporter.ARCHIVE_FORMAT.equals(format) ? "archive" : "bundle";
        }

        Problem fileProblem(String reason) {
            return new Problem(BundleExporter.ARCHIVE_FORMAT.equals(format) ? Subject.ARCHIVE : Subject.BUNDLE, 0, reason);
        }

        Failure fileFailure(String reason) {
            return new Failure(fileProblem(reason));
        }

        void bundle(JsonParser p) throws IOException, Failure {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw fileFailure("not a JSON object");
            }
            Long declaredSize = null;
            JsonNode frontier = null;
            boolean sawReceipts = false;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken value = p.nextToken();
                switch (field) {
                    case "format" -> format = p.getValueAsString();
                    case "exported_at", "sealed_at" -> p.skipChildren();
                    case "first_index" -> firstIndex = value == JsonToken.VALUE_NUMBER_INT ? p.getLongValue() : -1;
                    case "tree_size" -> declaredSize = value == JsonToken.VALUE_NUMBER_INT ? p.getLongValue() : null;
                    case "previous_archive" -> previous = readPrevious(mapper.readTree(p));
                    case "start_frontier" -> frontier = mapper.readTree(p);
                    case "receipt_keys" -> {
                        JsonNode list = mapper.readTree(p);
                        keys = readKeys(list, "receipt_keys");
                        readWindows(list, "receipt_keys", windows);
                    }
                    case "tree_heads" -> pendingHeads = readHeads(mapper.readTree(p));
                    case "receipts" -> {
                        if (!BundleExporter.FORMAT.equals(format) && !BundleExporter.ARCHIVE_FORMAT.equals(format)) {
                            throw fileFailure("format must be " + BundleExporter.FORMAT + " or " + BundleExporter.ARCHIVE_FORMAT
                                    + " (before receipts), found " + format);
                        }
                        if (declaredSize == null || keys == null || pendingHeads == null) {
                            throw fileFailure("tree_size, receipt_keys and tree_heads must precede receipts");
                        }
                        start(declaredSize, frontier);
                        pinKeys();
                        receipts(p, declaredSize);
                        sawReceipts = true;
                    }
                    default -> throw fileFailure("unknown field " + field);
                }
            }
            if (!sawReceipts) {
                throw fileFailure("no receipts");
            }
        }

        /** Sets the tree up at first_index from the start frontier (a bundle of the whole log has none). */
        private void start(long declaredSize, JsonNode frontier) throws Failure {
            if (firstIndex < 0 || firstIndex > declaredSize) {
                throw fileFailure("first_index must be an integer between 0 and tree_size " + declaredSize);
            }
            List<MerkleFrontier.Node> nodes = new ArrayList<>();
            if (frontier != null) {
                if (!frontier.isArray()) {
                    throw fileFailure("start_frontier must be an array");
                }
                for (int i = 0; i < frontier.size(); i++) {
                    JsonNode n = frontier.get(i);
                    JsonNode level = n.get("level");
                    JsonNode index = n.get("index");
                    byte[] hash = hex(text(n, "hash"));
                    if (level == null || !level.canConvertToInt() || !level.isIntegralNumber() || index == null
                            || !index.isIntegralNumber() || !index.canConvertToLong() || hash == null) {
                        throw fileFailure("start_frontier[" + i + "] needs an integer level and index and a hex hash");
                    }
                    nodes.add(new MerkleFrontier.Node(level.asInt(), index.asLong(), hash));
                }
            }
            try {
                tree = MerkleFrontier.fromEdge(firstIndex, nodes);
            } catch (IllegalArgumentException e) {
                throw fileFailure("start_frontier: " + e.getMessage());
            }
            startFrontier = tree.edge();
            next = firstIndex;
            probe();
            if (previous != null) {
                if (previous.endIndex() != firstIndex) {
                    throw fileFailure("previous_archive ends at index " + previous.endIndex() + ", but this file starts at "
                            + firstIndex);
                }
                if (previous.sealReceiptIndex() != null) {
                    if (previous.sealReceiptIndex() < firstIndex) {
                        throw fileFailure("previous_archive.seal_receipt_index " + previous.sealReceiptIndex()
                                + " lies before this file's first index " + firstIndex);
                    }
                    expected.put(previous.sealReceiptIndex(), new ExpectedSealReceipt(previous.file(),
                            AuditSealer.sealRequestDigest(previous.file(), previous.sha256(), previous.firstIndex(),
                                    previous.endIndex(), previous.rootHash())));
                }
            } else if (firstIndex > 0 && BundleExporter.ARCHIVE_FORMAT.equals(format)) {
                throw fileFailure("an archive that starts at index " + firstIndex + " must name its previous_archive");
            }
            for (Head head : pendingHeads) {
                if (head.treeSize() < firstIndex) {
                    throw headFailure(head, "before the start of the range (first_index " + firstIndex + ")");
                }
            }
        }

        private PreviousArchive readPrevious(JsonNode node) throws Failure {
            if (node == null || node.isNull()) {
                return null;
            }
            String file = text(node, "file");
            String sha = text(node, "sha256");
            String root = text(node, "root_hash");
            JsonNode first = node.get("first_index");
            JsonNode end = node.get("end_index");
            JsonNode receipt = node.get("seal_receipt_index");
            if (file == null || sha == null || hex(sha) == null || root == null || first == null || !first.canConvertToLong()
                    || !first.isIntegralNumber() || end == null || !end.isIntegralNumber() || !end.canConvertToLong()
                    || (receipt != null && !receipt.isNull() && !(receipt.isIntegralNumber() && receipt.canConvertToLong()))) {
                throw fileFailure("previous_archive needs file, sha256 (hex), first_index, end_index, root_hash"
                        + " and seal_receipt_index (an integer or null)");
            }
            return new PreviousArchive(file, sha, first.asLong(), end.asLong(), root,
                    receipt == null || receipt.isNull() ? null : receipt.asLong());
        }

        /** With trusted keys, those are the only ones used; the bundle's own must not contradict them. */
        private void pinKeys() throws Failure {
            if (trusted == null) {
                return;
            }
            for (Map.Entry<String, PublicKey> k : keys.entrySet()) {
                PublicKey pinned = trusted.get(k.getKey());
                if (pinned != null && !Arrays.equals(pinned.getEncoded(), k.getValue().getEncoded())) {
                    throw fileFailure("receipt key " + k.getKey() + " in the " + kind() + " differs from the trusted key");
                }
            }
            keys = trusted;
            windows.clear();
            windows.putAll(trustedWindows); // the file's own validity claims count only when its keys do
        }

        private void receipts(JsonParser p, long declaredSize) throws IOException, Failure {
            if (p.currentToken() != JsonToken.START_ARRAY) {
                throw fileFailure("receipts must be an array");
            }
            inReceipts = true;
            checkHeadsAtCurrentSize();
            for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken()) {
                if (t == null) {
                    throw receiptFailure(next, "bundle ends inside the receipts");
                }
                if (next >= declaredSize) {
                    throw receiptFailure(next, "beyond the declared log size " + declaredSize);
                }
                byte[] leaf = receipt(next, mapper.readTree(p));
                tree.append(MerkleHash.leaf(leaf));
                next++;
                probe();
                checkHeadsAtCurrentSize();
            }
            inReceipts = false;
            if (next < declaredSize) {
                throw receiptFailure(next, "missing: the " + kind() + " declares " + (declaredSize - firstIndex) + " receipts");
            }
            if (!pendingHeads.isEmpty()) {
                throw new Failure(new Problem(Subject.TREE_HEAD, pendingHeads.peek().treeSize(),
                        "beyond the end of the log (" + next + " receipts)"));
            }
            if (BundleExporter.ARCHIVE_FORMAT.equals(format) && lastHeadSize != next) {
                throw fileFailure("no signed tree head at its end, tree size " + next);
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
            String validity = outsideWindow((String) keyId, receipt.get("ts"));
            if (validity != null) {
                throw receiptFailure(index, validity);
            }
            try {
                if (!crypto.verify(SignatureAlgorithm.EDDSA, key, CanonicalJson.bytes(receipt), signatureBytes)) {
                    throw receiptFailure(index, "signature does not verify");
                }
                usedKeys.add((String) keyId);
                checkExpectedSealReceipt(index, receipt);
                receipt.put("signature", signature);
                return CanonicalJson.bytes(receipt);
            } catch (IllegalArgumentException e) {
                throw receiptFailure(index, "not canonicalizable JSON: " + e.getMessage());
            }
        }

        /** The receipt named as the one that recorded the previous seal must say so, over that archive. */
        private void checkExpectedSealReceipt(long index, Map<String, Object> receipt) throws Failure {
            ExpectedSealReceipt want = expected.remove(index);
            if (want == null) {
                return;
            }
            Object context = receipt.get("kms_context");
            boolean success = context instanceof Map<?, ?> c && Boolean.TRUE.equals(c.get("success"));
            if (!AuditSealer.OPERATION.equals(receipt.get("operation")) || !success) {
                throw receiptFailure(index, "expected the successful " + AuditSealer.OPERATION + " receipt of archive "
                        + want.archive() + ", found operation " + receipt.get("operation"));
            }
            if (!want.requestDigest().equals(receipt.get("request_digest"))) {
                throw receiptFailure(index, "the " + AuditSealer.OPERATION + " receipt does not commit to archive "
                        + want.archive() + " as named (file, sha256, range, root)");
            }
            sealReceiptsConfirmed++;
        }

        private void checkHeadsAtCurrentSize() throws Failure {
            while (!pendingHeads.isEmpty() && pendingHeads.peek().treeSize() == next) {
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
                String validity = outsideWindow(head.keyId(), head.content().get("timestamp"));
                if (validity != null) {
                    throw headFailure(head, validity);
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
                lastHeadSize = head.treeSize();
            }
        }

        /** Why {@code keyId} could not sign at {@code ts}, or null when it could (or states no validity). */
        private String outsideWindow(String keyId, Object ts) {
            Window window = windows.get(keyId);
            if (window == null) {
                return null;
            }
            try {
                java.time.Instant at = java.time.Instant.parse(String.valueOf(ts));
                return window.validAt(at) ? null
                        : "receipt key " + keyId + " was not valid at " + at + " (" + window + ")";
            } catch (java.time.format.DateTimeParseException e) {
                return "timestamp " + ts + " is not an ISO-8601 instant";
            }
        }

        private String unknownKey(Object keyId) {
            if (!(keyId instanceof String)) {
                return "receipt_key_id is missing";
            }
            return "receipt key " + keyId + (trusted == null ? " is not in the " + kind() : " is not trusted");
        }

        private Deque<Head> readHeads(JsonNode array) throws Failure {
            if (array == null || !array.isArray()) {
                throw fileFailure("tree_heads must be an array");
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
                    throw fileFailure("tree_heads[" + i + "] needs tree_size, root_hash, key_id and a base64 signature");
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

    private static byte[] hex(String value) {
        if (value == null || value.length() != 2 * MerkleHash.SIZE) {
            return null;
        }
        try {
            return HexFormat.of().parseHex(value);
        } catch (IllegalArgumentException e) {
            return null;
        }
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
