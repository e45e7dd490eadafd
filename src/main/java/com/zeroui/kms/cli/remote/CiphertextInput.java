package com.zeroui.kms.cli.remote;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;

/**
 * What {@code decrypt} was given: a {@code ciphertext_blob} (ADR 0032: raw, base64, or inside encrypt's
 * {@code -o json}), which names its own key, or the previous CLI's IV || ciphertext || tag, which needs --key.
 */
record CiphertextInput(byte[] blob, byte[] iv, byte[] ciphertext) {
    /** The blob's magic and format byte; a legacy file starts with a random IV, so it begins so by chance once in 2^40. */
    private static final byte[] BLOB_PREFIX = {'K', 'M', 'S', 'C', 0x01};
    static final int IV_BYTES = 12;
    private static final int TAG_BYTES = 16;

    boolean isBlob() {
        return blob != null;
    }

    static CiphertextInput of(byte[] in, boolean haveKey) throws IOException {
        if (in.length > 0 && in[0] == '{') {
            return ofJson(OutputOptions.JSON.readTree(in), haveKey);
        }
        if (isBlob(in)) {
            return new CiphertextInput(in, null, null);
        }
        byte[] decoded = base64(in);
        if (decoded != null) {
            in = decoded; // encrypt's default output (the previous CLI's too): a pipe needs no --b64
            if (isBlob(in)) {
                return new CiphertextInput(in, null, null);
            }
        }
        if (!haveKey) {
            throw new UsageException("the input is not a ciphertext_blob; for IV || ciphertext || tag (written by an"
                    + " older kms encrypt) pass --key");
        }
        if (in.length < IV_BYTES + TAG_BYTES) {
            throw new UsageException("the input is too short to be IV || ciphertext || tag (" + in.length + " bytes)");
        }
        return new CiphertextInput(null, Arrays.copyOf(in, IV_BYTES), Arrays.copyOfRange(in, IV_BYTES, in.length));
    }

    private static CiphertextInput ofJson(JsonNode json, boolean haveKey) {
        Base64.Decoder b64 = Base64.getDecoder();
        if (json.hasNonNull("ciphertext_blob")) {
            return new CiphertextInput(b64.decode(json.get("ciphertext_blob").asText()), null, null);
        }
        if (!haveKey) {
            throw new UsageException("the JSON has no ciphertext_blob; for its iv and ciphertext pass --key");
        }
        return new CiphertextInput(null, b64.decode(json.path("iv").asText()), b64.decode(json.path("ciphertext").asText()));
    }

    private static boolean isBlob(byte[] in) {
        return in.length > BLOB_PREFIX.length && Arrays.equals(in, 0, BLOB_PREFIX.length, BLOB_PREFIX, 0, BLOB_PREFIX.length);
    }

    /** The bytes base64 text stands for, or null when {@code in} is not all base64 (binary ciphertext is not, but by chance). */
    private static byte[] base64(byte[] in) {
        String text = new String(in, StandardCharsets.ISO_8859_1).replaceAll("\\s", "");
        if (text.isEmpty() || !text.matches("[A-Za-z0-9+/]+={0,2}")) {
            return null;
        }
        try {
            return Base64.getDecoder().decode(text);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
