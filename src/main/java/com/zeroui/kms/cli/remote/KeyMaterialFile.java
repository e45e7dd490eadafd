package com.zeroui.kms.cli.remote;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Key material for {@code key import} as the service takes it: the raw bytes of a secret key, the
 * PKCS#8 DER of a private key (given as PEM or DER). Mistakes are named here, since the service can
 * only answer one constant refusal for anything that does not unwrap to a usable key.
 */
final class KeyMaterialFile {
    private static final Pattern PEM = Pattern.compile("-----BEGIN ([A-Z0-9 ]+)-----([A-Za-z0-9+/=\\s]*)-----END \\1-----");
    private static final Pattern AES = Pattern.compile("AES-(\\d+)");

    private KeyMaterialFile() {
    }

    static byte[] read(Path file, String keyType) throws IOException {
        byte[] bytes = file.toString().equals("-") ? System.in.readAllBytes() : Files.readAllBytes(file);
        Matcher pem = PEM.matcher(new String(bytes, StandardCharsets.ISO_8859_1));
        boolean isPem = pem.find();
        if (isSecretKey(keyType)) {
            return secret(bytes, keyType, isPem);
        }
        return isPem ? pkcs8(pem.group(1), pem.group(2)) : der(bytes);
    }

    private static boolean isSecretKey(String type) {
        String t = type.toUpperCase(java.util.Locale.ROOT);
        return t.startsWith("AES") || t.startsWith("HMAC") || t.startsWith("CHACHA");
    }

    private static byte[] secret(byte[] bytes, String type, boolean isPem) {
        if (isPem) {
            throw new UsageException(type + " key material is the raw key bytes, not PEM");
        }
        Matcher aes = AES.matcher(type.toUpperCase(java.util.Locale.ROOT));
        if (aes.matches() && bytes.length * 8 != Integer.parseInt(aes.group(1))) {
            throw new UsageException(type + " key material is " + Integer.parseInt(aes.group(1)) / 8
                    + " raw bytes (openssl rand -out aes.key " + Integer.parseInt(aes.group(1)) / 8 + "); the file has "
                    + bytes.length);
        }
        return bytes;
    }

    private static byte[] pkcs8(String label, String body) {
        switch (label) {
            case "PRIVATE KEY" -> {
                return Base64.getMimeDecoder().decode(body);
            }
            case "ENCRYPTED PRIVATE KEY" -> throw new UsageException(
                    "the private key is encrypted; decrypt it first: openssl pkcs8 -in key.pem -out plain.pem");
            default -> {
                if (label.endsWith("PRIVATE KEY")) {
                    throw new UsageException("the private key is " + label + " (not PKCS#8); convert it: "
                            + "openssl pkcs8 -topk8 -nocrypt -in key.pem -out pkcs8.pem");
                }
                throw new UsageException("the PEM holds a " + label + ", not a private key (BEGIN PRIVATE KEY)");
            }
        }
    }

    private static byte[] der(byte[] bytes) {
        if (bytes.length < 2 || bytes[0] != 0x30) {
            throw new UsageException("the file is neither a PEM nor a DER private key (PKCS#8)");
        }
        return bytes;
    }
}
