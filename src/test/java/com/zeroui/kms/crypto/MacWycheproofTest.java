package com.zeroui.kms.crypto;

import static org.assertj.core.api.Assertions.assertThat;

import com.zeroui.kms.crypto.Wycheproof.MacVector;
import com.zeroui.kms.crypto.Wycheproof.Result;
import java.util.List;
import java.util.stream.Stream;
import javax.crypto.SecretKey;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Wycheproof's HMAC-SHA256 vectors against every provider suite. The service computes and accepts
 * full 256-bit tags only: a valid vector with a 256-bit tag must verify and reproduce the tag; a
 * valid vector with a truncated (128-bit) tag must be refused, since a truncated tag is not ours.
 */
class MacWycheproofTest {
    static List<MacVector> vectors() {
        return Wycheproof.macs("hmac_sha256_test.json", "HMACSHA256");
    }

    static Stream<Arguments> allVectors() {
        return ProviderSuites.stream().filter(s -> s.suite().refusal(MacAlgorithm.HMAC_SHA256).isEmpty())
                .flatMap(s -> vectors().stream().map(v -> Arguments.of(s.serving("mac:HMAC-SHA256"), v)));
    }

    @ParameterizedTest(name = "{0} · {1}")
    @MethodSource("allVectors")
    void vector(ProviderSuites.Labeled s, MacVector v) {
        String context = s + " · " + v;
        SecretKey key = CryptoSuite.secretKey(SecretBytes.copyOf(v.key()), "HmacSHA256");
        boolean fullTag = v.tagSize() == 256;
        boolean verified = s.suite().verifyMac(MacAlgorithm.HMAC_SHA256, key, v.msg(), v.tag());
        if (v.result() == Result.VALID && fullTag) {
            assertThat(verified).as(context + ": valid tag verifies").isTrue();
            assertThat(s.suite().mac(MacAlgorithm.HMAC_SHA256, key, v.msg())).as(context).isEqualTo(v.tag());
        } else {
            assertThat(verified).as(context + (fullTag ? ": invalid tag is rejected" : ": truncated tag is rejected"))
                    .isFalse();
        }
    }

    @Test
    void vectorsCoverValidInvalidAndTruncatedTags() {
        List<MacVector> all = vectors();
        assertThat(all.stream().filter(v -> v.result() == Result.VALID && v.tagSize() == 256)).hasSizeGreaterThan(5);
        assertThat(all.stream().filter(v -> v.result() == Result.INVALID && v.tagSize() == 256)).hasSizeGreaterThan(20);
        assertThat(all.stream().filter(v -> v.tagSize() == 128)).isNotEmpty();
    }
}
