package com.zeroui.kms.trust.validation;

/**
 * A failed check inside the validator: the reason code, a sentence, and which certificate of the
 * candidate path is at fault. Carries no stack trace: it is control flow, thrown for every refused
 * candidate path.
 */
final class ValidationFailure extends Exception {
    private static final long serialVersionUID = 1L;
    private final ReasonCode reason;
    private final int index;

    ValidationFailure(ReasonCode reason, int index, String detail) {
        super(detail, null, false, false);
        this.reason = reason;
        this.index = index;
    }

    ReasonCode reason() {
        return reason;
    }

    /** Index of the certificate at fault in the candidate path (leaf = 0), or -1. */
    int index() {
        return index;
    }
}
