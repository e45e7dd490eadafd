package com.zeroui.kms.trust.validation;

/** How revocation of the certificates below the trust anchor is checked. */
public enum RevocationMode {
    /** Every certificate below the anchor needs a usable, current CRL that does not list it. */
    REQUIRE("require"),
    /** A certificate revoked by a usable CRL or OCSP answer is refused, and so is one whose CRL or OCSP response in
     *  scope cannot be trusted (unless another usable answer vouches); when nothing answers (or only stale answers do)
     *  the chain passes with revocation status {@code unknown}. */
    BEST_EFFORT("best_effort"),
    /** Revocation is not checked; status {@code not_checked}. */
    NONE("none");

    private final String wireName;

    RevocationMode(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    public static RevocationMode fromWireName(String name) {
        for (RevocationMode m : values()) {
            if (m.wireName.equals(name)) {
                return m;
            }
        }
        throw new IllegalArgumentException("revocation mode must be one of require, best_effort, none: " + name);
    }
}
