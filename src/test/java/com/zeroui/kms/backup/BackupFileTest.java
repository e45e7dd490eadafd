package com.zeroui.kms.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zeroui.kms.crypto.CryptoSuite;
import com.zeroui.kms.keystore.SoftwareMasterKeyProvider;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The file format on its own: sealed body, authenticated header, one-line refusals. */
class BackupFileTest {
    static final CryptoSuite CRYPTO = CryptoSuite.select(CryptoSuite.Preference.AUTO);
    static final String MARKER = "PLAINTEXT-MARKER-7f3a";
    @TempDir
    static Path dir;
    static SoftwareMasterKeyProvider key;
    static SoftwareMasterKeyProvider otherKey;
    /** Incompressible, so the body spans several chunks. */
    static byte[] payload;

    @BeforeAll
    static void keys() throws IOException {
        key = SoftwareMasterKeyProvider.create(dir.resolve("master.key"));
        otherKey = SoftwareMasterKeyProvider.create(dir.resolve("other.key"));
        payload = new byte[ChunkedAead.CHUNK_BYTES * 2 + 12345];
        new SecureRandom().nextBytes(payload);
        byte[] marker = MARKER.getBytes(StandardCharsets.US_ASCII);
        for (int at = 0; at + marker.length < payload.length; at += 100_000) {
            System.arraycopy(marker, 0, payload, at, marker.length);
        }
    }

    static BackupHeader header() {
        Map<String, Long> tables = new LinkedHashMap<>();
        tables.put("kms_keys", 3L);
        return new BackupHeader(BackupHeader.FORMAT, Instant.parse("2026-12-03T10:00:00Z"), key.keyId(), "software", 11,
                "sqlite", 0, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", tables, List.of());
    }

    static byte[] write(byte[] body) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BackupFile.write(out, header(), key, CRYPTO, data -> data.write(body));
        return out.toByteArray();
    }

    static byte[] read(byte[] file, SoftwareMasterKeyProvider with) throws IOException {
        try (BackupFile.Opened opened = BackupFile.open(new ByteArrayInputStream(file), with, CRYPTO)) {
            DataInputStream body = opened.body();
            return body.readAllBytes();
        }
    }

    @Test
    void aBodyOfSeveralChunksReadsBackExactly() throws Exception {
        byte[] file = write(payload);
        assertThat(read(file, key)).isEqualTo(payload);
        assertThat(BackupFile.readHeader(new ByteArrayInputStream(file))).isEqualTo(header());
    }

    @Test
    void anEmptyBodyIsOneSealedChunk() throws Exception {
        assertThat(read(write(new byte[0]), key)).isEmpty();
    }

    @Test
    void theFileRevealsNeitherTheBodyNorTheDataKey() throws Exception {
        byte[] file = write(payload);
        String asText = new String(file, StandardCharsets.ISO_8859_1);
        assertThat(asText).doesNotContain(MARKER);
        // not even compressed-but-unencrypted: no 16-byte window of the payload appears
        for (int at = 0; at < payload.length - 16; at += 4096) {
            assertThat(indexOf(file, Arrays.copyOfRange(payload, at, at + 16))).isEqualTo(-1);
        }
        // two backups of the same data share no body bytes: a fresh data key each time
        byte[] again = write(payload);
        int bodyStart = file.length - (int) Math.min(file.length, 1000);
        assertThat(indexOf(again, Arrays.copyOfRange(file, bodyStart, bodyStart + 32))).isEqualTo(-1);
    }

    @Test
    void anotherMasterKeyIsRefusedInOneLineNamingBothKeys() throws Exception {
        byte[] file = write(payload);
        assertThatThrownBy(() -> read(file, otherKey))
                .isInstanceOfSatisfying(BackupException.class, e -> {
                    assertThat(e.kind()).isEqualTo(BackupException.Kind.WRONG_MASTER_KEY);
                    assertThat(e.getMessage()).doesNotContain("\n").contains(key.keyId()).contains(otherKey.keyId());
                });
    }

    @Test
    void aModifiedHeaderIsRefusedBeforeAnyBodyIsRead() throws Exception {
        byte[] file = write(payload);
        byte[] json = new String(file, StandardCharsets.ISO_8859_1).replace("\"schema_version\":11", "\"schema_version\":12")
                .getBytes(StandardCharsets.ISO_8859_1);
        assertThat(json).isNotEqualTo(file);
        assertThatThrownBy(() -> read(json, key)).isInstanceOfSatisfying(BackupException.class,
                e -> assertThat(e.kind()).isEqualTo(BackupException.Kind.CORRUPT));
    }

    @Test
    void aFlippedBitAnywhereInTheBodyFailsAuthentication() throws Exception {
        byte[] file = write(payload);
        for (int at : new int[] {file.length - 1, file.length - 40_000, file.length / 2, file.length / 3}) {
            byte[] bad = file.clone();
            bad[at] ^= 0x01;
            assertThatThrownBy(() -> read(bad, key)).as("bit flipped at %d", at).isInstanceOf(IOException.class);
        }
    }

    @Test
    void aTruncatedFileIsRefusedEvenAtAChunkBoundary() throws Exception {
        byte[] file = write(payload);
        int lastChunk = lastChunkStart(file);
        assertThatThrownBy(() -> read(Arrays.copyOf(file, lastChunk), key))
                .isInstanceOf(ChunkedAead.Tampered.class).hasMessageContaining("truncated");
        assertThatThrownBy(() -> read(Arrays.copyOf(file, file.length - 7), key))
                .isInstanceOf(ChunkedAead.Tampered.class).hasMessageContaining("truncated");
        byte[] appended = Arrays.copyOf(file, file.length + 1);
        assertThatThrownBy(() -> read(appended, key)).isInstanceOf(ChunkedAead.Tampered.class);
        // a non-final chunk marked final: the flag is authenticated
        byte[] early = Arrays.copyOf(file, lastChunk);
        early[firstChunkStart(file)] = 1;
        assertThatThrownBy(() -> read(early, key)).isInstanceOf(ChunkedAead.Tampered.class);
    }

    @Test
    void notABackupSaysSo() {
        assertThatThrownBy(() -> read("hello world, not a backup".getBytes(StandardCharsets.US_ASCII), key))
                .isInstanceOfSatisfying(BackupException.class, e -> assertThat(e.kind()).isEqualTo(BackupException.Kind.NOT_A_BACKUP));
    }

    @Test
    void theHeaderReadsFromAFileWithoutTheMasterKey() throws Exception {
        Path out = dir.resolve("b.kmsbak");
        Files.write(out, write(new byte[10]));
        assertThat(BackupFiles.readHeader(out).masterKeyId()).isEqualTo(key.keyId());
    }

    private static int firstChunkStart(byte[] file) {
        int headerLen = java.nio.ByteBuffer.wrap(file, 8, 4).getInt();
        int keyLen = java.nio.ByteBuffer.wrap(file, 12 + headerLen, 4).getInt();
        return 16 + headerLen + keyLen;
    }

    private static int lastChunkStart(byte[] file) {
        int at = firstChunkStart(file);
        while (true) {
            int len = java.nio.ByteBuffer.wrap(file, at + 1, 4).getInt();
            if (file[at] == 1) {
                return at;
            }
            at += 5 + len;
        }
    }

    static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i <= haystack.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
