package com.zeroui.kms.approvals;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/** Where an approval is in its life: requested, approved (token issued), spent, or timed out. */
public enum ApprovalStatus {
    PENDING, APPROVED, CONSUMED, EXPIRED;

    public String apiName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<ApprovalStatus> fromApiName(String name) {
        return Arrays.stream(values()).filter(s -> s.apiName().equals(name)).findFirst();
    }
}
