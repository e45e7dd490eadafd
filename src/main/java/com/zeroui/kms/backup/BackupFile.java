package com.zeroui.kms.backup;

import com.zeroui.kms.crypto.AeadAlgorithm;
import com.zeroui.kms.crypto.CryptoSuite;
import com.zeroui.kms.crypto.Digests;
import com.zeroui.kms.keystore.MasterKeyException;
import com.zeroui.kms.keystore.MasterKeyProvider;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;
import java.util.zip.Inflater;
import java.util.zip.InflaterInputStream;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;

/**
 * The backup file: {@code "KMSBAK1\n" || len(4) || header JSON || len(4) || wrapped data key || body}.
 * The body is deflated, then sealed with AES-256-GCM in chunks ({@link ChunkedAead}) under a data key
 * drawn fresh for this file; the data key is stored only wrapped by the master key, with the header's
 * digest as associated data. So the header is authenticated twice over, nothing in the file is readable
 * without the master key, and a file made under another master key is recognised from its header.
 */
public final class BackupFile {
    static final byte[] MAGIC = "KMSBAK1\n".getBytes(StandardCharsets.US_ASCII);
    private static final int MAX_HEADER_BYTES = 16 << 20;
    private static final int MAX_WRAPPED_KEY_BYTES = 64 << 10;
    private static final byte[] WRAP_CONTEXT = "kms-backup/v1 data key".getBytes(StandardCharsets.US_ASCII);
    private static final SecureRandom RANDOM = new SecureRandom();

    private BackupFile() {
    }

    /** Produces the plaintext body. */
    public interface BodyWriter {
        void write(DataOutputStream body) throws IOException, java.sql.SQLException;
    }

    /** Writes a whole backup to {@code out} (left open). */
    public static void write(OutputStream out, BackupHeader header, MasterKeyProvider masterKey, CryptoSuite crypto,
                             BodyWriter writer) throws IOException, java.sql.SQLException {
        byte[] headerJson = header.toJson();
        byte[] digest = headerDigest(headerJson);
        byte[] dataKey = new byte[32];
        RANDOM.nextBytes(dataKey);
        Deflater deflater = new Deflater(Deflater.BEST_SPEED);
        try {
            byte[] wrapped;
            try {
                wrapped = masterKey.wrap(dataKey, wrapAssociatedData(digest));
            } catch (MasterKeyException e) {
                throw new BackupException(BackupException.Kind.SOURCE, "cannot wrap the backup's data key with master key "
                        + masterKey.keyId() + ": " + e.getMessage(), e);
            }
            DataOutputStream file = new DataOutputStream(out);
            file.write(MAGIC);
            file.writeInt(headerJson.length);
            file.write(headerJson);
            file.writeInt(wrapped.length);
            file.write(wrapped);
            file.flush();
            SecretKey key = new SecretKeySpec(dataKey, AeadAlgorithm.AES_256_GCM.keyAlgorithm());
            try (DataOutputStream body = new DataOutputStream(new DeflaterOutputStream(
                    new ChunkedAead.Sealing(new KeepOpen(out), crypto, key, digest), deflater, 64 << 10))) {
                writer.write(body);
            }
        } finally {
            deflater.end();
            Arrays.fill(dataKey, (byte) 0);
        }
    }

    /** Reads and checks the header only: no key needed, nothing authenticated yet. */
    public static BackupHeader readHeader(InputStream in) throws IOException {
        return readFrame(new DataInputStream(in)).header();
    }

    /** The versions a provider holds (a data directory after a rotation, a token): which one is "current" does not matter here. */
    private static java.util.List<String> heldVersions(MasterKeyProvider masterKey) {
        try {
            return masterKey.versionIds();
        } catch (MasterKeyException e) {
            return java.util.List.of(masterKey.keyId());
        }
    }

    /**
     * Opens a backup with {@code masterKey}: unwraps the data key (which authenticates the header) and
     * returns the body, authenticated chunk by chunk as it is read. A master key that cannot unwrap it
     * and is not the one the header names is a {@link BackupException.Kind#WRONG_MASTER_KEY}.
     */
    public static Opened open(InputStream in, MasterKeyProvider masterKey, CryptoSuite crypto) throws IOException {
        DataInputStream data = new DataInputStream(in);
        Frame frame = readFrame(data);
        BackupHeader header = frame.header();
        byte[] digest = headerDigest(frame.headerJson());
        byte[] dataKey;
        try {
            // a provider with key versions unwraps with whichever version wrapped: try before comparing ids
            dataKey = masterKey.unwrap(frame.wrappedKey(), wrapAssociatedData(digest));
        } catch (MasterKeyException e) {
            java.util.List<String> held = heldVersions(masterKey);
            if (!held.contains(header.masterKeyId())) {
                throw new BackupException(BackupException.Kind.WRONG_MASTER_KEY, "this backup was made under master key "
                        + header.masterKeyLabel() + ", but the master key given is " + String.join(", ", held)
                        + "; restore with the master key the backup names", e);
            }
            throw new BackupException(BackupException.Kind.CORRUPT, "the backup's data key does not open under master key "
                    + masterKey.keyId() + ": its header or wrapped key was modified", e);
        }
        try {
            SecretKey key = new SecretKeySpec(dataKey, AeadAlgorithm.AES_256_GCM.keyAlgorithm());
            Inflater inflater = new Inflater();
            InputStream body = new InflaterInputStream(new ChunkedAead.Opening(data, crypto, key, digest), inflater, 64 << 10);
            return new Opened(header, new DataInputStream(body), inflater);
        } finally {
            Arrays.fill(dataKey, (byte) 0);
        }
    }

    /** An opened backup: its authenticated header and its plaintext body. */
    public static final class Opened implements AutoCloseable {
        private final BackupHeader header;
        private final DataInputStream body;
        private final Inflater inflater;

        private Opened(BackupHeader header, DataInputStream body, Inflater inflater) {
            this.header = header;
            this.body = body;
            this.inflater = inflater;
        }

        public BackupHeader header() {
            return header;
        }

        DataInputStream body() {
            return body;
        }

        @Override
        public void close() {
            inflater.end();
        }
    }

    private record Frame(BackupHeader header, byte[] headerJson, byte[] wrappedKey) {
    }

    private static Frame readFrame(DataInputStream in) throws IOException {
        try {
            byte[] magic = in.readNBytes(MAGIC.length);
            if (!Arrays.equals(magic, MAGIC)) {
                throw new BackupException(BackupException.Kind.NOT_A_BACKUP, "not a kms backup file (no KMSBAK1 signature)");
            }
            byte[] headerJson = in.readNBytes(length(in.readInt(), MAX_HEADER_BYTES, "header"));
            byte[] wrapped = in.readNBytes(length(in.readInt(), MAX_WRAPPED_KEY_BYTES, "wrapped data key"));
            return new Frame(BackupHeader.fromJson(headerJson), headerJson, wrapped);
        } catch (EOFException e) {
            throw new BackupException(BackupException.Kind.CORRUPT, "the backup file ends inside its header (truncated)", e);
        }
    }

    private static int length(int n, int max, String what) {
        if (n <= 0 || n > max) {
            throw new BackupException(BackupException.Kind.CORRUPT, "the backup's " + what + " length " + n + " is invalid");
        }
        return n;
    }

    static byte[] headerDigest(byte[] headerJson) {
        return Digests.sha256(ByteBuffer.allocate(MAGIC.length + headerJson.length).put(MAGIC).put(headerJson).array());
    }

    private static byte[] wrapAssociatedData(byte[] digest) {
        return ByteBuffer.allocate(WRAP_CONTEXT.length + digest.length).put(WRAP_CONTEXT).put(digest).array();
    }

    /** The body's streams are closed to finish it; the caller's file stays open. */
    private static final class KeepOpen extends FilterOutputStream {
        KeepOpen(OutputStream out) {
            super(out);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
        }

        @Override
        public void close() throws IOException {
            out.flush();
        }
    }
}
