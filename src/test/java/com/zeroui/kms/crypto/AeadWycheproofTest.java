package com.zeroui.kms.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zeroui.kms.crypto.Wycheproof.AeadVector;
import com.zeroui.kms.crypto.Wycheproof.Result;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.crypto.SecretKey;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.TestReporter;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Wycheproof AEAD vectors through {@link CryptoSuite#seal} and {@link CryptoSuite#open}, the calls
 * EncryptionService makes, with keys built as KeyMaterialCache builds them, on every provider suite.
 *
 * <p>The service only has 256-bit keys, 96-bit nonces and 128-bit tags. Vectors with other key sizes
 * are out of scope. An invalid vector with another nonce or tag size is still run: {@code open} must
 * reject it. A valid one cannot be expressed through the API and is not run; {@link #coverage}
 * counts those per reason and asserts that enough vectors do run.
 */
class AeadWycheproofTest {
    private static final Map<AeadAlgorithm, String> FILES = Map.of(
            AeadAlgorithm.AES_256_GCM, "aes_gcm_test.json",
            AeadAlgorithm.CHACHA20_POLY1305, "chacha20_poly1305_test.json");
    private static final Map<AeadAlgorithm, String> FILE_ALGORITHMS = Map.of(
            AeadAlgorithm.AES_256_GCM, "AES-GCM",
            AeadAlgorithm.CHACHA20_POLY1305, "CHACHA20-POLY1305");

    /** Why a vector is not run through the service's API, or empty when it is. */
    static Optional<String> notRunBecause(AeadVector v) {
        if (v.keySize() != 256) {
            return Optional.of("key not 256 bits (service keys are 256-bit only)");
        }
        if (v.result() != Result.INVALID && v.ivSize() != AeadAlgorithm.NONCE_BYTES * 8) {
            return Optional.of(v.result() + " with IV ≠ 96 bits (API nonces are 12 bytes)");
        }
        if (v.result() != Result.INVALID && v.tagSize() != AeadAlgorithm.TAG_BYTES * 8) {
            return Optional.of(v.result() + " with tag ≠ 128 bits (API tags are 16 bytes)");
        }
        return Optional.empty();
    }

    static List<AeadVector> vectors(AeadAlgorithm alg) {
        return Wycheproof.aead(FILES.get(alg), FILE_ALGORITHMS.get(alg));
    }

    static List<AeadVector> runnable(AeadAlgorithm alg) {
        return vectors(alg).stream().filter(v -> notRunBecause(v).isEmpty()).toList();
    }

    static Stream<Arguments> runnableVectors() {
        return ProviderSuites.stream().flatMap(labeled -> Stream.of(AeadAlgorithm.values())
                .filter(alg -> ProviderSuites.serves(labeled, alg)).flatMap(alg -> {
            ProviderSuites.Labeled suite = labeled.serving("aead:" + alg.apiName());
            return runnable(alg).stream().map(v -> Arguments.of(alg, suite, v));
        }));
    }

    @ParameterizedTest(name = "{0} · {1} · {2}")
    @MethodSource("runnableVectors")
    void vector(AeadAlgorithm alg, ProviderSuites.Labeled s, AeadVector v, TestReporter reporter) throws Exception {
        String context = alg + " · " + s + " · " + v; // surefire reports drop display names; failures carry this instead
        CryptoSuite suite = s.suite();
        SecretKey key = CryptoSuite.secretKey(SecretBytes.copyOf(v.key()), alg);
        switch (v.result()) {
            case VALID -> {
                assertThat(suite.seal(alg, key, v.iv(), v.msg(), v.aad())).as(context + ": seal gives ct||tag")
                        .isEqualTo(v.ctAndTag());
                assertThat(suite.open(alg, key, v.iv(), v.ctAndTag(), v.aad())).as(context + ": open gives msg")
                        .isEqualTo(v.msg());
            }
            case INVALID -> assertThatThrownBy(() -> suite.open(alg, key, v.iv(), v.ctAndTag(), v.aad()))
                    .as(context + ": open rejects").isExactlyInstanceOf(AeadAuthenticationException.class);
            case ACCEPTABLE -> {
                boolean accepted;
                try {
                    byte[] plaintext = suite.open(alg, key, v.iv(), v.ctAndTag(), v.aad());
                    assertThat(plaintext).as(context + ": accepted, so must give msg").isEqualTo(v.msg());
                    accepted = true;
                } catch (AeadAuthenticationException rejected) {
                    accepted = false;
                }
                Wycheproof.recordAcceptable(reporter, context, accepted);
            }
        }
    }

    /** The display name states, per algorithm, how many vectors run per suite and why the rest do not. */
    static Stream<Arguments> coverageCases() {
        return Stream.of(AeadAlgorithm.values()).map(alg -> {
            List<AeadVector> all = vectors(alg);
            Map<String, Long> notRun = all.stream().flatMap(v -> notRunBecause(v).stream())
                    .collect(Collectors.groupingBy(r -> r, TreeMap::new, Collectors.counting()));
            List<AeadVector> run = runnable(alg);
            String summary = alg + ": " + run.size() + " of " + all.size() + " vectors run on each suite ("
                    + count(run, Result.VALID) + " valid, " + count(run, Result.INVALID) + " invalid); not run: "
                    + (notRun.isEmpty() ? "none" : notRun);
            return Arguments.of(Named.of(summary, alg), summary);
        });
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("coverageCases")
    void coverage(AeadAlgorithm alg, String summary, TestReporter reporter) {
        reporter.publishEntry("coverage", summary);
        System.out.println("Wycheproof coverage: " + summary);
        List<AeadVector> run = runnable(alg);
        int minimum = alg == AeadAlgorithm.AES_256_GCM ? 50 : 300;
        assertThat(run).as("vectors run for " + alg).hasSizeGreaterThan(minimum);
        assertThat(count(run, Result.VALID)).as("valid vectors run").isGreaterThan(30);
        assertThat(count(run, Result.INVALID)).as("invalid vectors run").isGreaterThan(20);
        assertThat(run).as("every vector run has a 256-bit key").allSatisfy(v -> assertThat(v.key()).hasSize(32));
        if (alg == AeadAlgorithm.CHACHA20_POLY1305) {
            assertThat(vectors(alg)).as("every ChaCha20-Poly1305 vector is expressible").hasSameSizeAs(run);
        }
    }

    private static long count(List<AeadVector> vectors, Result result) {
        return vectors.stream().filter(v -> v.result() == result).count();
    }
}
