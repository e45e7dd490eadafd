package com.zeroui.kms.client.jca;

import java.math.BigInteger;
import java.util.Arrays;

/**
 * ECDSA signatures between JOSE's fixed-length {@code r‖s} (what the service signs and verifies) and the
 * DER {@code SEQUENCE {INTEGER r, INTEGER s}} the JCA's {@code SHA256withECDSA} speaks. Written out here
 * because the client depends on nothing but the JDK and Jackson; P-256 signatures are short-form DER.
 */
final class EcdsaDer {
    private EcdsaDer() {
    }

    static byte[] fromRaw(byte[] raw) {
        byte[] r = integer(Arrays.copyOfRange(raw, 0, raw.length / 2));
        byte[] s = integer(Arrays.copyOfRange(raw, raw.length / 2, raw.length));
        byte[] out = new byte[2 + r.length + s.length];
        out[0] = 0x30;
        out[1] = (byte) (r.length + s.length);
        System.arraycopy(r, 0, out, 2, r.length);
        System.arraycopy(s, 0, out, 2 + r.length, s.length);
        return out;
    }

    /** The r‖s of a DER signature, each {@code fieldBytes} long; null for anything but strict DER that fits. */
    static byte[] toRaw(byte[] der, int fieldBytes) {
        if (der.length < 8 || der[0] != 0x30 || (der[1] & 0xff) != der.length - 2) {
            return null;
        }
        byte[] out = new byte[2 * fieldBytes];
        int next = integerInto(der, 2, out, 0, fieldBytes);
        if (next < 0 || integerInto(der, next, out, fieldBytes, fieldBytes) != der.length) {
            return null;
        }
        return out;
    }

    private static byte[] integer(byte[] unsigned) {
        byte[] value = new BigInteger(1, unsigned).toByteArray(); // minimal, with a leading 0 when the top bit is set
        byte[] out = new byte[2 + value.length];
        out[0] = 0x02;
        out[1] = (byte) value.length;
        System.arraycopy(value, 0, out, 2, value.length);
        return out;
    }

    /** Copies the positive minimal INTEGER at {@code at} right-aligned into out; the index after it, or -1. */
    private static int integerInto(byte[] der, int at, byte[] out, int offset, int fieldBytes) {
        if (at + 2 > der.length || der[at] != 0x02) {
            return -1;
        }
        int length = der[at + 1] & 0xff;
        int start = at + 2;
        if (length == 0 || length > 0x7f || start + length > der.length || der[start] < 0
                || (length > 1 && der[start] == 0 && der[start + 1] >= 0)) {
            return -1; // empty, long-form, truncated, negative or not minimal
        }
        int skip = der[start] == 0 ? 1 : 0;
        if (length - skip > fieldBytes) {
            return -1;
        }
        System.arraycopy(der, start + skip, out, offset + fieldBytes - (length - skip), length - skip);
        return start + length;
    }
}
