package com.zeroui.kms.keys;

import java.security.SecureRandom;
import java.time.Clock;
import java.util.UUID;

/**
 * Key ids are UUIDv7 (RFC 9562 §5.7): 48 bits of Unix milliseconds then 74 random bits, so ordering
 * by id is creation order and cursor pagination is stable.
 */
final class KeyIds {
    private static final SecureRandom RANDOM = new SecureRandom();

    private KeyIds() {
    }

    static String newId(Clock clock) {
        long millis = clock.millis();
        long randA = RANDOM.nextInt(1 << 12);
        long msb = (millis << 16) | 0x7000L | randA;
        long lsb = (RANDOM.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
        return new UUID(msb, lsb).toString();
    }
}
