package com.zeroui.kms.app;

import com.zeroui.kms.keystore.MasterKeyException;
import com.zeroui.kms.keystore.MasterKeyProvider;
import com.zeroui.kms.keystore.Pkcs11MasterKeyProvider;
import com.zeroui.kms.keystore.Pkcs11Token;
import com.zeroui.kms.store.JdbcMetaRepository;
import com.zeroui.kms.store.JdbcWrappedMaterial;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Master-key rotation (a new version in the same provider) and migration (software file → PKCS#11
 * token), both by re-wrapping every stored blob while the database stays usable. Progress is
 * recorded in the database first ({@code master_key_rotation} / {@code master_key_migration}: "old
 * new"), so a run killed at any point is resumed by the next one with the same versions, and every
 * blob is at all times readable by the version it names. The old version is destroyed (or the
 * master key file erased) only once no blob names it.
 */
public final class MasterKeyRotation {
    static final String META_ROTATION = "master_key_rotation";
    static final String META_MIGRATION = "master_key_migration";
    /** Running nodes re-read the current version every second; this leaves them time to switch. */
    static final Duration NODE_SWITCH = Duration.ofSeconds(3);

    private final DataDirectory dir;
    private final JdbcMetaRepository meta;
    private final JdbcWrappedMaterial blobs;
    private final MasterKeyRewrap rewrap;
    private final Consumer<String> progress;

    public MasterKeyRotation(DataDirectory dir, int batchSize, double maxKeysPerSecond, Consumer<String> progress) {
        this.dir = dir;
        this.meta = new JdbcMetaRepository(dir.database());
        this.blobs = new JdbcWrappedMaterial(dir.database());
        this.rewrap = new MasterKeyRewrap(blobs, batchSize, maxKeysPerSecond);
        this.progress = progress;
    }

    public record Outcome(String from, String to, long rewrapped, boolean resumed) {
    }

    /** Rotates the master key of {@code dir} (bound to a provider that holds versions), or finishes a rotation. */
    public Outcome rotate() throws MasterKeyException, InterruptedException {
        MasterKeyProvider provider = dir.masterKey();
        Optional<String> inProgress = meta.get(META_ROTATION);
        String from;
        String to;
        if (inProgress.isPresent()) {
            String[] versions = inProgress.get().split(" ");
            from = versions[0];
            to = versions[1];
            progress.accept("kms: resuming the rotation from master key " + from + " to " + to);
        } else {
            from = meta.get(DataDirectory.META_MASTER_KEY_ID).orElseThrow();
            to = provider.createVersion();
            String marker = from + " " + to;
            String winner = meta.putIfAbsent(META_ROTATION, marker);
            if (!winner.equals(marker)) {
                provider.destroyVersion(to);
                throw new MasterKeyException("another master-key rotation is in progress (" + winner + ")", null);
            }
        }
        provider.useVersion(to);
        meta.put(DataDirectory.META_MASTER_KEY_ID, to);
        progress.accept("kms: master key " + to + " is current; running nodes switch to it within a second");
        Thread.sleep(NODE_SWITCH.toMillis());
        long done = rewrap.rewrapAll(provider, from, provider, progress);
        // a node that wrapped a new key with the old version just before it switched may store it now: sweep again
        Thread.sleep(NODE_SWITCH.toMillis());
        done += rewrap.rewrapAll(provider, from, provider, progress);
        long left = blobs.countWrappedBy(from);
        if (left != 0) {
            // the record stays: the next run resumes, sweeps again and destroys the old version then
            throw new MasterKeyException(left + " blobs are still wrapped by master key " + from + " (written by a node"
                    + " that had not switched yet?); it is kept; run the command again", null);
        }
        provider.destroyVersion(from);
        progress.accept("kms: nothing is wrapped by master key " + from + " any more; destroyed it");
        meta.delete(META_ROTATION);
        return new Outcome(from, to, done, inProgress.isPresent());
    }

    /**
     * Moves a software-master-key deployment into {@code token}: a new master key there, every blob
     * re-wrapped under it, the database switched to it in one transaction, then {@code masterKeyFile}
     * overwritten and deleted. The service must not run on the file meanwhile (it could not read what
     * is already moved); a killed run is resumed by running it again.
     */
    public Outcome migrateToPkcs11(Pkcs11Token token, Path masterKeyFile) throws MasterKeyException, InterruptedException {
        MasterKeyProvider software = dir.masterKey();
        String from = software.keyId();
        Optional<String> inProgress = meta.get(META_MIGRATION);
        Pkcs11MasterKeyProvider target = new Pkcs11MasterKeyProvider(token, () -> null);
        String to;
        if (inProgress.isPresent()) {
            to = inProgress.get().split(" ")[1];
            progress.accept("kms: resuming the migration from master key " + from + " to " + to + " in the token");
        } else {
            to = target.createVersion();
            meta.put(META_MIGRATION, from + " " + to);
        }
        target.useVersion(to);
        // the CA keys move last, in the transaction that binds the database to the token: start-up unwraps
        // them, so until then a resumed run (opening the store with the file) can still read them
        long done = rewrap.rewrapAll(software, from, target,
                EnumSet.complementOf(EnumSet.of(JdbcWrappedMaterial.Table.CA)), progress);
        List<JdbcWrappedMaterial.Wrapped> caKeys = blobs.wrappedBy(from, 100, EnumSet.of(JdbcWrappedMaterial.Table.CA));
        if (!blobs.replaceAllWithMeta(rewrap.rewrapped(caKeys, software, target), from,
                Map.of(Pkcs11Binding.META_PROVIDER, "pkcs11", DataDirectory.META_MASTER_KEY_ID, to), META_MIGRATION)) {
            throw new MasterKeyException("a CA key changed during the migration; run it again", null);
        }
        done += caKeys.size();
        if (blobs.countWrappedBy(from) != 0) {
            throw new MasterKeyException("blobs written meanwhile are still wrapped by " + from
                    + " (was the service running on the file?); the database is bound to the token now", null);
        }
        for (String version : software.versionIds()) {
            software.destroyVersion(version); // master.key, and any version a software rotation left
        }
        erase(masterKeyFile);
        progress.accept("kms: the database is bound to master key " + to + " in " + token.description() + "; "
                + masterKeyFile + " erased");
        return new Outcome(from, to, done, inProgress.isPresent());
    }

    /** Overwrites the file with zeros, forces it to disk, then deletes it. */
    public static void erase(Path file) throws MasterKeyException {
        try {
            com.zeroui.kms.keystore.MasterKeyFile.erase(file);
        } catch (IOException e) {
            throw new MasterKeyException("cannot erase " + file + ": " + e.getMessage(), e);
        }
    }
}
