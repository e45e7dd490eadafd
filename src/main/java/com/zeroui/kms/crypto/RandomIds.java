package com.zeroui.kms.crypto;

import java.security.SecureRandom;
import java.time.Clock;
import java.util.UUID;

/**
 * UUIDv7 (RFC 9562 §5.7): 48 bits of Unix milliseconds then 74 random bits, so ordering by id is
 * creation order (stable cursors) and ids are still unguessable.
 */
public final class RandomIds {
    private static final SecureRandom RANDOM = new SecureRandom();

    private RandomIds() {
    }

    public static String uuid7(Clock clock) {
        long msb = (clock.millis() << 16) | 0x7000L | RANDOM.nextInt(1 << 12);
        long lsb = (RANDOM.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
        return new UUID(msb, lsb).toString();
    }
}
