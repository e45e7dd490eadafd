package com.zeroui.kms.keys;

import com.zeroui.kms.crypto.KeyType;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.UUID;

/** Key records for unit tests; nothing here is stored or usable key material. */
final class KeyRecordFixtures {
    private KeyRecordFixtures() {
    }

    static KeyRecord key(KeyState state) {
        Instant now = Instant.parse("2026-11-28T12:00:00Z");
        return new KeyRecord(UUID.randomUUID().toString(), new KeyScope("acme", Environment.DEV, Plane.TENANT),
                KeyType.ED25519, EnumSet.of(KeyUsage.SIGN, KeyUsage.VERIFY), null, state, now, now, null, 0,
                new AccessPolicy(List.of("M21"), false, 1000), "M21", new byte[] {1}, new byte[] {2}, "mk");
    }
}
