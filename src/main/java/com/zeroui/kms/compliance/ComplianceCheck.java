package com.zeroui.kms.compliance;

import java.util.List;

/** One control, checked against live state; may yield several items (one per sink, say). */
public interface ComplianceCheck {
    List<ComplianceItem> evaluate(ComplianceInputs inputs);
}
