package com.zeroui.kms.keystore;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;

/**
 * The software master key: one or more versions, each 256 random bits in its own owner-only file
 * ({@link MasterKeyFile}). The first version is {@code DATA_DIR/master.key}; a rotation adds
 * {@code DATA_DIR/master-keys/<id>.key} and, once nothing is wrapped by the old version any more,
 * erases the old file. Which version wraps new material is recorded outside (the database), so every
 * node and the rotation command agree; a version another process created is found by reading the
 * directory again.
 *
 * <p>Wrapped blob: {@code 0x02 || len(id) || id (ASCII) || nonce(12) || AES-256-GCM(ciphertext ||
 * tag(16))} with the caller's associated data authenticated, so a blob names the version that opens
 * it (the same layout as the PKCS#11 provider's). Blobs of the format before versions,
 * {@code 0x01 || nonce || ciphertext || tag}, name none: they are opened by trying each version.
 */
public final class SoftwareMasterKeyProvider implements MasterKeyProvider {
    public static final String VERSIONS_DIRECTORY = "master-keys";
    private static final String VERSION_SUFFIX = ".key";
    private static final byte FORMAT_V1 = 1;
    private static final byte FORMAT_V2 = 2;
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BYTES = 16;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Path firstFile;
    private final Path versionsDir;
    private final Supplier<String> currentVersion;
    private final Map<String, MasterKeyFile.Version> versions = new ConcurrentHashMap<>();
    private volatile String overridden;

    private SoftwareMasterKeyProvider(Path firstFile, Path versionsDir, Supplier<String> currentVersion) {
        this.firstFile = firstFile;
        this.versionsDir = versionsDir;
        this.currentVersion = currentVersion;
    }

    /** Creates a new master key file (a single version); refuses to overwrite an existing one. */
    public static SoftwareMasterKeyProvider create(Path file) throws IOException {
        MasterKeyFile.Version version = MasterKeyFile.create(file, false);
        SoftwareMasterKeyProvider provider = new SoftwareMasterKeyProvider(file, null, version::id);
        provider.versions.put(version.id(), version);
        return provider;
    }

    /** Loads one master key file (one version, the current one), refusing a missing, truncated or corrupted file. */
    public static SoftwareMasterKeyProvider load(Path file) throws MasterKeyException {
        MasterKeyFile.Version version = MasterKeyFile.read(file);
        SoftwareMasterKeyProvider provider = new SoftwareMasterKeyProvider(file, null, version::id);
        provider.versions.put(version.id(), version);
        return provider;
    }

    /**
     * Every version of a data directory: {@code firstFile} when it exists, and each
     * {@code versionsDir/<id>.key}; {@code currentVersion} names the one to wrap with.
     */
    public static SoftwareMasterKeyProvider open(Path firstFile, Path versionsDir, Supplier<String> currentVersion)
            throws MasterKeyException {
        SoftwareMasterKeyProvider provider = new SoftwareMasterKeyProvider(firstFile, versionsDir, currentVersion);
        provider.rescan();
        return provider;
    }

    /** The file that holds (or would hold) a version. */
    public Path fileOf(String versionId) {
        MasterKeyFile.Version version = versions.get(versionId);
        return version != null ? version.file()
                : versionsDir != null ? versionsDir.resolve(versionId + VERSION_SUFFIX) : firstFile;
    }

    @Override
    public String keyId() {
        String id = overridden;
        return id != null ? id : currentVersion.get();
    }

    @Override
    public String description() {
        return "software-file:" + (versionsDir == null ? firstFile.toAbsolutePath()
                : firstFile.toAbsolutePath() + " and " + versionsDir.toAbsolutePath() + "/*" + VERSION_SUFFIX);
    }

    @Override
    public List<String> versionIds() throws MasterKeyException {
        rescan();
        return versions.keySet().stream().sorted().toList();
    }

    @Override
    public String createVersion() throws MasterKeyException {
        if (versionsDir == null) {
            throw new MasterKeyException(description() + " is a single key file: it cannot hold another version", null);
        }
        try {
            Files.createDirectories(versionsDir, java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                    java.nio.file.attribute.PosixFilePermissions.fromString("rwx------")));
            eraseLeftovers();
            // the id is the new key's fingerprint, known only once it exists: write it under a temporary name first
            MasterKeyFile.Version version = MasterKeyFile.create(versionsDir.resolve("new" + VERSION_SUFFIX), true);
            Path named = versionsDir.resolve(version.id() + VERSION_SUFFIX);
            Files.move(version.file(), named, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            versions.put(version.id(), new MasterKeyFile.Version(version.id(), version.key(), named));
            return version.id();
        } catch (IOException e) {
            throw new MasterKeyException("cannot create a master-key version in " + versionsDir + ": " + e.getMessage(), e);
        }
    }

    /** A crash between writing and naming a new version leaves new.key or its temporary file: never used by anything. */
    private void eraseLeftovers() throws IOException {
        for (String name : List.of("new" + VERSION_SUFFIX, ".new" + VERSION_SUFFIX + ".tmp")) {
            MasterKeyFile.erase(versionsDir.resolve(name));
        }
    }

    @Override
    public void useVersion(String versionId) throws MasterKeyException {
        version(versionId);
        overridden = versionId;
    }

    @Override
    public void destroyVersion(String versionId) throws MasterKeyException {
        if (versionId.equals(overridden)) { // the one this process was told to wrap with
            throw new MasterKeyException("master key " + versionId + " is current; refusing to destroy it", null);
        }
        Path file = fileOf(versionId);
        try {
            MasterKeyFile.erase(file);
        } catch (IOException e) {
            throw new MasterKeyException("cannot erase master key file " + file + ": " + e.getMessage(), e);
        }
        versions.remove(versionId);
    }

    @Override
    public String keyIdOf(byte[] wrapped) {
        if (wrapped.length >= 2 && wrapped[0] == FORMAT_V2 && wrapped.length >= 2 + (wrapped[1] & 0xff)) {
            return new String(wrapped, 2, wrapped[1] & 0xff, StandardCharsets.US_ASCII);
        }
        // a blob from before versions was wrapped by the first file's key
        return versions.values().stream().filter(v -> v.file().equals(firstFile)).map(MasterKeyFile.Version::id)
                .findFirst().orElseGet(this::keyId);
    }

    @Override
    public byte[] wrap(byte[] plaintext, byte[] associatedData) throws MasterKeyException {
        MasterKeyFile.Version version = version(keyId());
        byte[] nonce = new byte[NONCE_BYTES];
        RANDOM.nextBytes(nonce);
        byte[] sealed;
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, version.key(), new GCMParameterSpec(TAG_BYTES * 8, nonce));
            cipher.updateAAD(associatedData);
            sealed = cipher.doFinal(plaintext);
        } catch (GeneralSecurityException e) {
            throw new MasterKeyException("wrapping with the master key failed", e);
        }
        byte[] id = version.id().getBytes(StandardCharsets.US_ASCII);
        return ByteBuffer.allocate(2 + id.length + NONCE_BYTES + sealed.length)
                .put(FORMAT_V2).put((byte) id.length).put(id).put(nonce).put(sealed).array();
    }

    @Override
    public byte[] unwrap(byte[] wrapped, byte[] associatedData) throws MasterKeyException {
        if (wrapped.length >= 1 + NONCE_BYTES + TAG_BYTES && wrapped[0] == FORMAT_V1) {
            for (MasterKeyFile.Version candidate : versions.values()) {
                byte[] plain = open(candidate.key(), wrapped, 1, associatedData);
                if (plain != null) {
                    return plain;
                }
            }
            throw integrity(keyIdOf(wrapped));
        }
        if (wrapped.length < 2 || wrapped[0] != FORMAT_V2 || wrapped.length < 2 + (wrapped[1] & 0xff) + NONCE_BYTES + TAG_BYTES) {
            throw new MasterKeyException("wrapped key blob has an unknown format", null);
        }
        String id = keyIdOf(wrapped);
        byte[] plain = open(version(id).key(), wrapped, 2 + (wrapped[1] & 0xff), associatedData);
        if (plain == null) {
            throw integrity(id);
        }
        return plain;
    }

    /** The plaintext, or null when the blob does not authenticate under {@code key}. */
    private static byte[] open(SecretKey key, byte[] wrapped, int nonceAt, byte[] associatedData) {
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BYTES * 8, wrapped, nonceAt, NONCE_BYTES));
            cipher.updateAAD(associatedData);
            return cipher.doFinal(wrapped, nonceAt + NONCE_BYTES, wrapped.length - nonceAt - NONCE_BYTES);
        } catch (GeneralSecurityException e) {
            return null;
        }
    }

    private static MasterKeyException integrity(String id) {
        return new MasterKeyException("wrapped key blob does not authenticate under master key " + id
                + " (wrong master key, wrong binding, or tampered data)", null);
    }

    /**
     * A version's key, reading the directory again when it is not known yet (another process, the
     * rotation command, created it). Missing: this node lacks the file — retryable once it is copied.
     */
    private MasterKeyFile.Version version(String id) throws MasterKeyException {
        MasterKeyFile.Version version = id == null ? null : versions.get(id);
        if (version == null && versionsDir != null) {
            rescan();
            version = id == null ? null : versions.get(id);
        }
        if (version == null) {
            throw new MasterKeyUnavailableException("master key " + id + " is not in this node's data directory (expected "
                    + fileOf(id == null ? "?" : id) + ")", null);
        }
        return version;
    }

    private synchronized void rescan() throws MasterKeyException {
        List<Path> files = new ArrayList<>();
        if (Files.exists(firstFile)) {
            files.add(firstFile);
        }
        if (versionsDir != null && Files.isDirectory(versionsDir)) {
            try (DirectoryStream<Path> found = Files.newDirectoryStream(versionsDir, "mk-*" + VERSION_SUFFIX)) {
                found.forEach(files::add);
            } catch (IOException e) {
                throw new MasterKeyUnavailableException("cannot list " + versionsDir + ": " + e.getMessage(), e);
            }
        }
        java.util.Set<Path> present = new java.util.HashSet<>(files);
        versions.values().removeIf(v -> !present.contains(v.file())); // erased by another process
        for (Path file : files) {
            if (versions.values().stream().noneMatch(v -> v.file().equals(file))) {
                MasterKeyFile.Version version = MasterKeyFile.read(file);
                if (!file.equals(firstFile) && !file.getFileName().toString().equals(version.id() + VERSION_SUFFIX)) {
                    throw new MasterKeyException("master key file " + file + " holds master key " + version.id()
                            + ", not the one its name says; refusing it", null);
                }
                versions.put(version.id(), version);
            }
        }
    }
}
