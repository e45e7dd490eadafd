package com.zeroui.kms.audit;

import com.zeroui.kms.auth.CallerIdentity;
import com.zeroui.kms.error.KmsException;

/**
 * Told of every refused operation (a {@link KmsException} from inside {@link AuditTrail#run}) just
 * before its receipt is written: where policy violations are counted and watched.
 */
@FunctionalInterface
public interface RefusalObserver {
    /**
     * @param keyId the resolved key id, or the key as requested when it was not resolved; null when none
     */
    void refused(CallerIdentity caller, String keyId, KmsException refusal);
}
