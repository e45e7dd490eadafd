package com.zeroui.kms.auth;

import java.util.Arrays;
import java.util.Optional;

/** Roles a client certificate may carry, as {@code urn:zeroui:kms:role:<name>} URI SANs. */
public enum Role {
    /** May act for any tenant. Per-key policy still applies to key use. */
    ADMIN,
    /** May approve another identity's dual-authorization request (lifecycle work). */
    APPROVER,
    /** May read the compliance report (and nothing else beyond its tenant's rights). */
    AUDITOR;

    public static final String URN_PREFIX = "urn:zeroui:kms:role:";

    public String apiName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    public String urn() {
        return URN_PREFIX + apiName();
    }

    public static Optional<Role> fromApiName(String name) {
        return Arrays.stream(values()).filter(r -> r.apiName().equals(name)).findFirst();
    }
}
