package com.zeroui.kms.trust.validation;

import java.util.Locale;
import java.util.Objects;

/** The revocation outcome over the whole path: the worst status of any certificate below the anchor. */
public record RevocationStatus(Status status, Source source) {

    public enum Status {
        GOOD, REVOKED, UNKNOWN, NOT_CHECKED;

        public String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** Where the answer came from: a CRL, or OCSP (a stapled response, or the service's own responder status). */
    public enum Source {
        CRL, OCSP, NONE;

        public String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public static final RevocationStatus NOT_CHECKED = new RevocationStatus(Status.NOT_CHECKED, Source.NONE);

    public RevocationStatus {
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(source, "source");
    }
}
