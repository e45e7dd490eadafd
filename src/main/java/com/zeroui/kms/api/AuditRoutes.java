package com.zeroui.kms.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.zeroui.kms.audit.AuditQueries;
import com.zeroui.kms.audit.AuditRepository;
import com.zeroui.kms.error.KmsException;
import io.javalin.http.Context;
import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/** GET /receipts/{id}, /audit/tree-head, /audit/consistency, /audit/receipts, /audit/receipt-keys. */
final class AuditRoutes {
    private static final Set<String> SEARCH_PARAMS = Set.of("tenant_id", "key_id", "operation", "from", "to", "success", "cursor",
            "limit");

    private final AuditQueries queries;
    private final Supplier<List<Map<String, Object>>> receiptKeys;
    private final ObjectMapper mapper;

    AuditRoutes(AuditQueries queries, Supplier<List<Map<String, Object>>> receiptKeys, ObjectMapper mapper) {
        this.queries = queries;
        this.receiptKeys = receiptKeys;
        this.mapper = mapper;
    }

    void receipt(Context ctx) {
        QueryParams.rejectUnknown(ctx, Set.of());
        String id = ctx.pathParam("receipt_id");
        if (!id.matches("[0-9a-f-]{36}")) {
            throw KmsException.invalid("receipt_id", "receipt_id must be a UUID");
        }
        AuditQueries.ReceiptProof proof = queries.receipt(Callers.of(ctx), id);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("receipt", parse(proof.receipt().json()));
        body.put("log_index", proof.receipt().logIndex());
        Map<String, Object> inclusion = new LinkedHashMap<>();
        inclusion.put("leaf_index", proof.receipt().logIndex());
        inclusion.put("tree_size", proof.treeHead().treeSize());
        inclusion.put("hashes", proof.inclusionProof());
        body.put("inclusion_proof", inclusion);
        body.put("signed_tree_head", proof.treeHead().view());
        if (proof.archive() != null) {
            body.put("archive", archiveView(proof.archive(), proof.previousArchive()));
        }
        ctx.json(body);
    }

    void treeHead(Context ctx) {
        QueryParams.rejectUnknown(ctx, Set.of());
        ctx.json(queries.treeHead().view());
    }

    void consistency(Context ctx) {
        QueryParams.rejectUnknown(ctx, Set.of("first", "second"));
        long first = QueryParams.requiredLong(ctx, "first");
        long second = QueryParams.requiredLong(ctx, "second");
        AuditQueries.Consistency c = queries.consistency(first, second);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("first", c.first());
        body.put("second", c.second());
        body.put("hashes", c.proof());
        ctx.json(body);
    }

    void search(Context ctx) {
        QueryParams.rejectUnknown(ctx, SEARCH_PARAMS);
        String tenant = QueryParams.optional(ctx, "tenant_id").map(t -> Fields.tenantId("tenant_id", t)).orElse(null);
        Long cursor = QueryParams.optional(ctx, "cursor").map(v -> QueryParams.parseLong("cursor", v)).orElse(null);
        Integer limit = QueryParams.optional(ctx, "limit").map(v -> (int) QueryParams.parseLong("limit", v)).orElse(null);
        AuditQueries.Page page = queries.search(Callers.of(ctx), tenant, QueryParams.optional(ctx, "key_id").orElse(null),
                QueryParams.optional(ctx, "operation").orElse(null), instant(ctx, "from"), instant(ctx, "to"),
                QueryParams.optional(ctx, "success").map(v -> switch (v) {
                    case "true" -> Boolean.TRUE;
                    case "false" -> Boolean.FALSE;
                    default -> throw KmsException.invalid("success", "success must be true or false");
                }).orElse(null), cursor, limit);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("receipts", page.receipts().stream().map(r -> receiptView(r)).toList());
        body.put("next_cursor", page.nextCursor() == null ? null : page.nextCursor().toString());
        body.put("sealed_up_to", page.sealed() == null ? null : sealedView(page.sealed()));
        ctx.json(body);
    }

    void receiptKeys(Context ctx) {
        QueryParams.rejectUnknown(ctx, Set.of());
        ctx.json(Map.of("keys", receiptKeys.get()));
    }

    /**
     * Where a sealed receipt was read from and how that archive joins the log: the signed head above
     * is the one at the archive's end (its root is the one the seal recorded); the {@code audit_sealed}
     * receipt at {@code seal_receipt_index} commits to the archive's SHA-256 and root, and the archive
     * names the previous one by its SHA-256.
     */
    private static Map<String, Object> archiveView(AuditRepository.Seal seal, AuditRepository.Seal previous) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("archive_file", seal.archiveFile());
        m.put("archive_sha256", seal.archiveSha256());
        m.put("first_index", seal.firstIndex());
        m.put("end_index", seal.endIndex());
        m.put("root_hash", seal.rootHash());
        m.put("sealed_at", seal.sealedAt().toString());
        m.put("seal_receipt_index", seal.receiptIndex());
        m.put("previous_archive_sha256", previous == null ? null : previous.archiveSha256());
        return m;
    }

    /** Receipts below {@code log_index} were moved to archives; the newest of them is named. */
    private static Map<String, Object> sealedView(AuditRepository.Seal seal) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("log_index", seal.endIndex());
        m.put("last_ts", seal.lastTs().toString());
        m.put("archive_file", seal.archiveFile());
        return m;
    }

    private Map<String, Object> receiptView(AuditRepository.ReceiptRow row) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("log_index", row.logIndex());
        m.put("receipt", parse(row.json()));
        return m;
    }

    private JsonNode parse(String json) {
        try {
            return mapper.readTree(json);
        } catch (IOException e) {
            throw new IllegalStateException("stored receipt is not JSON", e);
        }
    }

    private static Instant instant(Context ctx, String name) {
        return QueryParams.optional(ctx, name).map(v -> {
            try {
                return Instant.parse(v);
            } catch (DateTimeParseException e) {
                throw KmsException.invalid(name, name + " must be an ISO-8601 instant, e.g. 2026-01-31T00:00:00Z");
            }
        }).orElse(null);
    }
}
