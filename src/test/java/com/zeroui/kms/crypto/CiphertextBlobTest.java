package com.zeroui.kms.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** The self-describing ciphertext's byte layout (docs/adr/0032) and its refusal of anything else. */
class CiphertextBlobTest {
    private static final byte[] NONCE = HexFormat.of().parseHex("000102030405060708090a0b");
    private static final byte[] SEALED = new byte[21];
    private static final String KEY = "0190f3a4-5b6c-7d8e-9f00-112233445566";

    @Test
    void encodesTheDocumentedLayoutAndDecodesItBack() {
        CiphertextBlob blob = new CiphertextBlob(AeadAlgorithm.AES_256_GCM, KEY, 3, NONCE, SEALED);
        byte[] bytes = blob.encode();
        byte[] id = KEY.getBytes(StandardCharsets.US_ASCII);
        assertThat(Arrays.copyOfRange(bytes, 0, 7)).containsExactly('K', 'M', 'S', 'C', 1, 1, id.length);
        assertThat(Arrays.copyOfRange(bytes, 7, 7 + id.length)).isEqualTo(id);
        assertThat(Arrays.copyOfRange(bytes, 7 + id.length, 11 + id.length)).containsExactly(0, 0, 0, 3);
        assertThat(Arrays.copyOfRange(bytes, 11 + id.length, 23 + id.length)).isEqualTo(NONCE);
        assertThat(bytes).hasSize(23 + id.length + SEALED.length);
        assertThat(CiphertextBlob.decode(bytes)).contains(blob);
        CiphertextBlob chacha = new CiphertextBlob(AeadAlgorithm.CHACHA20_POLY1305, KEY, 0, NONCE, SEALED);
        assertThat(chacha.encode()[5]).isEqualTo((byte) 2);
        assertThat(CiphertextBlob.decode(chacha.encode())).contains(chacha);
    }

    @Test
    void anythingElseIsNotABlob() {
        byte[] good = new CiphertextBlob(AeadAlgorithm.AES_256_GCM, KEY, 0, NONCE, SEALED).encode();
        assertThat(CiphertextBlob.decode(new byte[0])).isEmpty();
        assertThat(CiphertextBlob.decode(null)).isEmpty();
        assertThat(CiphertextBlob.decode(Arrays.copyOf(good, good.length - SEALED.length + 15))).as("tag cut").isEmpty();
        for (int at : new int[] {0, 3, 4, 5}) {
            byte[] bad = good.clone();
            bad[at] ^= 0x7f; // magic, format, algorithm
            assertThat(CiphertextBlob.decode(bad)).as("byte %d", at).isEmpty();
        }
        byte[] noId = good.clone();
        noId[6] = 0;
        assertThat(CiphertextBlob.decode(noId)).isEmpty();
        byte[] longId = good.clone();
        longId[6] = (byte) 200; // claims more id bytes than there are
        assertThat(CiphertextBlob.decode(longId)).isEmpty();
        byte[] notUtf8 = good.clone();
        notUtf8[7] = (byte) 0xff;
        assertThat(CiphertextBlob.decode(notUtf8)).isEmpty();
        assertThatThrownBy(() -> new CiphertextBlob(AeadAlgorithm.AES_256_GCM, "", 0, NONCE, SEALED))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new CiphertextBlob(AeadAlgorithm.AES_256_GCM, KEY, 0, new byte[8], SEALED))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
