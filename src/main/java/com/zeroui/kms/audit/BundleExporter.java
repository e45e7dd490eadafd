package com.zeroui.kms.audit;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.zeroui.kms.crypto.SignatureAlgorithm;
import com.zeroui.kms.trust.Pem;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;

/**
 * Writes the receipt log as a self-contained bundle that {@link BundleVerifier} checks offline:
 * <pre>
 * {"format": "kms-audit-bundle/v1", "exported_at": ISO-8601, "tree_size": N,
 *  "receipt_keys": [{"key_id", "algorithm": "EdDSA", "public_key": SPKI PEM}, ...],
 *  "tree_heads": [signed tree head, ascending tree_size, ...],
 *  "receipts": [receipt 0, ..., receipt N-1]}
 * </pre>
 * Keys and heads come before the receipts so that a verifier can stream the receipts. The export
 * is a snapshot of the first N receipts, N read after the heads, so every exported head lies
 * within it even while a server keeps appending. Receipts are read page by page, never all at once.
 */
public final class BundleExporter {
    public static final String FORMAT = "kms-audit-bundle/v1";
    static final int PAGE = 1000;

    /** The public key (SPKI DER) of a receipt key, or empty when the id names no receipt key. */
    @FunctionalInterface
    public interface ReceiptKeys {
        Optional<byte[]> publicKey(String keyId);
    }

    /** What was written; {@code missingKeyIds} are referenced but not receipt keys of this store. */
    public record Summary(long receipts, int treeHeads, Set<String> keyIds, Set<String> missingKeyIds) {
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

    public Summary export(OutputStream out) throws IOException {
        List<TreeHead> heads = repository.treeHeads();
        long size = repository.size();
        // first pass: which keys the receipts name, so that the keys can precede the receipts
        Set<String> referenced = new TreeSet<>();
        heads.forEach(h -> referenced.add(h.keyId()));
        forEachReceipt(size, row -> receiptKeyId(row.json()).ifPresent(referenced::add));

        Set<String> written = new TreeSet<>();
        Set<String> missing = new TreeSet<>();
        long[] receipts = {0};
        try (JsonGenerator gen = mapper.getFactory().createGenerator(out, JsonEncoding.UTF8)) {
            gen.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
            gen.writeStartObject();
            gen.writeStringField("format", FORMAT);
            gen.writeStringField("exported_at", clock.instant().toString());
            gen.writeNumberField("tree_size", size);
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
                gen.writeEndObject();
                written.add(keyId);
            }
            gen.writeEndArray();
            gen.writeArrayFieldStart("tree_heads");
            for (TreeHead head : heads) {
                gen.writeObject(head.view());
            }
            gen.writeEndArray();
            gen.writeArrayFieldStart("receipts");
            forEachReceipt(size, row -> {
                try {
                    writeReceipt(gen, row.json());
                    receipts[0]++;
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            gen.writeEndArray();
            gen.writeEndObject();
            gen.writeRaw('\n');
        } catch (java.io.UncheckedIOException e) {
            throw e.getCause();
        }
        return new Summary(receipts[0], heads.size(), written, missing);
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

    /** Rows with index below {@code size}, in log order, one page in memory at a time. */
    private void forEachReceipt(long size, Consumer<AuditRepository.ReceiptRow> action) {
        long next = 0;
        while (next < size) {
            List<AuditRepository.ReceiptRow> page = repository.range(next, PAGE);
            if (page.isEmpty()) {
                return;
            }
            for (AuditRepository.ReceiptRow row : page) {
                if (row.logIndex() >= size) {
                    return;
                }
                action.accept(row);
            }
            next = page.get(page.size() - 1).logIndex() + 1;
        }
    }
}
