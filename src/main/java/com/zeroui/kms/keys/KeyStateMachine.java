package com.zeroui.kms.keys;

import com.zeroui.kms.error.ErrorCode;
import com.zeroui.kms.error.KmsException;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/**
 * The one table of which operation each key state allows. A refused operation is 409
 * {@code KEY_REVOKED} on a revoked key and 409 {@code KEY_INACTIVE} in any other state that
 * forbids it. The state table in docs/key-lifecycle.md is this table; KeyStateMachineTest checks every cell.
 *
 * <ul>
 *   <li>active: everything but cancelling a destruction that was never scheduled;</li>
 *   <li>pending_rotation (the grace period) and archived: verify (signatures and MACs) and decrypt
 *       historical data, read, revoke, schedule destruction, change policy — never sign, MAC, encrypt or
 *       derive anew, never rotate again;</li>
 *   <li>revoked: read its metadata, schedule its destruction;</li>
 *   <li>pending_destruction: read, cancel the destruction;</li>
 *   <li>destroyed: read the tombstone.</li>
 * </ul>
 */
public final class KeyStateMachine {
    private static final Map<KeyState, Set<KeyOperation>> ALLOWED = new EnumMap<>(KeyState.class);

    static {
        ALLOWED.put(KeyState.ACTIVE, EnumSet.complementOf(EnumSet.of(KeyOperation.CANCEL_DESTRUCTION)));
        Set<KeyOperation> historical = EnumSet.of(KeyOperation.VERIFY, KeyOperation.DECRYPT, KeyOperation.MAC_VERIFY,
                KeyOperation.REVOKE,
                KeyOperation.SCHEDULE_DESTRUCTION, KeyOperation.UPDATE_POLICY, KeyOperation.READ_METADATA,
                KeyOperation.READ_PUBLIC_KEY);
        ALLOWED.put(KeyState.PENDING_ROTATION, historical);
        ALLOWED.put(KeyState.ARCHIVED, historical);
        ALLOWED.put(KeyState.REVOKED, EnumSet.of(KeyOperation.READ_METADATA, KeyOperation.SCHEDULE_DESTRUCTION));
        ALLOWED.put(KeyState.PENDING_DESTRUCTION, EnumSet.of(KeyOperation.READ_METADATA, KeyOperation.CANCEL_DESTRUCTION));
        ALLOWED.put(KeyState.DESTROYED, EnumSet.of(KeyOperation.READ_METADATA));
    }

    private KeyStateMachine() {
    }

    public static boolean allows(KeyState state, KeyOperation operation) {
        return ALLOWED.get(state).contains(operation);
    }

    /** The error a refused cell answers with; null when the state allows the operation. */
    public static ErrorCode refusal(KeyState state, KeyOperation operation) {
        if (allows(state, operation)) {
            return null;
        }
        return state == KeyState.REVOKED ? ErrorCode.KEY_REVOKED : ErrorCode.KEY_INACTIVE;
    }

    /** Throws the cell's 409 unless {@code key}'s effective state at {@code now} allows the operation. */
    public static void require(KeyRecord key, KeyState effectiveState, KeyOperation operation) {
        ErrorCode code = refusal(effectiveState, operation);
        if (code != null) {
            throw new KmsException(code, "key " + key.keyId() + " is " + effectiveState.apiName() + " and cannot "
                    + operation.apiName().replace('_', ' '), Map.of("key_id", key.keyId(),
                    "key_state", effectiveState.apiName(), "operation", operation.apiName()));
        }
    }
}
