package com.zeroui.kms.keystore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SoftwareMasterKeyProviderTest {
    @TempDir
    Path dir;

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void createsAnOwnerOnlyFileAndReloadsTheSameKey() throws Exception {
        Path file = dir.resolve("master.key");
        SoftwareMasterKeyProvider created = SoftwareMasterKeyProvider.create(file);
        assertThat(Files.getPosixFilePermissions(file))
                .containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
        byte[] wrapped = created.wrap(b("secret"), b("aad"));
        SoftwareMasterKeyProvider loaded = SoftwareMasterKeyProvider.load(file);
        assertThat(loaded.keyId()).isEqualTo(created.keyId());
        assertThat(loaded.unwrap(wrapped, b("aad"))).isEqualTo(b("secret"));
        loaded.selfTest();
    }

    @Test
    void refusesToOverwrite() throws Exception {
        Path file = dir.resolve("master.key");
        SoftwareMasterKeyProvider.create(file);
        byte[] before = Files.readAllBytes(file);
        assertThatThrownBy(() -> SoftwareMasterKeyProvider.create(file)).hasMessageContaining("already exists");
        assertThat(Files.readAllBytes(file)).isEqualTo(before);
    }

    @Test
    void wrappedBlobIsBoundToItsAssociatedDataAndKey() throws Exception {
        SoftwareMasterKeyProvider a = SoftwareMasterKeyProvider.create(dir.resolve("a.key"));
        SoftwareMasterKeyProvider other = SoftwareMasterKeyProvider.create(dir.resolve("b.key"));
        byte[] wrapped = a.wrap(b("secret"), b("kms/v1/key/t1/k1"));
        assertThat(new String(wrapped, StandardCharsets.ISO_8859_1)).doesNotContain("secret");
        assertThatThrownBy(() -> a.unwrap(wrapped, b("kms/v1/key/t2/k1"))).isInstanceOf(MasterKeyException.class);
        assertThatThrownBy(() -> other.unwrap(wrapped, b("kms/v1/key/t1/k1"))).isInstanceOf(MasterKeyException.class);
        byte[] tampered = wrapped.clone();
        tampered[tampered.length - 1] ^= 1;
        assertThatThrownBy(() -> a.unwrap(tampered, b("kms/v1/key/t1/k1"))).isInstanceOf(MasterKeyException.class);
        assertThatThrownBy(() -> a.unwrap(new byte[3], b("x"))).isInstanceOf(MasterKeyException.class);
        assertThat(a.wrap(b("secret"), b("x"))).isNotEqualTo(a.wrap(b("secret"), b("x")));
    }

    @Test
    void refusesMissingTruncatedAndBitFlippedFiles() throws Exception {
        Path file = dir.resolve("master.key");
        assertThatThrownBy(() -> SoftwareMasterKeyProvider.load(file)).hasMessageContaining("missing");
        SoftwareMasterKeyProvider.create(file);
        byte[] good = Files.readAllBytes(file);
        Files.write(file, java.util.Arrays.copyOf(good, good.length - 1));
        assertThatThrownBy(() -> SoftwareMasterKeyProvider.load(file)).hasMessageContaining("corrupt");
        byte[] flipped = good.clone();
        flipped[20] ^= 0x10;
        Files.write(file, flipped);
        assertThatThrownBy(() -> SoftwareMasterKeyProvider.load(file)).hasMessageContaining("corrupt");
    }

    @Test
    void idAndDescriptionNeverContainKeyBytes() throws Exception {
        Path file = dir.resolve("master.key");
        SoftwareMasterKeyProvider key = SoftwareMasterKeyProvider.create(file);
        byte[] raw = java.util.Arrays.copyOfRange(Files.readAllBytes(file), 8, 40);
        String hex = java.util.HexFormat.of().formatHex(raw);
        assertThat(key.keyId()).doesNotContain(hex.substring(0, 16));
        assertThat(key.toString() + key.description()).doesNotContain(hex.substring(0, 16));
    }
}
