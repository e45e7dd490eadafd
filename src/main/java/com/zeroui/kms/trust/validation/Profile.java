package com.zeroui.kms.trust.validation;

/** Which rule set a chain is held to: RFC 5280 alone, or RFC 5280 plus the CA/Browser Forum Baseline Requirements. */
public enum Profile {
    /** RFC 5280 path validation plus the profile RFC 5280 sets for conforming CAs (the default). */
    RFC5280("rfc5280"),
    /** {@link #RFC5280} plus the Baseline Requirements for publicly trusted TLS server certificates ({@link WebPkiProfile}). */
    WEBPKI("webpki");

    private final String wireName;

    Profile(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    public static Profile fromWireName(String name) {
        for (Profile p : values()) {
            if (p.wireName.equals(name)) {
                return p;
            }
        }
        throw new IllegalArgumentException("profile must be one of rfc5280, webpki: " + name);
    }
}
