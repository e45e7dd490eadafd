package com.zeroui.kms.audit;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.zeroui.kms.crypto.Pem;
import com.zeroui.kms.crypto.SignatureAlgorithm;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;

/**
 * Writes a contiguous range [first_index, tree_size) of the receipt log as a self-contained file
 * that {@link BundleVerifier} checks offline — the live log as an export bundle, or a sealed range
 * as an archive:
 * <pre>
 * {"format": "kms-audit-bundle/v1" | "kms-audit-archive/v1",
 *  "exported_at" | "sealed_at": ISO-8601,
 *  "first_index": F, "tree_size": N,
 *  "previous_archive": null | {"file", "sha256", "first_index", "end_index", "root_hash", "seal_receipt_index"},
 *  "start_frontier": [{"level", "index", "hash"}, ...],
 *  "receipt_keys": [{"key_id", "algorithm": "EdDSA", "public_key": SPKI PEM}, ...],
 *  "tree_heads": [signed tree head with F ≤ tree_size (≤ N in an archive), ascending, ...],
 *  "receipts": [receipt F, ..., receipt N-1]}
 * </pre>
 * {@code start_frontier} holds the complete-subtree hashes that make up the tree of the first F
 * receipts (empty when F is 0), so the range verifies without the receipts before it: the signed
 * heads inside the range authenticate it. {@code previous_archive} names the archive that ends at
 * F. Everything comes before the receipts so that a verifier can stream them. Receipts and heads
 * are read page by page, never all at once.
 */
public final class BundleExporter {
    public static final String FORMAT = "kms-audit-bundle/v1";
    public static final String ARCHIVE_FORMAT = "kms-audit-archive/v1";
    static final int PAGE = 1000;

    /** The public key (SPKI DER) of a receipt key, or empty when the id names no receipt key. */
    @FunctionalInterface
    public interface ReceiptKeys {
        Optional<byte[]> publicKey(String keyId);

        /** The key with its validity, when known: written as not_before / not_after for verifiers to enforce. */
        default Optional<ReceiptKeyring.ReceiptKey> describe(String keyId) {
            return Optional.empty();
        }
    }

    /** What was written; {@code missingKeyIds} are referenced but not receipt keys of this store. */
    public record Summary(long receipts, int treeHeads, Set<String> keyIds, Set<String> missingKeyIds) {
    }

    /** A written archive: its summary and the receipt timestamps it spans (null when it holds none). */
    record Written(Summary summary, Instant firstTs, Instant lastTs) {
    }

    private final AuditRepository repository;
    private final ReceiptKeys receiptKeys;
    private final Clock clock;
    private final ObjectMapper mapper = new ObjectMapper();

    public BundleExporter(AuditRepository repository, ReceiptKeys receiptKeys, Clock clock) {
        this.repository = repository;
        this.receiptKeys = receiptKeys;
        this.clock = clock;
    }

    /**
     * The live log: from where the latest seal ended (0 when nothing is sealed) to the current size.
     * Throws IOException when a seal removed the start of that range while the export ran.
     */
    public Summary export(OutputStream out) throws IOException {
        Optional<AuditRepository.Seal> sealed = repository.latestSeal();
        long first = sealed.map(AuditRepository.Seal::endIndex).orElse(0L);
        // the newest head is read before the size, so every head exported lies within the snapshot;
        // one beyond it means the log lost its tail, and the verifier says so
        long newestHead = repository.latestTreeHead().map(TreeHead::treeSize).orElse(0L);
        long size = repository.size();
        Summary summary = write(out, FORMAT, "exported_at", first, size, Math.max(size, newestHead), sealed.orElse(null))
                .summary();
        Optional<AuditRepository.Seal> after = repository.latestSeal();
        if (!after.equals(sealed) && after.map(AuditRepository.Seal::firstIndex).orElse(-1L) >= first) {
            throw new IOException("the log was sealed up to index " + after.get().endIndex()
                    + " while exporting from index " + first + "; export again");
        }
        return summary;
    }

    /** The sealed range [first, end), after {@code previous} (null when first is 0). */
    Written writeArchive(OutputStream out, long first, long end, AuditRepository.Seal previous) throws IOException {
        return write(out, ARCHIVE_FORMAT, "sealed_at", first, end, end, previous);
    }

    private Written write(OutputStream out, String format, String timeField, long first, long end, long headsUpTo,
                          AuditRepository.Seal previous) throws IOException {
        // first pass: which keys the heads and receipts name, so that the keys can precede them
        Set<String> referenced = new TreeSet<>();
        forEachHead(first, headsUpTo, h -> referenced.add(h.keyId()));
        forEachReceipt(first, end, row -> receiptKeyId(row.json()).ifPresent(referenced::add));
        List<MerkleFrontier.Node> frontier = MerkleFrontier.load(first, repository).edge();

        Set<String> written = new TreeSet<>();
        Set<String> missing = new TreeSet<>();
        long[] receipts = {0};
        int[] heads = {0};
        Instant[] span = new Instant[2];
        try (JsonGenerator gen = mapper.getFactory().createGenerator(out, JsonEncoding.UTF8)) {
            gen.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
            gen.writeStartObject();
            gen.writeStringField("format", format);
            gen.writeStringField(timeField, clock.instant().toString());
            gen.writeNumberField("first_index", first);
            gen.writeNumberField("tree_size", end);
            gen.writeFieldName("previous_archive");
            if (previous == null) {
                gen.writeNull();
            } else {
                writePrevious(gen, previous);
            }
            gen.writeArrayFieldStart("start_frontier");
            for (MerkleFrontier.Node node : frontier) {
                gen.writeStartObject();
                gen.writeNumberField("level", node.level());
                gen.writeNumberField("index", node.index());
                gen.writeStringField("hash", HexFormat.of().formatHex(node.hash()));
                gen.writeEndObject();
            }
            gen.writeEndArray();
            gen.writeArrayFieldStart("receipt_keys");
            for (String keyId : referenced) {
                Optional<byte[]> spki = receiptKeys.publicKey(keyId);
                if (spki.isEmpty()) {
                    missing.add(keyId);
                    continue;
                }
                gen.writeStartObject();
                gen.writeStringField("key_id", keyId);
                gen.writeStringField("algorithm", SignatureAlgorithm.EDDSA.apiName());
                gen.writeStringField("public_key", Pem.publicKey(spki.get()));
                Optional<ReceiptKeyring.ReceiptKey> described = receiptKeys.describe(keyId);
                if (described.isPresent()) {
                    ReceiptKeyring.ReceiptKey k = described.get();
                    gen.writeStringField("not_before", k.notBefore() == null ? null : k.notBefore().toString());
                    gen.writeStringField("not_after", k.notAfter() == null ? null : k.notAfter().toString());
                    gen.writeStringField("status", k.status());
                }
                gen.writeEndObject();
                written.add(keyId);
            }
            gen.writeEndArray();
            gen.writeArrayFieldStart("tree_heads");
            forEachHead(first, headsUpTo, head -> {
                try {
                    gen.writeObject(head.view());
                    heads[0]++;
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
            gen.writeEndArray();
            gen.writeArrayFieldStart("receipts");
            forEachReceipt(first, end, row -> {
                try {
                    writeReceipt(gen, row.json());
                    receipts[0]++;
                    span[0] = span[0] == null || row.ts().isBefore(span[0]) ? row.ts() : span[0];
                    span[1] = span[1] == null || row.ts().isAfter(span[1]) ? row.ts() : span[1];
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
            gen.writeEndArray();
            gen.writeEndObject();
            gen.writeRaw('\n');
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
        return new Written(new Summary(receipts[0], heads[0], written, missing), span[0], span[1]);
    }

    private static void writePrevious(JsonGenerator gen, AuditRepository.Seal previous) throws IOException {
        gen.writeStartObject();
        gen.writeStringField("file", previous.archiveFile());
        gen.writeStringField("sha256", previous.archiveSha256());
        gen.writeNumberField("first_index", previous.firstIndex());
        gen.writeNumberField("end_index", previous.endIndex());
        gen.writeStringField("root_hash", previous.rootHash());
        gen.writeFieldName("seal_receipt_index");
        if (previous.receiptIndex() == null) {
            gen.writeNull();
        } else {
            gen.writeNumber(previous.receiptIndex());
        }
        gen.writeEndObject();
    }

    /** A stored receipt that is not a JSON object is written as a string, for the verifier to name. */
    private void writeReceipt(JsonGenerator gen, String json) throws IOException {
        JsonNode node = parse(json);
        if (node != null && node.isObject()) {
            gen.writeTree(node);
        } else {
            gen.writeString(json);
        }
    }

    private Optional<String> receiptKeyId(String json) {
        JsonNode node = parse(json);
        JsonNode id = node == null ? null : node.get("receipt_key_id");
        return id != null && id.isTextual() ? Optional.of(id.asText()) : Optional.empty();
    }

    private JsonNode parse(String json) {
        try {
            return mapper.readTree(json);
        } catch (JsonProcessingException e) {
            return null;
        }
    }

    /** Signed heads with first ≤ size ≤ end, ascending, one page in memory at a time. */
    private void forEachHead(long first, long end, Consumer<TreeHead> action) {
        long next = first;
        while (next <= end) {
            List<TreeHead> page = repository.treeHeads(next, end, PAGE);
            if (page.isEmpty()) {
                return;
            }
            page.forEach(action);
            next = page.get(page.size() - 1).treeSize() + 1;
        }
    }

    /** Rows with first ≤ index < end, in log order, one page in memory at a time. */
    private void forEachReceipt(long first, long end, Consumer<AuditRepository.ReceiptRow> action) {
        long next = first;
        while (next < end) {
            List<AuditRepository.ReceiptRow> page = repository.range(next, PAGE);
            if (page.isEmpty()) {
                return;
            }
            for (AuditRepository.ReceiptRow row : page) {
                if (row.logIndex() >= end) {
                    return;
                }
                action.accept(row);
            }
            next = page.get(page.size() - 1).logIndex() + 1;
        }
    }
}
