package com.zeroui.kms.keys;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Time alone closes a grace period or a destruction window, before any scheduler writes it down. */
class KeyRecordTest {
    private static final Instant T = Instant.parse("2026-11-28T12:00:00Z");

    @Test
    void aGracePeriodEndsExactlyAtValidUntil() {
        KeyRecord k = withValidUntil(KeyRecordFixtures.key(KeyState.PENDING_ROTATION), T);
        assertThat(k.effectiveState(T.minusMillis(1))).isEqualTo(KeyState.PENDING_ROTATION);
        assertThat(k.effectiveState(T)).isEqualTo(KeyState.ARCHIVED);
        assertThat(k.asOf(T).state()).isEqualTo(KeyState.ARCHIVED);
        assertThat(k.asOf(T.minusMillis(1))).isSameAs(k);
    }

    @Test
    void aDestructionComesDueAtDestroyAfter() {
        KeyRecord base = KeyRecordFixtures.key(KeyState.PENDING_DESTRUCTION);
        KeyRecord k = new KeyRecord(base.keyId(), base.scope(), base.type(), base.usage(), null, base.state(),
                base.createdAt(), base.validFrom(), null, 0, base.policy(), base.createdBy(), base.publicKeySpki(),
                base.wrappedMaterial(), base.masterKeyId(),
                new KeyLifecycle(null, null, T, null, KeyState.ACTIVE, null, null, null));
        assertThat(k.effectiveState(T.minus(Duration.ofSeconds(1)))).isEqualTo(KeyState.PENDING_DESTRUCTION);
        assertThat(k.effectiveState(T)).isEqualTo(KeyState.DESTROYED);
    }

    @Test
    void otherStatesDoNotMoveWithTime() {
        for (KeyState s : new KeyState[] {KeyState.ACTIVE, KeyState.ARCHIVED, KeyState.REVOKED, KeyState.DESTROYED}) {
            assertThat(withValidUntil(KeyRecordFixtures.key(s), T).effectiveState(T.plus(Duration.ofDays(999)))).isEqualTo(s);
        }
    }

    private static KeyRecord withValidUntil(KeyRecord b, Instant until) {
        return new KeyRecord(b.keyId(), b.scope(), b.type(), b.usage(), null, b.state(), b.createdAt(), b.validFrom(),
                until, 0, b.policy(), b.createdBy(), b.publicKeySpki(), b.wrappedMaterial(), b.masterKeyId());
    }
}
