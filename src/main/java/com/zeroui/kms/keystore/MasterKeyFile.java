package com.zeroui.kms.keystore;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HexFormat;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;

/**
 * One software master-key version on disk: 56 bytes, owner-only (0600) — the magic
 * {@code "KMSMK01\n"}, the 32 key bytes, then the first 16 bytes of SHA-256 over magic and key, so a
 * truncated or bit-flipped file is refused instead of silently becoming another key. The version id
 * is a domain-separated hash of the key ({@code mk-} and 16 hex digits): it names the key without
 * revealing anything usable about it.
 */
public final class MasterKeyFile {
    private static final byte[] MAGIC = "KMSMK01\n".getBytes(StandardCharsets.US_ASCII);
    static final int KEY_BYTES = 32;
    private static final int CHECK_BYTES = 16;
    private static final int FILE_BYTES = MAGIC.length + KEY_BYTES + CHECK_BYTES;
    private static final SecureRandom RANDOM = new SecureRandom();

    /** A version read from (or just written to) a file. */
    public record Version(String id, SecretKey key, Path file) {
        @Override
        public String toString() {
            return "MasterKeyFile.Version[" + id + ", " + file + "]"; // never the key
        }
    }

    private MasterKeyFile() {
    }

    /**
     * Writes a new random key to {@code file}, never over an existing one. With {@code atomic} it is
     * written under a temporary name and renamed, so a crash never leaves a partial file under the name.
     */
    static Version create(Path file, boolean atomic) throws IOException {
        byte[] raw = new byte[KEY_BYTES];
        RANDOM.nextBytes(raw);
        byte[] content = ByteBuffer.allocate(FILE_BYTES).put(MAGIC).put(raw).put(check(raw)).array();
        try {
            Path parent = file.toAbsolutePath().getParent();
            Files.createDirectories(parent);
            Path target = atomic ? parent.resolve("." + file.getFileName() + ".tmp") : file;
            if (atomic && Files.exists(file)) {
                throw new FileAlreadyExistsException(file.toString());
            }
            if (atomic) {
                Files.deleteIfExists(target); // a temporary file of a crashed earlier attempt: never used
            }
            Files.createFile(target, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.write(target, content, StandardOpenOption.WRITE, StandardOpenOption.SYNC);
            if (atomic) {
                try {
                    Files.move(target, file, StandardCopyOption.ATOMIC_MOVE);
                } catch (AtomicMoveNotSupportedException e) {
                    Files.move(target, file);
                }
                syncDirectory(parent);
            }
            return new Version(fingerprint(raw), new SecretKeySpec(raw, "AES"), file);
        } catch (FileAlreadyExistsException e) {
            throw new IOException("master key file " + file + " already exists; refusing to overwrite it", e);
        } finally {
            Arrays.fill(raw, (byte) 0);
            Arrays.fill(content, (byte) 0);
        }
    }

    /** Reads a version, refusing a missing, unreadable, truncated or corrupted file. */
    static Version read(Path file) throws MasterKeyException {
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
                return new Version(fingerprint(raw), new SecretKeySpec(raw, "AES"), file);
            } finally {
                Arrays.fill(raw, (byte) 0);
            }
        } finally {
            Arrays.fill(content, (byte) 0);
        }
    }

    /** Overwrites the file with zeros, forces that to disk, then deletes it (and syncs the directory). */
    public static void erase(Path file) throws IOException {
        if (!Files.exists(file)) {
            return;
        }
        long size = Files.size(file);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            channel.write(ByteBuffer.allocate((int) size), 0);
            channel.force(true);
        }
        Files.delete(file);
        syncDirectory(file.toAbsolutePath().getParent());
    }

    private static void syncDirectory(Path dir) {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException e) {
            // some file systems cannot sync a directory; the rename or delete itself has happened
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
