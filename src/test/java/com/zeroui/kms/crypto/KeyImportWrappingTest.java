package com.zeroui.kms.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.HexFormat;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The two halves of BYOK key transport against Wycheproof (AES-KWP, RFC 5649; RSA-OAEP with SHA-256
 * and MGF1-SHA-256), on the JDK and on the FIPS module, and the whole scheme end to end.
 */
class KeyImportWrappingTest {
    private static final HexFormat HEX = HexFormat.of();
    private static final ObjectMapper JSON = new ObjectMapper();

    static Stream<KeyImportWrapping> wrappings() {
        return Stream.of(KeyImportWrapping.jdk(), CryptoSuite.fips(FipsModule.isolated()).importWrapping());
    }

    private static JsonNode vectors(String file, String algorithm, int tests) throws IOException {
        try (InputStream in = KeyImportWrappingTest.class.getResourceAsStream("/wycheproof/" + file)) {
            JsonNode root = JSON.readTree(in);
            assertThat(root.get("algorithm").asText()).isEqualTo(algorithm);
            assertThat(root.get("numberOfTests").asInt()).isEqualTo(tests);
            return root;
        }
    }

    @ParameterizedTest
    @MethodSource("wrappings")
    void kwpUnwrapAcceptsExactlyTheValidVectors(KeyImportWrapping wrapping) throws IOException {
        int valid = 0;
        int invalid = 0;
        java.util.List<String> accepted = new java.util.ArrayList<>();
        for (JsonNode group : vectors("aes_kwp_test.json", "AES-KWP", 254).get("testGroups")) {
            for (JsonNode t : group.get("tests")) {
                byte[] key = HEX.parseHex(t.get("key").asText());
                byte[] ct = HEX.parseHex(t.get("ct").asText());
                if (t.get("result").asText().equals("valid")) {
                    try {
                        assertThat(wrapping.kwpUnwrap(key, ct)).as("tcId %s", t.get("tcId"))
                                .isEqualTo(HEX.parseHex(t.get("msg").asText()));
                    } catch (GeneralSecurityException e) {
                        throw new AssertionError("tcId " + t.get("tcId") + " valid but refused", e);
                    }
                    valid++;
                } else {
                    try {
                        byte[] out = wrapping.kwpUnwrap(key, ct);
                        // bc-fips 2.1.2 unwraps Wycheproof's "invalid wrapping of empty key" (modified padding)
                        // to nothing; unwrap() refuses empty material, so the scheme still rejects these
                        assertThat(out).as("tcId %s accepted", t.get("tcId")).isEmpty();
                        accepted.add(t.get("tcId").asText());
                    } catch (GeneralSecurityException | IllegalArgumentException e) {
                        invalid++;
                    }
                }
            }
        }
        assertThat(accepted).isSubsetOf("74", "157", "253");
        assertThat(valid).isEqualTo(77);
        assertThat(invalid + accepted.size()).isEqualTo(177);
    }

    @ParameterizedTest
    @MethodSource("wrappings")
    void rsaOaepSha256DecryptAcceptsExactlyTheValidVectors(KeyImportWrapping wrapping) throws Exception {
        int valid = 0;
        int invalid = 0;
        for (JsonNode group : vectors("rsa_oaep_2048_sha256_mgf1sha256_test.json", "RSAES-OAEP", 37).get("testGroups")) {
            PrivateKey key = KeyFactory.getInstance("RSA").generatePrivate(
                    new PKCS8EncodedKeySpec(HEX.parseHex(group.get("privateKeyPkcs8").asText())));
            for (JsonNode t : group.get("tests")) {
                byte[] ct = HEX.parseHex(t.get("ct").asText());
                boolean emptyLabel = t.get("label").asText().isEmpty();
                if (t.get("result").asText().equals("valid") && emptyLabel) {
                    assertThat(wrapping.rsaOaepDecrypt(key, ct)).as("tcId %s", t.get("tcId"))
                            .isEqualTo(HEX.parseHex(t.get("msg").asText()));
                    valid++;
                } else {
                    // a labelled vector fails too: the scheme fixes the empty label
                    assertThatThrownBy(() -> wrapping.rsaOaepDecrypt(key, ct)).as("tcId %s", t.get("tcId"))
                            .isInstanceOf(GeneralSecurityException.class);
                    invalid++;
                }
            }
        }
        assertThat(valid + invalid).isEqualTo(37);
        assertThat(valid).isPositive();
    }

    @ParameterizedTest
    @MethodSource("wrappings")
    void materialWrappedByAPeerUnwrapsAndAnyChangeIsTheOneRefusal(KeyImportWrapping wrapping) throws Exception {
        KeyPair pair = wrapping.generateWrappingKey();
        byte[] material = HEX.parseHex("00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff");
        byte[] wrapped = KeyImportWrapping.wrapForImport(pair.getPublic(), material);
        assertThat(wrapped).hasSize(384 + 40);
        assertThat(wrapping.unwrap(pair.getPrivate(), wrapped).reveal()).isEqualTo(material);
        for (int at : new int[] {0, 200, 383, 384, wrapped.length - 1}) {
            byte[] bad = wrapped.clone();
            bad[at] ^= 1;
            assertThatThrownBy(() -> wrapping.unwrap(pair.getPrivate(), bad)).as("byte %d", at)
                    .isInstanceOf(KeyImportWrapping.UnwrapException.class)
                    .hasMessage("the wrapped key material does not unwrap");
        }
        assertThatThrownBy(() -> wrapping.unwrap(pair.getPrivate(), new byte[390]))
                .isInstanceOf(KeyImportWrapping.UnwrapException.class);
    }
}
