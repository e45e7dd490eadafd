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

    @Test
    void aRotationAddsAVersionFileOlderBlobsOpenUntilItsFileIsErased() throws Exception {
        Path first = dir.resolve("master.key");
        Path versions = dir.resolve("master-keys");
        String original = SoftwareMasterKeyProvider.create(first).keyId();
        java.util.concurrent.atomic.AtomicReference<String> current = new java.util.concurrent.atomic.AtomicReference<>(original);
        SoftwareMasterKeyProvider ring = SoftwareMasterKeyProvider.open(first, versions, current::get);
        byte[] old = ring.wrap(b("secret"), b("aad"));
        assertThat(old[0]).as("a blob names its version").isEqualTo((byte) 2);
        assertThat(ring.keyIdOf(old)).isEqualTo(original);

        String next = ring.createVersion();
        Path nextFile = versions.resolve(next + ".key");
        assertThat(nextFile).exists().hasSize(56);
        assertThat(Files.getPosixFilePermissions(nextFile))
                .containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
        assertThat(Files.getPosixFilePermissions(versions)).containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ,
                PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_EXECUTE);
        assertThat(SoftwareMasterKeyProvider.load(nextFile).keyId()).isEqualTo(next);
        assertThat(ring.versionIds()).containsExactlyInAnyOrder(original, next);
        assertThat(ring.keyId()).as("created, not yet current").isEqualTo(original);

        ring.useVersion(next);
        byte[] fresh = ring.wrap(b("secret"), b("aad"));
        assertThat(ring.keyIdOf(fresh)).isEqualTo(next);
        assertThat(ring.unwrap(old, b("aad"))).isEqualTo(b("secret"));
        assertThatThrownBy(() -> ring.destroyVersion(next)).hasMessageContaining("current");

        ring.destroyVersion(original);
        assertThat(first).doesNotExist();
        assertThat(ring.versionIds()).containsExactly(next);
        assertThatThrownBy(() -> ring.unwrap(old, b("aad"))).isInstanceOf(MasterKeyException.class)
                .hasMessageContaining(original);
        assertThat(ring.unwrap(fresh, b("aad"))).isEqualTo(b("secret"));
        assertThat(dir.resolve("master-keys").toFile().list()).containsExactly(next + ".key");
    }

    @Test
    void aVersionAnotherProcessCreatedIsFoundAndOneMadeCurrentBeforeItArrivesIsRetryablyUnavailable() throws Exception {
        Path first = dir.resolve("master.key");
        Path versions = dir.resolve("master-keys");
        String original = SoftwareMasterKeyProvider.create(first).keyId();
        java.util.concurrent.atomic.AtomicReference<String> current = new java.util.concurrent.atomic.AtomicReference<>(original);
        SoftwareMasterKeyProvider node = SoftwareMasterKeyProvider.open(first, versions, current::get);
        SoftwareMasterKeyProvider rotator = SoftwareMasterKeyProvider.open(first, versions, current::get);
        String next = rotator.createVersion();
        current.set(next); // the database now names it
        byte[] fresh = node.wrap(b("secret"), b("aad"));
        assertThat(node.keyIdOf(fresh)).isEqualTo(next);
        assertThat(rotator.unwrap(fresh, b("aad"))).isEqualTo(b("secret"));

        current.set("mk-00000000deadbeef"); // a version whose file this node does not have (not copied yet)
        assertThatThrownBy(() -> node.wrap(b("secret"), b("aad"))).isInstanceOf(MasterKeyUnavailableException.class)
                .hasMessageContaining("mk-00000000deadbeef").hasMessageContaining("master-keys");
    }

    @Test
    void blobsFromBeforeVersionsStillOpen() throws Exception {
        Path first = dir.resolve("master.key");
        String original = SoftwareMasterKeyProvider.create(first).keyId();
        byte[] raw = java.util.Arrays.copyOfRange(Files.readAllBytes(first), 8, 40);
        byte[] nonce = new byte[12];
        javax.crypto.Cipher cipher = javax.crypto.Cipher.getInstance("AES/GCM/NoPadding");
        cipher.init(javax.crypto.Cipher.ENCRYPT_MODE, new javax.crypto.spec.SecretKeySpec(raw, "AES"),
                new javax.crypto.spec.GCMParameterSpec(128, nonce));
        cipher.updateAAD(b("aad"));
        byte[] sealed = cipher.doFinal(b("secret"));
        byte[] legacy = java.nio.ByteBuffer.allocate(1 + 12 + sealed.length).put((byte) 1).put(nonce).put(sealed).array();
        java.util.concurrent.atomic.AtomicReference<String> current = new java.util.concurrent.atomic.AtomicReference<>(original);
        SoftwareMasterKeyProvider ring = SoftwareMasterKeyProvider.open(first, dir.resolve("master-keys"), current::get);
        current.set(ring.createVersion());
        assertThat(ring.keyIdOf(legacy)).isEqualTo(original);
        assertThat(ring.unwrap(legacy, b("aad"))).isEqualTo(b("secret"));
        assertThatThrownBy(() -> ring.unwrap(legacy, b("other"))).isInstanceOf(MasterKeyException.class);
    }

    @Test
    void aVersionFileWhoseNameIsNotItsKeyIsRefusedAndASingleFileHoldsNoSecondVersion() throws Exception {
        Path first = dir.resolve("master.key");
        SoftwareMasterKeyProvider single = SoftwareMasterKeyProvider.create(first);
        assertThatThrownBy(single::createVersion).hasMessageContaining("single key file");
        Path versions = Files.createDirectories(dir.resolve("master-keys"));
        SoftwareMasterKeyProvider.create(versions.resolve("mk-0000000000000000.key"));
        assertThatThrownBy(() -> SoftwareMasterKeyProvider.open(first, versions, single::keyId))
                .hasMessageContaining("not the one its name says");
    }
}
