package com.zeroui.kms.keys;

import java.util.Arrays;
import java.util.Optional;

/**
 * What a service key signs. Each purpose has its own key chain (alias), rotated on the same schedule
 * with the same overlap: one key never signs two kinds of statement, so a signature of one kind
 * cannot pass for another.
 */
public enum ServiceKeyPurpose {
    /** Audit receipts and signed tree heads. */
    RECEIPT("receipt", "kms-receipt-signing"),
    /** Approval tokens (two-person rule) this service mints. */
    APPROVAL("approval", "kms-approval-signing"),
    /** Effective trust bundles. */
    TRUST_BUNDLE("trust_bundle", "kms-trust-bundle-signing");

    private final String apiName;
    private final String alias;

    ServiceKeyPurpose(String apiName, String alias) {
        this.apiName = apiName;
        this.alias = alias;
    }

    /** The name in the API ({@code purpose} of {@code GET /kms/v1/service-keys}). */
    public String apiName() {
        return apiName;
    }

    /** The alias of the GLOBAL key that signs for this purpose now. */
    public String alias() {
        return alias;
    }

    public static Optional<ServiceKeyPurpose> fromApiName(String name) {
        return Arrays.stream(values()).filter(p -> p.apiName.equals(name)).findFirst();
    }
}
