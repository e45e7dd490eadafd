package com.zeroui.kms.compliance;

import com.zeroui.kms.audit.AuditRepository;
import com.zeroui.kms.audit.TreeHead;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The last signed tree head and its age. An old head is fine while the log has not grown; receipts
 * left unsigned longer than {@code maxUnsignedAge} mean tree-head signing has stopped. Read only:
 * the check never signs a head itself.
 */
public final class TreeHeadCheck implements ComplianceCheck {
    private final AuditRepository audit;
    private final Duration maxUnsignedAge;

    public TreeHeadCheck(AuditRepository audit, Duration maxUnsignedAge) {
        this.audit = audit;
        this.maxUnsignedAge = maxUnsignedAge;
    }

    @Override
    public List<ComplianceItem> evaluate(ComplianceInputs in) {
        long size = audit.size();
        TreeHead head = audit.latestTreeHead().orElse(null);
        Map<String, Object> evidence = new LinkedHashMap<>();
        evidence.put("log_size", size);
        evidence.put("tree_size", head == null ? null : head.treeSize());
        evidence.put("signed_at", head == null ? null : head.timestamp().toString());
        Duration age = head == null ? null : Duration.between(head.timestamp(), in.now());
        evidence.put("age", age == null ? null : age.toString());
        long unsigned = size - (head == null ? 0 : head.treeSize());
        evidence.put("unsigned_receipts", unsigned);
        boolean stalled = unsigned > 0 && (age == null || age.compareTo(maxUnsignedAge) > 0);
        String summary = head == null ? (size == 0 ? "empty log, no tree head yet" : "no tree head signed over " + size + " receipts")
                : "last tree head over " + head.treeSize() + " receipts, signed " + age + " ago"
                + (unsigned > 0 ? "; " + unsigned + " receipts not yet signed" : "");
        return List.of(new ComplianceItem("CC6.8", "signed_tree_head", stalled ? ComplianceStatus.FAIL : ComplianceStatus.PASS,
                "Audit: signed tree heads over the receipt log", summary, evidence));
    }
}
