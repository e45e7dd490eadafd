package com.zeroui.kms.trust.validation;

import static com.zeroui.kms.trust.validation.Chains.assertFails;
import static com.zeroui.kms.trust.validation.Chains.assertOk;
import static com.zeroui.kms.trust.validation.Chains.validate;
import static com.zeroui.kms.trust.validation.TestPki.NOW;
import static com.zeroui.kms.trust.validation.TestPki.cert;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zeroui.kms.trust.validation.TestPki.Issued;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.bouncycastle.asn1.ASN1GeneralizedTime;
import org.bouncycastle.asn1.ASN1UTCTime;
import org.bouncycastle.asn1.x509.Time;
import org.junit.jupiter.api.Test;

/** notBefore/notAfter on every certificate, anchors included, to the nanosecond. */
class ValidityTest {
    private final Issued root = TestPki.root("Root");
    private final Issued intermediate = TestPki.intermediate("Intermediate", root);

    private static ValidationResult at(Instant time, Issued leaf, Issued intermediate, Issued root) {
        return Chains.VALIDATOR.validate(Chains.request(leaf, List.of(intermediate), root).time(time).build());
    }

    @Test
    void validityBoundsAreInclusive() {
        Instant from = NOW.minus(Duration.ofDays(1));
        Instant to = NOW.plus(Duration.ofDays(1));
        Issued leaf = cert("CN=a").issuer(intermediate).leaf().validity(from, to).build();
        assertOk(at(from, leaf, intermediate, root));
        assertOk(at(to, leaf, intermediate, root));
        assertFails(at(from.minusSeconds(1), leaf, intermediate, root), ReasonCode.NOT_YET_VALID, 0);
        assertFails(at(to.plusSeconds(1), leaf, intermediate, root), ReasonCode.EXPIRED, 0);
    }

    @Test
    void anExpiredIntermediateOrRootFails() {
        Issued expiredIntermediate = cert("CN=Old CA").issuer(root).ca()
                .validity(NOW.minus(Duration.ofDays(400)), NOW.minus(Duration.ofDays(1))).build();
        assertFails(validate(TestPki.leaf("a.example", expiredIntermediate), expiredIntermediate, root),
                ReasonCode.EXPIRED, 1);
        Issued expiredRoot = cert("CN=Old Root").ca()
                .validity(NOW.minus(Duration.ofDays(400)), NOW.minus(Duration.ofDays(1))).build();
        Issued under = TestPki.intermediate("CA", expiredRoot);
        assertFails(validate(TestPki.leaf("a.example", under), under, expiredRoot), ReasonCode.EXPIRED, 2);
        Issued futureRoot = cert("CN=Future Root").ca()
                .validity(NOW.plus(Duration.ofDays(1)), NOW.plus(Duration.ofDays(400))).build();
        Issued under2 = TestPki.intermediate("CA2", futureRoot);
        assertFails(validate(TestPki.leaf("a.example", under2), under2, futureRoot), ReasonCode.NOT_YET_VALID, 2);
    }

    @Test
    void fractionalSecondsInNotAfterAreHonouredNotRefused() {
        // RFC 5280 asks CAs not to emit fractional seconds, but some do; the leaf is valid until 12:00:00.5
        Issued leaf = cert("CN=frac.example").issuer(intermediate).leaf().dns("frac.example")
                .notAfterGeneralized("20260301120000.5Z").build();
        assertOk(at(NOW.plusMillis(400), leaf, intermediate, root));
        assertOk(at(NOW.plusMillis(500), leaf, intermediate, root));
        assertFails(at(NOW.plusMillis(501), leaf, intermediate, root), ReasonCode.EXPIRED, 0);
        Issued longFraction = cert("CN=frac2.example").issuer(intermediate).leaf()
                .notAfterGeneralized("20260301120000.123456789Z").build();
        assertOk(at(NOW.plusNanos(123_456_789), longFraction, intermediate, root));
        assertFails(at(NOW.plusNanos(123_456_790), longFraction, intermediate, root), ReasonCode.EXPIRED);
    }

    @Test
    void onlyTheRfc5280TimeFormsAreRead() {
        assertThat(Asn1Times.toInstant(new Time(new ASN1UTCTime("260301120000Z")))).isEqualTo(NOW);
        assertThat(Asn1Times.toInstant(new Time(new ASN1UTCTime("500101000000Z"))))
                .isEqualTo(Instant.parse("1950-01-01T00:00:00Z"));
        assertThat(Asn1Times.toInstant(new Time(new ASN1GeneralizedTime("20260301120000.25Z"))))
                .isEqualTo(NOW.plusMillis(250));
        for (String bad : new String[] {"202603011200Z", "20260301120000", "20260301120000+0100"}) {
            assertThatThrownBy(() -> Asn1Times.toInstant(new Time(new ASN1GeneralizedTime(bad))))
                    .as(bad).isInstanceOf(IllegalArgumentException.class);
        }
    }
}
