package com.zeroui.kms.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zeroui.kms.client.model.EncryptResult;
import com.zeroui.kms.client.model.ImportParams;
import com.zeroui.kms.client.model.KeyMetadata;
import com.zeroui.kms.client.model.NewKey;
import com.zeroui.kms.crypto.KeyImportWrapping;
import com.zeroui.kms.support.TestNode;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.util.UUID;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** BYOK through the client library against a real node: wrap on the caller's side, import, use. */
class KeyImportClientIT {
    static final Scope ACME = new Scope("acme", "dev", "tenant");
    static TestNode node;
    static KmsClient module;

    @BeforeAll
    static void start() {
        node = TestNode.start();
        module = ClientsForTests.module(node, "M21", "acme", ACME);
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    private static byte[] aes256() {
        byte[] material = new byte[32];
        new SecureRandom().nextBytes(material);
        return material;
    }

    /** The imported key holds exactly the caller's material: its ciphertext opens with a plain JDK AES-GCM. */
    private static void assertEncryptsUnder(KmsClient client, String keyId, byte[] material) throws Exception {
        EncryptResult enc = client.crypto().encrypt(keyId, "byok".getBytes(), null, null);
        Cipher gcm = Cipher.getInstance("AES/GCM/NoPadding");
        gcm.init(Cipher.DECRYPT_MODE, new SecretKeySpec(material, "AES"), new GCMParameterSpec(128, enc.iv()));
        assertThat(gcm.doFinal(enc.ciphertext())).isEqualTo("byok".getBytes());
        assertThat(client.crypto().decryptBlob(enc.ciphertextBlob(), null).plaintext()).isEqualTo("byok".getBytes());
    }

    @Test
    void anAes256KeyIsImportedInOneCallAndUsed() throws Exception {
        byte[] material = aes256();
        String alias = "byok-" + UUID.randomUUID().toString().substring(0, 8);
        KeyMetadata key = module.keys().importKey(NewKey.of("AES-256", "encrypt", "decrypt").alias(alias), material);
        assertThat(key.origin()).isEqualTo("external");
        assertThat(key.keyType()).isEqualTo("AES-256");
        assertThat(key.keyAlias()).isEqualTo(alias);
        assertThat(key.receiptId()).isNotBlank();
        assertThat(module.keys().get("alias/" + alias).keyId()).isEqualTo(key.keyId());
        assertEncryptsUnder(module, "alias/" + alias, material);
        assertThat(module.audit().receipt(key.receiptId()).receipt().get("operation")).isEqualTo("key_imported");
    }

    @Test
    void theTwoStepsAreTypedAndTheWrappingMatchesTheServersOwnUnwrap() throws Exception {
        ImportParams params = module.keys().importParams("AES-256");
        assertThat(params.wrappingAlgorithm()).isEqualTo(KeyMaterialWrapping.ALGORITHM)
                .isEqualTo(KeyImportWrapping.ALGORITHM);
        assertThat(params.keyType()).isEqualTo("AES-256");
        assertThat(params.importToken()).isNotBlank();
        assertThat(params.expiresAt()).isNotBlank();
        byte[] material = aes256();
        byte[] wrapped = KeyMaterialWrapping.wrap(params.wrappingPublicKey(), material);
        assertThat(wrapped.length).as("RSA-3072 OAEP block, then KWP of 32 bytes").isEqualTo(384 + 40);

        KeyMetadata key = module.keys().importKey(params.importToken(), wrapped, NewKey.of("AES-256", "encrypt", "decrypt"));
        assertThat(key.origin()).isEqualTo("external");
        assertEncryptsUnder(module, key.keyId(), material);

        // the token is one-time: the same wrapped material cannot import a second key
        assertThatThrownBy(() -> module.keys().importKey(params.importToken(), wrapped, NewKey.of("AES-256", "encrypt")))
                .isInstanceOfSatisfying(KmsApiException.class, e -> assertThat(e.status()).isBetween(400, 499));
    }

    @Test
    void materialWrappedForAnotherKeyIsRefusedWithTheConstantMessage() {
        ImportParams params = module.keys().importParams("AES-256");
        KeyPair other = KeyImportWrapping.jdk().generateWrappingKey();
        String otherPem = "-----BEGIN PUBLIC KEY-----\n"
                + java.util.Base64.getMimeEncoder().encodeToString(other.getPublic().getEncoded()) + "\n-----END PUBLIC KEY-----\n";
        byte[] wrongly = KeyMaterialWrapping.wrap(otherPem, aes256());
        assertThatThrownBy(() -> module.keys().importKey(params.importToken(), wrongly, NewKey.of("AES-256", "encrypt")))
                .isInstanceOfSatisfying(KmsApiException.class, e -> {
                    assertThat(e.status()).isEqualTo(400);
                    assertThat(e.error().message()).isEqualTo("wrapped_key_material does not unwrap to a key of the"
                            + " import's key_type with these import parameters");
                });
        assertThatThrownBy(() -> KeyMaterialWrapping.wrap(params.wrappingPublicKey(), new byte[0]))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> module.keys().importKey(NewKey.of("AES-256", "encrypt").protectionLevel("hsm"), aes256()))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
