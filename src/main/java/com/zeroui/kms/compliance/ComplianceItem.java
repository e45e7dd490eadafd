package com.zeroui.kms.compliance;

import java.util.Map;

/**
 * One checked control: {@code control} is the SOC 2 criterion (CC6.1, CC6.2, CC6.8), {@code check}
 * a stable name, {@code supports} the spec section it evidences, {@code evidence} what was read live.
 */
public record ComplianceItem(String control, String check, ComplianceStatus status, String supports,
                             String summary, Map<String, Object> evidence) {
    public ComplianceItem {
        evidence = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(evidence));
    }
}
