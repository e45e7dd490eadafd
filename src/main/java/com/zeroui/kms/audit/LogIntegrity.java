package com.zeroui.kms.audit;

import com.zeroui.kms.error.KmsException;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * Whether the stored receipt log is still the log that was verified. {@link AuditSelfCheck} sets
 * it; appending receipts, signing tree heads and the health check only read it, so each costs one
 * volatile read. Once broken it stays broken until the process restarts: an audit log that cannot
 * be trusted must not be extended, and only an operator can decide what to restore.
 */
public final class LogIntegrity {
    /** Where the stored log first differs from what was verified, and how. */
    public record Breach(long firstBadIndex, String reason, Instant detectedAt) {
        public String message() {
            return "the stored receipt log does not match what was verified, from log index " + firstBadIndex + ": "
                    + reason;
        }
    }

    private volatile Breach breach;

    /** Records a breach; the first one found is the one kept. */
    public synchronized void report(Breach found) {
        if (breach == null) {
            breach = found;
        }
    }

    public Optional<Breach> breach() {
        return Optional.ofNullable(breach);
    }

    /** Health (critical): throws while the log is broken. */
    public void check() {
        Breach b = breach;
        if (b != null) {
            throw new IllegalStateException(b.message());
        }
    }

    /**
     * Throws 503 DEPENDENCY_UNAVAILABLE, not retryable, naming the first bad index, while the log is
     * broken: retrying cannot help until an operator restores the log.
     */
    public void requireIntact() {
        Breach b = breach;
        if (b != null) {
            throw KmsException.halted("audit_log", b.message() + "; no receipts are written until an operator"
                    + " restores the log (see docs/audit.md)", Map.of("first_bad_index", b.firstBadIndex()));
        }
    }
}
