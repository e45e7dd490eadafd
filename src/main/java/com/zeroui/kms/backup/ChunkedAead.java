package com.zeroui.kms.backup;

import com.zeroui.kms.crypto.AeadAlgorithm;
import com.zeroui.kms.crypto.AeadAuthenticationException;
import com.zeroui.kms.crypto.CryptoSuite;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import javax.crypto.SecretKey;

/**
 * A body of any length under one AES-256-GCM key, as a sequence of chunks (the STREAM construction
 * of Hoang, Reyhanitabar, Rogaway and Vizár, 2015): each chunk is sealed on its own so that a reader
 * never holds more than one chunk and never releases an unauthenticated byte. The nonce is the
 * chunk's index (the key is fresh for every file, so no nonce repeats under it); the associated data
 * binds the file's header digest, the index and whether this is the last chunk, so chunks cannot be
 * reordered, dropped, moved to another file, or cut off at the end without the reader noticing.
 *
 * <p>Chunk framing: {@code last(1) || length(4) || ciphertext-and-tag(length)}.
 */
final class ChunkedAead {
    static final int CHUNK_BYTES = 1 << 20;
    private static final AeadAlgorithm AEAD = AeadAlgorithm.AES_256_GCM;

    private ChunkedAead() {
    }

    static byte[] nonce(long index) {
        return ByteBuffer.allocate(AeadAlgorithm.NONCE_BYTES).putInt(0).putLong(index).array();
    }

    static byte[] associatedData(byte[] headerDigest, long index, boolean last) {
        return ByteBuffer.allocate(headerDigest.length + 9).put(headerDigest).putLong(index).put((byte) (last ? 1 : 0))
                .array();
    }

    /** Buffers plaintext into chunks; {@link #close()} seals the last one (possibly empty). */
    static final class Sealing extends OutputStream {
        private final DataOutputStream out;
        private final CryptoSuite crypto;
        private final SecretKey key;
        private final byte[] headerDigest;
        private final byte[] buffer = new byte[CHUNK_BYTES];
        private int filled;
        private long index;
        private boolean closed;

        Sealing(OutputStream out, CryptoSuite crypto, SecretKey key, byte[] headerDigest) {
            this.out = new DataOutputStream(out);
            this.crypto = crypto;
            this.key = key;
            this.headerDigest = headerDigest.clone();
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            while (len > 0) {
                if (filled == buffer.length) {
                    // only now is it known that this chunk is not the last one
                    emit(false);
                }
                int n = Math.min(len, buffer.length - filled);
                System.arraycopy(b, off, buffer, filled, n);
                filled += n;
                off += n;
                len -= n;
            }
        }

        private void emit(boolean last) throws IOException {
            byte[] plain = java.util.Arrays.copyOf(buffer, filled);
            byte[] sealed = crypto.seal(AEAD, key, nonce(index), plain, associatedData(headerDigest, index, last));
            java.util.Arrays.fill(plain, (byte) 0);
            out.writeByte(last ? 1 : 0);
            out.writeInt(sealed.length);
            out.write(sealed);
            index++;
            filled = 0;
        }

        @Override
        public void close() throws IOException {
            if (closed) {
                return;
            }
            closed = true;
            emit(true);
            java.util.Arrays.fill(buffer, (byte) 0);
            out.flush();
        }
    }

    /** Opens chunks one at a time; any tampering, reordering or truncation is an {@link Tampered}. */
    static final class Opening extends InputStream {
        private final DataInputStream in;
        private final CryptoSuite crypto;
        private final SecretKey key;
        private final byte[] headerDigest;
        private byte[] chunk = new byte[0];
        private int position;
        private long index;
        private boolean sawLast;

        Opening(InputStream in, CryptoSuite crypto, SecretKey key, byte[] headerDigest) {
            this.in = new DataInputStream(in);
            this.crypto = crypto;
            this.key = key;
            this.headerDigest = headerDigest.clone();
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (len == 0) {
                return 0;
            }
            while (position == chunk.length) {
                if (sawLast) {
                    return -1;
                }
                next();
            }
            int n = Math.min(len, chunk.length - position);
            System.arraycopy(chunk, position, b, off, n);
            position += n;
            return n;
        }

        private void next() throws IOException {
            int flag;
            int length;
            byte[] sealed;
            try {
                flag = in.readUnsignedByte();
                length = in.readInt();
                if ((flag != 0 && flag != 1) || length < AeadAlgorithm.TAG_BYTES || length > CHUNK_BYTES + AeadAlgorithm.TAG_BYTES) {
                    throw new Tampered("chunk " + index + " has an invalid frame");
                }
                sealed = in.readNBytes(length);
                if (sealed.length != length) {
                    throw new Tampered("the file ends inside chunk " + index + " (truncated)");
                }
            } catch (EOFException e) {
                throw new Tampered("the file ends after chunk " + (index - 1) + " without its last chunk (truncated)");
            }
            boolean last = flag == 1;
            try {
                chunk = crypto.open(AEAD, key, nonce(index), sealed, associatedData(headerDigest, index, last));
            } catch (AeadAuthenticationException e) {
                throw new Tampered("chunk " + index + " does not authenticate (the file was modified)");
            }
            position = 0;
            index++;
            if (last) {
                sawLast = true;
                if (in.read() != -1) {
                    throw new Tampered("data follows the last chunk");
                }
            }
        }
    }

    /** The body failed authentication; the message says where. */
    static final class Tampered extends IOException {
        Tampered(String message) {
            super(message);
        }
    }
}
