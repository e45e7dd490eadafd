package com.zeroui.kms.trust.validation;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bouncycastle.asn1.ASN1GeneralizedTime;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.ASN1UTCTime;
import org.bouncycastle.asn1.x509.Time;

/**
 * Reads X.509 times at full precision. RFC 5280 wants UTCTime YYMMDDHHMMSSZ and GeneralizedTime
 * YYYYMMDDHHMMSSZ; we also accept fractional seconds in GeneralizedTime, of any length, and compare
 * them to the nanosecond: a certificate whose notAfter is 23:59:59.5 is still valid at 23:59:59.4.
 * Anything else (missing seconds, local times, offsets) is refused.
 */
final class Asn1Times {
    private static final Pattern UTC = Pattern.compile("(\\d{2})(\\d{2})(\\d{2})(\\d{2})(\\d{2})(\\d{2})Z");
    private static final Pattern GENERALIZED =
            Pattern.compile("(\\d{4})(\\d{2})(\\d{2})(\\d{2})(\\d{2})(\\d{2})(?:\\.(\\d{1,9})\\d*)?Z");

    private Asn1Times() {
    }

    /** The instant, or throws IllegalArgumentException naming the bad value. */
    static Instant toInstant(Time time) {
        ASN1Primitive primitive = time.toASN1Primitive();
        String text = contents(primitive);
        if (primitive instanceof ASN1UTCTime) {
            Matcher m = UTC.matcher(text);
            if (!m.matches()) {
                throw new IllegalArgumentException("UTCTime is not YYMMDDHHMMSSZ: " + text);
            }
            int yy = Integer.parseInt(m.group(1));
            // RFC 5280 4.1.2.5.1: YY >= 50 is 19YY, otherwise 20YY
            int year = yy >= 50 ? 1900 + yy : 2000 + yy;
            return of(year, m, 0);
        }
        if (primitive instanceof ASN1GeneralizedTime) {
            Matcher m = GENERALIZED.matcher(text);
            if (!m.matches()) {
                throw new IllegalArgumentException("GeneralizedTime is not YYYYMMDDHHMMSS[.f]Z: " + text);
            }
            int nanos = 0;
            if (m.group(7) != null) {
                String digits = (m.group(7) + "000000000").substring(0, 9);
                nanos = Integer.parseInt(digits);
            }
            return of(Integer.parseInt(m.group(1)), m, nanos);
        }
        throw new IllegalArgumentException("time is neither UTCTime nor GeneralizedTime");
    }

    private static Instant of(int year, Matcher m, int nanos) {
        try {
            return LocalDateTime.of(year, Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3)),
                    Integer.parseInt(m.group(4)), Integer.parseInt(m.group(5)), Integer.parseInt(m.group(6)), nanos)
                    .toInstant(ZoneOffset.UTC);
        } catch (java.time.DateTimeException e) {
            throw new IllegalArgumentException("time is out of range: " + e.getMessage(), e);
        }
    }

    private static String contents(ASN1Primitive primitive) {
        try {
            byte[] encoded = primitive.getEncoded();
            // tag, one length octet (times are always shorter than 128 octets), contents
            if (encoded.length < 2 || (encoded[1] & 0x80) != 0 || encoded[1] != encoded.length - 2) {
                throw new IllegalArgumentException("time has an unexpected length");
            }
            return new String(encoded, 2, encoded.length - 2, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new IllegalArgumentException("time does not encode", e);
        }
    }
}
