package com.zeroui.kms.audit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.zeroui.kms.auth.CallerIdentity;
import com.zeroui.kms.error.ErrorCode;
import com.zeroui.kms.error.KmsException;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * Read side of the live log: a receipt with its inclusion proof, consistency proofs between tree
 * sizes, and receipt search. Module callers see their tenant's receipts; admins see all. Every
 * lookup is by index or key: no scan of the log. Sealed receipts are answered from their archives
 * through the archive index, with an inclusion proof into the signed head at the archive's end;
 * without an index (or for a deleted archive) the answer names the archive. Consistency proofs are
 * served from the end of the latest seal on.
 */
public final class AuditQueries {
    public static final int MAX_PAGE = 1000;
    /** A receipt's id is minted a moment before its timestamp; clocks of several nodes differ a little. */
    static final Duration SEAL_LOOKUP_SLACK = Duration.ofSeconds(1);

    private static final ObjectMapper JSON = new ObjectMapper();

    private final AuditRepository repository;
    private final TreeHeads heads;
    private final MerkleTree tree;
    /** Null: sealed receipts are not retrievable here (the answer names their archive). */
    private final ArchivedReceipts archived;
    private final LogIntegrity integrity;

    public AuditQueries(AuditRepository repository, TreeHeads heads) {
        this(repository, heads, null, new LogIntegrity());
    }

    public AuditQueries(AuditRepository repository, TreeHeads heads, ArchivedReceipts archived) {
        this(repository, heads, archived, new LogIntegrity());
    }

    public AuditQueries(AuditRepository repository, TreeHeads heads, LogIntegrity integrity) {
        this(repository, heads, null, integrity);
    }

    /** Reports a receipt whose indexed columns differ from what it signs, met while answering, to {@code integrity}. */
    public AuditQueries(AuditRepository repository, TreeHeads heads, ArchivedReceipts archived, LogIntegrity integrity) {
        this.repository = repository;
        this.heads = heads;
        this.tree = new MerkleTree(repository);
        this.archived = archived;
        this.integrity = integrity;
    }

    /**
     * A receipt with its inclusion proof into {@code treeHead}; for a sealed receipt {@code archive}
     * is its seal (the head is the one signed at the archive's end) and {@code previousArchive} the
     * seal before it in the chain (null for the first).
     */
    public record ReceiptProof(AuditRepository.ReceiptRow receipt, TreeHead treeHead, List<String> inclusionProof,
                               AuditRepository.Seal archive, AuditRepository.Seal previousArchive) {
        public ReceiptProof(AuditRepository.ReceiptRow receipt, TreeHead treeHead, List<String> inclusionProof) {
            this(receipt, treeHead, inclusionProof, null, null);
        }
    }

    public ReceiptProof receipt(CallerIdentity caller, String receiptId) {
        // another tenant's receipt is answered exactly like an absent one; who may read it is decided by
        // what the receipt signs, not by the indexed columns, which anyone with database access can change
        Optional<AuditRepository.ReceiptRow> live = repository.findByReceiptId(receiptId);
        live.ifPresent(this::reportChangedColumns);
        if (live.isPresent()) {
            AuditRepository.ReceiptRow row = live.filter(r -> receiptId.equals(signed(r, "receipt_id")) && mayRead(caller, r))
                    .orElseThrow(() -> notFound(Map.of("receipt_id", receiptId), "receipt not found: " + receiptId));
            TreeHead head = heads.latest();
            return new ReceiptProof(row, head, hex(tree.inclusionProof(row.logIndex(), head.treeSize())));
        }
        Optional<ArchiveIndex.Entry> entry = archived == null ? Optional.empty() : archived.entry(receiptId);
        if (entry.isPresent()) {
            ArchivedReceipts.Proof proof = archived.prove(entry.get());
            if (!receiptId.equals(signed(proof.receipt(), "receipt_id")) || !mayRead(caller, proof.receipt())) {
                throw notFound(Map.of("receipt_id", receiptId), "receipt not found: " + receiptId);
            }
            return new ReceiptProof(proof.receipt(), proof.endHead(), proof.inclusionProof(), proof.seal(), proof.previous());
        }
        throw notInLiveLog(receiptId);
    }

    /**
     * A receipt id the live log does not hold: when receipts stamped at the time its UUIDv7 carries
     * were sealed, the answer names the archive to look in (the id alone says when, not whether, it
     * was issued, so this tells nothing about other tenants' receipts). One indexed lookup each.
     */
    private KmsException notInLiveLog(String receiptId) {
        Optional<AuditRepository.Seal> seal = uuid7Time(receiptId).flatMap(t -> repository.sealCovering(t, SEAL_LOOKUP_SLACK));
        if (seal.isEmpty()) {
            return notFound(Map.of("receipt_id", receiptId), "receipt not found: " + receiptId);
        }
        AuditRepository.Seal s = seal.get();
        Optional<ArchiveIndex.Archive> deleted = archived == null ? Optional.empty()
                : archived.index().archive(s.firstIndex()).filter(ArchiveIndex.Archive::deleted);
        if (deleted.isPresent()) {
            Map<String, Object> details = new LinkedHashMap<>();
            details.put("receipt_id", receiptId);
            details.put("sealed", true);
            details.put("archive_file", s.archiveFile());
            details.put("deleted_at", deleted.get().deletedAt().toString());
            details.put("deletion_receipt_id", deleted.get().deletionReceiptId());
            return notFound(details, "receipt not found: " + receiptId + "; receipts stamped from " + s.firstTs() + " to "
                    + s.lastTs() + " were in archive " + s.archiveFile() + ", deleted under the retention policy at "
                    + deleted.get().deletedAt() + " (receipt " + deleted.get().deletionReceiptId() + ")");
        }
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("receipt_id", receiptId);
        details.put("sealed", true);
        details.put("archive_file", s.archiveFile());
        details.put("archive_sha256", s.archiveSha256());
        details.put("first_index", s.firstIndex());
        details.put("end_index", s.endIndex());
        return notFound(details, "receipt " + receiptId + " is not in the live log: receipts stamped from "
                + s.firstTs() + " to " + s.lastTs() + " were sealed into archive " + s.archiveFile() + " (log indices "
                + s.firstIndex() + " to " + (s.endIndex() - 1) + "); verify it there with 'kms audit verify'");
    }

    private static KmsException notFound(Map<String, ?> details, String message) {
        return new KmsException(ErrorCode.INVALID_REQUEST, 404, message, details, null);
    }

    /** The millisecond timestamp in a UUIDv7's first 48 bits, which is when its receipt was stamped. */
    static Optional<Instant> uuid7Time(String id) {
        try {
            UUID uuid = UUID.fromString(id);
            return uuid.version() == 7 ? Optional.of(Instant.ofEpochMilli(uuid.getMostSignificantBits() >>> 16))
                    : Optional.empty();
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    public record Consistency(long first, long second, List<String> proof) {
    }

    public Consistency consistency(long first, long second) {
        long size = repository.size();
        if (first < 1 || first > second || second > size) {
            throw new KmsException(ErrorCode.INVALID_REQUEST, "need 1 <= first <= second <= " + size
                    + " (the log's size)", Map.of("field", "first", "tree_size", size));
        }
        Optional<AuditRepository.Seal> sealed = repository.latestSeal();
        if (sealed.isPresent() && first < sealed.get().endIndex()) {
            AuditRepository.Seal s = sealed.get();
            // the live store keeps only the subtree hashes that proofs from the sealed end on need
            throw new KmsException(ErrorCode.INVALID_REQUEST, "tree size " + first + " lies in the sealed part of the log"
                    + " (below " + s.endIndex() + "): check it against the archives, which recompute every root up to "
                    + s.endIndex() + " (the last is " + s.archiveFile() + "), and ask for consistency from "
                    + s.endIndex(), Map.of("field", "first", "sealed_up_to", s.endIndex(), "archive_file", s.archiveFile()));
        }
        return new Consistency(first, second, hex(tree.consistencyProof(first, second)));
    }

    /**
     * A page of receipts, archived ones first (log order); {@code sealed} is the latest seal
     * (receipts below its end come from archives, where indexed), or null.
     */
    public record Page(List<AuditRepository.ReceiptRow> receipts, Long nextCursor, AuditRepository.Seal sealed) {
    }

    public Page search(CallerIdentity caller, String tenantId, String keyId, String operation, Instant from, Instant to,
                       Long afterIndex, Integer limit) {
        return search(caller, tenantId, keyId, operation, from, to, null, afterIndex, limit);
    }

    /** As above, only successes ({@code success} true) or only refusals and failures (false); both when null. */
    public Page search(CallerIdentity caller, String tenantId, String keyId, String operation, Instant from, Instant to,
                       Boolean success, Long afterIndex, Integer limit) {
        String tenant = tenantId;
        if (tenant != null && !caller.mayActFor(tenant)) {
            throw new KmsException(ErrorCode.UNAUTHORIZED, "caller " + caller.moduleId() + " may not read tenant "
                    + tenant + "'s receipts", Map.of("tenant_id", tenant));
        }
        if (tenant == null && !caller.isAdmin()) {
            tenant = caller.tenantId();
        }
        int size = limit == null ? 100 : limit;
        if (size < 1 || size > MAX_PAGE) {
            throw KmsException.invalid("limit", "limit must be between 1 and " + MAX_PAGE);
        }
        // live candidates are selected by the tenant each receipt signs (an index over receipt_json), so a
        // changed tenant_id column hides nothing; the other filters use the columns and are re-checked below
        AuditRepository.Query query = new AuditRepository.Query(tenant, keyId, operation, from, to, afterIndex, success);
        List<AuditRepository.ReceiptRow> rows = new java.util.ArrayList<>();
        long liveFrom = -1;
        if (archived != null) {
            long indexedUpTo = archived.indexedUpTo();
            if (afterIndex == null || afterIndex < indexedUpTo - 1) {
                rows.addAll(archived.query(query, size + 1));
            }
            liveFrom = indexedUpTo - 1; // a range being sealed may be in both for a moment: each receipt once
        }
        if (rows.size() <= size) {
            long after = Math.max(afterIndex == null ? -1 : afterIndex, liveFrom);
            rows.addAll(repository.query(new AuditRepository.Query(tenant, keyId, operation, from, to,
                    after < 0 ? null : after, success), size + 1 - rows.size()));
        }
        boolean more = rows.size() > size;
        List<AuditRepository.ReceiptRow> page = more ? rows.subList(0, size) : rows;
        String shownTenant = tenant;
        List<AuditRepository.ReceiptRow> shown = page.stream()
                .filter(r -> mayRead(caller, r) && (shownTenant == null || shownTenant.equals(signed(r, "tenant_id"))))
                .filter(r -> reportChangedColumns(r) || signs(r, operation, keyId))
                .toList();
        return new Page(shown, more ? page.get(page.size() - 1).logIndex() : null,
                repository.latestSeal().orElse(null));
    }

    /**
     * A receipt whose indexed columns differ from what it signs means someone changed the stored log:
     * reported like a failed self-check (health unhealthy, no more receipts). True when the columns
     * are intact; a changed row is still shown to whoever may read its signed content.
     */
    private boolean reportChangedColumns(AuditRepository.ReceiptRow row) {
        String changed = !Objects.equals(row.tenantId(), signed(row, "tenant_id")) ? "tenant_id"
                : !Objects.equals(row.receiptId(), signed(row, "receipt_id")) ? "receipt_id"
                : !Objects.equals(row.operation(), signed(row, "operation")) ? "operation"
                : !Objects.equals(row.keyId(), signedKeyId(row)) ? "key_id" : null;
        if (changed == null) {
            return true;
        }
        integrity.report(new LogIntegrity.Breach(row.logIndex(), "receipt " + row.logIndex() + ": column " + changed
                + " differs from what the receipt signs (found answering a read)", Instant.now()));
        return false;
    }

    /** Whether a receipt signs the operation and key a search asked for (null: any). */
    private static boolean signs(AuditRepository.ReceiptRow row, String operation, String keyId) {
        return (operation == null || operation.equals(signed(row, "operation")))
                && (keyId == null || keyId.equals(signedKeyId(row)));
    }

    private static String signedKeyId(AuditRepository.ReceiptRow row) {
        try {
            JsonNode value = JSON.readTree(row.json()).path("kms_context").get("key_id");
            return value != null && value.isTextual() ? value.asText() : null;
        } catch (JsonProcessingException e) {
            return null;
        }
    }

    private static boolean mayRead(CallerIdentity caller, AuditRepository.ReceiptRow row) {
        String tenant = signed(row, "tenant_id");
        return caller.isAdmin() || (tenant != null && caller.mayActFor(tenant));
    }

    /** A top-level text field of the signed receipt (null when absent or unreadable). */
    private static String signed(AuditRepository.ReceiptRow row, String field) {
        try {
            JsonNode value = JSON.readTree(row.json()).get(field);
            return value != null && value.isTextual() ? value.asText() : null;
        } catch (JsonProcessingException e) {
            return null;
        }
    }

    public TreeHead treeHead() {
        return heads.latest();
    }

    private static List<String> hex(List<byte[]> hashes) {
        return hashes.stream().map(HexFormat.of()::formatHex).toList();
    }
}
