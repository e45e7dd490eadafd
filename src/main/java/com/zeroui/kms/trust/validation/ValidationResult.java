package com.zeroui.kms.trust.validation;

import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Objects;

/**
 * The outcome of one validation.
 *
 * @param valid        true only with {@link ReasonCode#OK}
 * @param reason       the stable reason code
 * @param detail       one human-readable sentence naming the certificate and the rule (never key material)
 * @param path         the path that was accepted, or the best candidate that failed, from the leaf to the
 *                     anchor; just the leaf when no path was found
 * @param failedIndex  index in {@code path} of the certificate at fault, or -1 when the fault is not one
 *                     certificate's; when a presented certificate does not decode ({@link ReasonCode#MALFORMED},
 *                     empty path) the index in the presented chain (-1 for a trust anchor)
 * @param revocation   the revocation outcome (not_checked when the path failed before revocation)
 */
public record ValidationResult(boolean valid, ReasonCode reason, String detail, List<X509Certificate> path,
                               int failedIndex, RevocationStatus revocation) {
    /** Longest {@code detail} kept. */
    public static final int MAX_DETAIL = 512;

    public ValidationResult {
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(detail, "detail");
        if (detail.length() > MAX_DETAIL) {
            detail = detail.substring(0, MAX_DETAIL) + "…"; // one sentence, whatever names or subjects a chain carries
        }
        Objects.requireNonNull(revocation, "revocation");
        path = List.copyOf(path);
        if (valid != (reason == ReasonCode.OK)) {
            throw new IllegalArgumentException("valid must be true exactly when reason is OK: " + reason);
        }
    }

    /** The subjects of {@link #path()} in RFC 2253 form, leaf first. */
    public List<String> pathSubjects() {
        return path.stream().map(c -> c.getSubjectX500Principal().getName()).toList();
    }
}
