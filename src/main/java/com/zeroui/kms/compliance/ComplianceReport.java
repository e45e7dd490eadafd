package com.zeroui.kms.compliance;

import java.time.Instant;
import java.util.List;

/** Every checked control at {@code generatedAt}; {@code status} is the worst item's. */
public record ComplianceReport(ComplianceStatus status, Instant generatedAt, List<ComplianceItem> items) {
    public ComplianceReport {
        items = List.copyOf(items);
    }

    static ComplianceReport of(Instant at, List<ComplianceItem> items) {
        ComplianceStatus worst = ComplianceStatus.PASS;
        for (ComplianceItem item : items) {
            worst = worst.worst(item.status());
        }
        return new ComplianceReport(worst, at, items);
    }
}
