package com.zeroui.kms.crypto;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Optional;

/**
 * The self-describing ciphertext (docs/adr/0032): everything decrypt needs besides the key and the
 * caller's aad, in one byte string.
 *
 * <pre>
 * magic "KMSC" (4) | format 0x01 (1) | algorithm (1: 1 AES-256-GCM, 2 CHACHA20-POLY1305)
 * | key id length n (1) | key id (n, UTF-8) | key version (4, big-endian: the key's rotation_count)
 * | nonce (12) | ciphertext || tag (≥ 16)
 * </pre>
 *
 * The AEAD's associated data is the caller's aad alone, so the blob and the separate
 * {@code key_id}/{@code iv}/{@code ciphertext} fields of POST /encrypt are two encodings of the same
 * ciphertext. Every header field is authenticated all the same: the key id selects the key, the
 * algorithm the cipher and the nonce is an AEAD input — changing any of them fails the tag — and
 * magic, format and key version are checked exactly.
 */
public record CiphertextBlob(AeadAlgorithm algorithm, String keyId, int keyVersion, byte[] nonce,
                             byte[] ciphertextAndTag) {
    private static final byte[] MAGIC = {'K', 'M', 'S', 'C'};
    public static final byte FORMAT = 1;
    private static final int MAX_KEY_ID_BYTES = 255;

    public CiphertextBlob {
        if (nonce.length != AeadAlgorithm.NONCE_BYTES || ciphertextAndTag.length < AeadAlgorithm.TAG_BYTES) {
            throw new IllegalArgumentException("nonce or ciphertext has the wrong size");
        }
        if (keyId.isEmpty() || keyId.getBytes(StandardCharsets.UTF_8).length > MAX_KEY_ID_BYTES) {
            throw new IllegalArgumentException("key id must be 1 to 255 bytes");
        }
    }

    public byte[] encode() {
        byte[] id = keyId.getBytes(StandardCharsets.UTF_8);
        ByteBuffer out = ByteBuffer.allocate(MAGIC.length + 3 + id.length + 4 + nonce.length + ciphertextAndTag.length);
        out.put(MAGIC).put(FORMAT).put(algorithmId(algorithm)).put((byte) id.length).put(id).putInt(keyVersion)
                .put(nonce).put(ciphertextAndTag);
        return out.array();
    }

    /** The blob, or empty for anything that is not a well-formed blob of a known format and algorithm. */
    public static Optional<CiphertextBlob> decode(byte[] blob) {
        if (blob == null || blob.length < MAGIC.length + 3 || !Arrays.equals(blob, 0, MAGIC.length, MAGIC, 0, MAGIC.length)) {
            return Optional.empty();
        }
        ByteBuffer in = ByteBuffer.wrap(blob, MAGIC.length, blob.length - MAGIC.length);
        if (in.get() != FORMAT) {
            return Optional.empty();
        }
        Optional<AeadAlgorithm> algorithm = algorithmOf(in.get());
        int idLength = in.get() & 0xff;
        if (algorithm.isEmpty() || idLength == 0
                || in.remaining() < idLength + 4 + AeadAlgorithm.NONCE_BYTES + AeadAlgorithm.TAG_BYTES) {
            return Optional.empty();
        }
        byte[] id = new byte[idLength];
        in.get(id);
        int version = in.getInt();
        byte[] nonce = new byte[AeadAlgorithm.NONCE_BYTES];
        in.get(nonce);
        byte[] sealed = new byte[in.remaining()];
        in.get(sealed);
        String keyId = StandardCharsets.UTF_8.decode(ByteBuffer.wrap(id)).toString();
        if (!Arrays.equals(keyId.getBytes(StandardCharsets.UTF_8), id)) {
            return Optional.empty(); // not well-formed UTF-8
        }
        return Optional.of(new CiphertextBlob(algorithm.get(), keyId, version, nonce, sealed));
    }

    private static byte algorithmId(AeadAlgorithm algorithm) {
        return switch (algorithm) {
            case AES_256_GCM -> 1;
            case CHACHA20_POLY1305 -> 2;
        };
    }

    private static Optional<AeadAlgorithm> algorithmOf(byte id) {
        return switch (id) {
            case 1 -> Optional.of(AeadAlgorithm.AES_256_GCM);
            case 2 -> Optional.of(AeadAlgorithm.CHACHA20_POLY1305);
            default -> Optional.empty();
        };
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CiphertextBlob b && Arrays.equals(encode(), b.encode());
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(encode());
    }

    @Override
    public String toString() {
        return "CiphertextBlob[" + algorithm + ", key " + keyId + " v" + keyVersion + ", " + ciphertextAndTag.length
                + " bytes]";
    }
}
