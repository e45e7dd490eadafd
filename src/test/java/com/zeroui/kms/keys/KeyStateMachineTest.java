package com.zeroui.kms.keys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zeroui.kms.error.ErrorCode;
import com.zeroui.kms.error.KmsException;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every cell of the state table in docs/key-lifecycle.md, written out here independently of the implementation. */
class KeyStateMachineTest {
    private static final String OK = "ok";
    private static final String REV = "KEY_REVOKED";
    private static final String INA = "KEY_INACTIVE";

    /**
     * Columns: sign, verify, encrypt, decrypt, rotate, revoke, schedule_destruction, cancel_destruction,
     * update_policy, read_metadata, read_public_key, derive, mac, mac_verify.
     */
    private static final Map<KeyState, List<String>> TABLE = new EnumMap<>(Map.of(
            KeyState.ACTIVE, List.of(OK, OK, OK, OK, OK, OK, OK, INA, OK, OK, OK, OK, OK, OK),
            KeyState.PENDING_ROTATION, List.of(INA, OK, INA, OK, INA, OK, OK, INA, OK, OK, OK, INA, INA, OK),
            KeyState.ARCHIVED, List.of(INA, OK, INA, OK, INA, OK, OK, INA, OK, OK, OK, INA, INA, OK),
            KeyState.REVOKED, List.of(REV, REV, REV, REV, REV, REV, OK, REV, REV, OK, REV, REV, REV, REV),
            KeyState.PENDING_DESTRUCTION, List.of(INA, INA, INA, INA, INA, INA, INA, OK, INA, OK, INA, INA, INA, INA),
            KeyState.DESTROYED, List.of(INA, INA, INA, INA, INA, INA, INA, INA, INA, OK, INA, INA, INA, INA)));

    static Stream<Arguments> cells() {
        return TABLE.entrySet().stream().flatMap(row -> Stream.of(KeyOperation.values())
                .map(op -> Arguments.of(row.getKey(), op, row.getValue().get(op.ordinal()))));
    }

    @ParameterizedTest(name = "{0} × {1} → {2}")
    @MethodSource("cells")
    void everyCellAllowsOrRefusesWithItsCode(KeyState state, KeyOperation operation, String expected) {
        assertThat(KeyOperation.values()).hasSize(14);
        KeyRecord key = KeyRecordFixtures.key(state);
        if (expected.equals(OK)) {
            assertThat(KeyStateMachine.allows(state, operation)).isTrue();
            KeyStateMachine.require(key, state, operation);
        } else {
            assertThat(KeyStateMachine.refusal(state, operation)).isEqualTo(ErrorCode.valueOf(expected));
            assertThatThrownBy(() -> KeyStateMachine.require(key, state, operation))
                    .isInstanceOfSatisfying(KmsException.class, e -> {
                        assertThat(e.code()).isEqualTo(ErrorCode.valueOf(expected));
                        assertThat(e.getMessage()).contains(key.keyId()).contains(state.apiName());
                    });
        }
    }
}
