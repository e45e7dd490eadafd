package com.zeroui.kms.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.generators.HKDFBytesGenerator;
import org.bouncycastle.crypto.generators.PKCS5S2ParametersGenerator;
import org.bouncycastle.crypto.params.HKDFParameters;
import org.bouncycastle.crypto.params.KeyParameter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * HKDF-SHA256 and PBKDF2-HMAC-SHA256 as POST /derive runs them, against the published vectors
 * (Wycheproof, which include RFC 5869 A.1–A.3 and RFC 7914 §11) and against Bouncy Castle's own
 * generators (an independent implementation) on random inputs, on every provider the node may use.
 */
class KeyDerivationTest {
    private static final HexFormat HEX = HexFormat.of();
    private static final ObjectMapper JSON = new ObjectMapper();

    static Stream<KeyDerivation> providers() {
        List<KeyDerivation> out = new ArrayList<>();
        out.add(KeyDerivation.on(null));
        CryptoSuite.correttoIfLoaded().ifPresent(accp -> out.add(KeyDerivation.on(accp)));
        return out.stream();
    }

    private static JsonNode vectors(String file, String algorithm, int tests) throws IOException {
        try (InputStream in = KeyDerivationTest.class.getResourceAsStream("/wycheproof/" + file)) {
            JsonNode root = JSON.readTree(in);
            assertThat(root.get("algorithm").asText()).isEqualTo(algorithm);
            assertThat(root.get("numberOfTests").asInt()).isEqualTo(tests);
            return root;
        }
    }

    @ParameterizedTest
    @MethodSource("providers")
    void hkdfMatchesEveryWycheproofVectorIncludingRfc5869(KeyDerivation kdf) throws IOException {
        int valid = 0;
        int invalid = 0;
        for (JsonNode group : vectors("hkdf_sha256_test.json", "HKDF-SHA-256", 86).get("testGroups")) {
            for (JsonNode t : group.get("tests")) {
                byte[] ikm = HEX.parseHex(t.get("ikm").asText());
                byte[] salt = HEX.parseHex(t.get("salt").asText());
                byte[] info = HEX.parseHex(t.get("info").asText());
                int size = t.get("size").asInt();
                if (t.get("result").asText().equals("valid")) {
                    assertThat(HEX.formatHex(kdf.hkdfSha256(ikm, salt, info, size))).as("tcId %s", t.get("tcId"))
                            .isEqualTo(t.get("okm").asText());
                    valid++;
                } else {
                    assertThatThrownBy(() -> kdf.hkdfSha256(ikm, salt, info, size)).as("tcId %s", t.get("tcId"))
                            .isInstanceOf(IllegalArgumentException.class);
                    invalid++;
                }
            }
        }
        assertThat(valid).isEqualTo(83);
        assertThat(invalid).isEqualTo(3);
    }

    @ParameterizedTest
    @MethodSource("providers")
    void hkdfAgreesWithBouncyCastlesGeneratorOnRandomInputs(KeyDerivation kdf) {
        Random random = new Random(5869);
        for (int i = 0; i < 200; i++) {
            byte[] ikm = bytes(random, 1 + random.nextInt(80));
            byte[] salt = bytes(random, random.nextInt(3) == 0 ? 0 : random.nextInt(80));
            byte[] info = bytes(random, random.nextInt(60));
            int length = 1 + random.nextInt(1024);
            HKDFBytesGenerator bc = new HKDFBytesGenerator(new SHA256Digest());
            bc.init(new HKDFParameters(ikm, salt.length == 0 ? null : salt, info));
            byte[] expected = new byte[length];
            bc.generateBytes(expected, 0, length);
            assertThat(kdf.hkdfSha256(ikm, salt, info, length)).isEqualTo(expected);
        }
    }

    /**
     * The API takes the credential as text (JCA's PBEKeySpec is char[], encoded as UTF-8 by the JDK and
     * the FIPS module alike), so the 17 vectors whose password bytes are not UTF-8 cannot be expressed
     * and are counted, not run; every other vector is.
     */
    @Test
    void pbkdf2MatchesEveryWycheproofVectorWhosePasswordIsText() throws IOException {
        KeyDerivation kdf = KeyDerivation.on(null);
        int run = 0;
        int notText = 0;
        for (JsonNode group : vectors("pbkdf2_hmacsha256_test.json", "PBKDF2-HMACSHA256", 60).get("testGroups")) {
            for (JsonNode t : group.get("tests")) {
                assertThat(t.get("result").asText()).isEqualTo("valid");
                String password = utf8(HEX.parseHex(t.get("password").asText()));
                if (password == null) {
                    notText++;
                    continue;
                }
                byte[] dk = kdf.pbkdf2Sha256(password.toCharArray(), HEX.parseHex(t.get("salt").asText()),
                        t.get("iterationCount").asInt(), t.get("dkLen").asInt());
                assertThat(HEX.formatHex(dk)).as("tcId %s", t.get("tcId")).isEqualTo(t.get("dk").asText());
                run++;
            }
        }
        assertThat(run).isEqualTo(43);
        assertThat(notText).isEqualTo(17);
    }

    @Test
    void pbkdf2AgreesWithBouncyCastlesGeneratorOnRandomTextPasswords() {
        KeyDerivation kdf = KeyDerivation.on(null);
        Random random = new Random(8018);
        for (int i = 0; i < 40; i++) {
            StringBuilder password = new StringBuilder();
            for (int c = 0, n = 1 + random.nextInt(40); c < n; c++) {
                password.appendCodePoint(random.nextInt(4) == 0 ? 0x80 + random.nextInt(0x2000) : 0x21 + random.nextInt(94));
            }
            byte[] salt = bytes(random, 16 + random.nextInt(32));
            int iterations = 1 + random.nextInt(2000);
            int length = 1 + random.nextInt(100);
            PKCS5S2ParametersGenerator bc = new PKCS5S2ParametersGenerator(new SHA256Digest());
            bc.init(password.toString().getBytes(StandardCharsets.UTF_8), salt, iterations);
            byte[] expected = ((KeyParameter) bc.generateDerivedParameters(length * 8)).getKey();
            assertThat(kdf.pbkdf2Sha256(password.toString().toCharArray(), salt, iterations, length)).isEqualTo(expected);
        }
    }

    @Test
    void fipsModeServesPbkdf2FromTheModuleAndRefusesHkdfNamingWhy() {
        KeyDerivation fips = CryptoSuite.fips(FipsModule.isolated()).derivation();
        assertThat(fips.hkdfRefusal()).hasValueSatisfying(reason -> assertThat(reason)
                .contains("HKDF-SHA256", "not a FIPS 140-3 approved", "PBKDF2-HMAC-SHA256 is available"));
        assertThatThrownBy(() -> fips.hkdfSha256(new byte[32], new byte[0], new byte[0], 32))
                .isInstanceOf(IllegalStateException.class);
        char[] password = "correct horse battery staple".toCharArray();
        byte[] salt = HEX.parseHex("000102030405060708090a0b0c0d0e0f");
        byte[] fromModule = fips.pbkdf2Sha256(password.clone(), salt, 1000, 32);
        assertThat(fromModule).isEqualTo(KeyDerivation.on(null).pbkdf2Sha256(password.clone(), salt, 1000, 32));
        assertThat(KeyDerivation.on(null).hkdfRefusal()).isEmpty();
        // the module refuses a password under 112 bits with an Error: it must reach the service as a bad request
        assertThatThrownBy(() -> fips.pbkdf2Sha256("pw".toCharArray(), salt, 1000, 32))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("112 bits");
    }

    @Test
    void randomBytesComeFromADrbgAndTheModulesInFipsMode() {
        CryptoSuite fips = CryptoSuite.fips(FipsModule.isolated());
        assertThat(fips.randomSource()).isEqualTo("DEFAULT (BCFIPS)");
        assertThat(fips.randomBytes(1024)).hasSize(1024).isNotEqualTo(new byte[1024]);
        CryptoSuite jdk = CryptoSuite.select(CryptoSuite.Preference.JDK);
        assertThat(jdk.randomSource()).isEqualTo("DRBG (SUN)");
        CryptoSuite.correttoIfLoaded().ifPresent(accp -> assertThat(CryptoSuite.select(CryptoSuite.Preference.ACCP)
                .randomSource()).isEqualTo("DEFAULT (" + accp.getName() + ")"));
        assertThat(jdk.randomBytes(16)).isNotEqualTo(jdk.randomBytes(16));
    }

    private static byte[] bytes(Random random, int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }

    /** The bytes as text when they are well-formed UTF-8, else null. */
    private static String utf8(byte[] bytes) {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

}
