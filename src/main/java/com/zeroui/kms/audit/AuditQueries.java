package com.zeroui.kms.audit;

import com.zeroui.kms.auth.CallerIdentity;
import com.zeroui.kms.error.ErrorCode;
import com.zeroui.kms.error.KmsException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * Read side of the log: a receipt with its inclusion proof, consistency proofs between tree
 * sizes, and receipt search. Module callers see their tenant's receipts; admins see all. Every
 * lookup is by index or key: no scan of the log.
 */
public final class AuditQueries {
    public static final int MAX_PAGE = 1000;

    private final AuditRepository repository;
    private final TreeHeads heads;
    private final MerkleTree tree;

    public AuditQueries(AuditRepository repository, TreeHeads heads) {
        this.repository = repository;
        this.heads = heads;
        this.tree = new MerkleTree(repository);
    }

    public record ReceiptProof(AuditRepository.ReceiptRow receipt, TreeHead treeHead, List<String> inclusionProof) {
    }

    public ReceiptProof receipt(CallerIdentity caller, String receiptId) {
        AuditRepository.ReceiptRow row = repository.findByReceiptId(receiptId)
                .filter(r -> caller.mayActFor(r.tenantId()))
                .orElseThrow(() -> new KmsException(ErrorCode.INVALID_REQUEST, 404, "receipt not found: " + receiptId,
                        Map.of("receipt_id", receiptId), null));
        TreeHead head = heads.latest();
        return new ReceiptProof(row, head, hex(tree.inclusionProof(row.logIndex(), head.treeSize())));
    }

    public record Consistency(long first, long second, List<String> proof) {
    }

    public Consistency consistency(long first, long second) {
        long size = repository.size();
        if (first < 1 || first > second || second > size) {
            throw new KmsException(ErrorCode.INVALID_REQUEST, "need 1 <= first <= second <= " + size
                    + " (the log's size)", Map.of("field", "first", "tree_size", size));
        }
        return new Consistency(first, second, hex(tree.consistencyProof(first, second)));
    }

    public record Page(List<AuditRepository.ReceiptRow> receipts, Long nextCursor) {
    }

    public Page search(CallerIdentity caller, String tenantId, String keyId, String operation, Instant from, Instant to,
                       Long afterIndex, Integer limit) {
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
        List<AuditRepository.ReceiptRow> rows = repository.query(
                new AuditRepository.Query(tenant, keyId, operation, from, to, afterIndex), size + 1);
        boolean more = rows.size() > size;
        List<AuditRepository.ReceiptRow> page = more ? rows.subList(0, size) : rows;
        return new Page(List.copyOf(page), more ? page.get(page.size() - 1).logIndex() : null);
    }

    public TreeHead treeHead() {
        return heads.latest();
    }

    private static List<String> hex(List<byte[]> hashes) {
        return hashes.stream().map(HexFormat.of()::formatHex).toList();
    }
}
