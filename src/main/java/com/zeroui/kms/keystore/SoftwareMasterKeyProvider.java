package com.zeroui.kms.keystore;

import com.zeroui.kms.crypto.SecretBytes;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HexFormat;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * The laptop-plane master key: 256 random bits in a file readable only by the owner (0600).
 *
 * <p>File format (56 bytes): the magic {@code "KMSMK01\n"}, the 32 key bytes, then the first 16
 * bytes of SHA-256 over magic and key, so that a truncated or bit-flipped file is refused at start
 * instead of silently becoming a different key.
 *
 * <p>Wrapped blob: {@code 0x01 || nonce(12) || AES-256-GCM(ciphertext || tag(16))}, with the
 * caller's associated data (tenant and key id) authenticated.
 */
public final class SoftwareMasterKeyProvider implements MasterKeyProvider {
    private static final byte[] MAGIC = "KMSMK01\n".getBytes(StandardCharsets.US_ASCII);
    private static final int KEY_BYTES = 32;
    private static final int CHECK_BYTES = 16;
    private static final int FILE_BYTES = MAGIC.length + KEY_BYTES + CHECK_BYTES;
    private static final byte FORMAT_V1 = 1;
    private static final int NONCE_BYTES = 12;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Path file;
    private final SecretKey key;
    private final String keyId;

    private SoftwareMasterKeyProvider(Path file, SecretBytes secret) {
        this.file = file;
        byte[] raw = secret.reveal();
        try {
            this.key = new SecretKeySpec(raw, "AES");
            this.keyId = fingerprint(raw);
        } finally {
            Arrays.fill(raw, (byte) 0);
        }
    }

    /** Creates a new master key file; refuses to overwrite an existing one. */
    public static SoftwareMasterKeyProvider create(Path file) throws IOException {
        byte[] raw = new byte[KEY_BYTES];
        RANDOM.nextBytes(raw);
        byte[] content = ByteBuffer.allocate(FILE_BYTES).put(MAGIC).put(raw).put(check(raw)).array();
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.write(file, content, StandardOpenOption.WRITE, StandardOpenOption.SYNC);
            return new SoftwareMasterKeyProvider(file, SecretBytes.copyOf(raw));
        } catch (FileAlreadyExistsException e) {
            throw new IOException("master key file " + file + " already exists; refusing to overwrite it", e);
        } finally {
            Arrays.fill(raw, (byte) 0);
            Arrays.fill(content, (byte) 0);
        }
    }

    /** Loads an existing master key file, refusing a missing, truncated or corrupted one. */
    public static SoftwareMasterKeyProvider load(Path file) throws MasterKeyException {
        if (!Files.isRegularFile(file)) {
            throw new MasterKeyException("master key file " + file + " is missing", null);
        }
        byte[] content;
        try {
            content = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new MasterKeyException("master key file " + file + " cannot be read: " + e.getMessage(), e);
        }
        try {
            if (content.length != FILE_BYTES || !Arrays.equals(content, 0, MAGIC.length, MAGIC, 0, MAGIC.length)) {
                throw new MasterKeyException("master key file " + file + " is corrupt (expected " + FILE_BYTES
                        + " bytes starting with the KMSMK01 header, found " + content.length + " bytes)", null);
            }
            byte[] raw = Arrays.copyOfRange(content, MAGIC.length, MAGIC.length + KEY_BYTES);
            byte[] storedCheck = Arrays.copyOfRange(content, MAGIC.length + KEY_BYTES, FILE_BYTES);
            try {
                if (!MessageDigest.isEqual(storedCheck, check(raw))) {
                    throw new MasterKeyException("master key file " + file + " is corrupt (checksum mismatch)", null);
                }
                return new SoftwareMasterKeyProvider(file, SecretBytes.copyOf(raw));
            } finally {
                Arrays.fill(raw, (byte) 0);
            }
        } finally {
            Arrays.fill(content, (byte) 0);
        }
    }

    @Override
    public String keyId() {
        return keyId;
    }

    @Override
    public String description() {
        return "software-file:" + file.toAbsolutePath();
    }

    @Override
    public byte[] wrap(byte[] plaintext, byte[] associatedData) throws MasterKeyException {
        byte[] nonce = new byte[NONCE_BYTES];
        RANDOM.nextBytes(nonce);
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(128, nonce));
            cipher.updateAAD(associatedData);
            byte[] sealed = cipher.doFinal(plaintext);
            return ByteBuffer.allocate(1 + NONCE_BYTES + sealed.length).put(FORMAT_V1).put(nonce).put(sealed).array();
        } catch (GeneralSecurityException e) {
            throw new MasterKeyException("wrapping with the master key failed", e);
        }
    }

    @Override
    public byte[] unwrap(byte[] wrapped, byte[] associatedData) throws MasterKeyException {
        if (wrapped.length < 1 + NONCE_BYTES + 16 || wrapped[0] != FORMAT_V1) {
            throw new MasterKeyException("wrapped key blob has an unknown format", null);
        }
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(128, wrapped, 1, NONCE_BYTES));
            cipher.updateAAD(associatedData);
            return cipher.doFinal(wrapped, 1 + NONCE_BYTES, wrapped.length - 1 - NONCE_BYTES);
        } catch (GeneralSecurityException e) {
            throw new MasterKeyException("wrapped key blob does not authenticate under master key " + keyId
                    + " (wrong master key, wrong binding, or tampered data)", null);
        }
    }

    private static byte[] check(byte[] raw) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(MAGIC);
            return Arrays.copyOf(sha.digest(raw), CHECK_BYTES);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Non-secret id: a domain-separated hash, so it reveals nothing usable about the key. */
    private static String fingerprint(byte[] raw) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update("kms-master-key-id/v1".getBytes(StandardCharsets.US_ASCII));
            return "mk-" + HexFormat.of().formatHex(sha.digest(raw), 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
