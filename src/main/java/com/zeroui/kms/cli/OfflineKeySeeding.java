package com.zeroui.kms.cli;

import com.zeroui.kms.app.DataDirectory;
import com.zeroui.kms.bench.BenchOperations;
import com.zeroui.kms.crypto.CryptoSuite;
import com.zeroui.kms.crypto.KeyType;
import com.zeroui.kms.crypto.RandomIds;
import com.zeroui.kms.keys.AccessPolicy;
import com.zeroui.kms.keys.Environment;
import com.zeroui.kms.keys.KeyMaterialCache;
import com.zeroui.kms.keys.KeyRecord;
import com.zeroui.kms.keys.KeyScope;
import com.zeroui.kms.keys.KeyState;
import com.zeroui.kms.keys.KeyUsage;
import com.zeroui.kms.keys.Plane;
import com.zeroui.kms.keystore.MasterKeyException;
import com.zeroui.kms.keystore.MasterKeyProvider;
import com.zeroui.kms.ops.KmsConfig;
import com.zeroui.kms.store.JdbcKeyRepository;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * {@code kms bench --create-keys N --offline}: the scale benchmark's population written straight
 * into a stopped node's store, a thousand keys per transaction. The keys are real (fresh material
 * from the node's crypto suite, wrapped under its master key with the same tenant/key-id binding
 * the API uses, so the API can use them), but they bypass the API: no per-key receipt or event.
 * Made for populations the API cannot create in reasonable time on a small machine; the API's own
 * creation rate is what {@code --create-keys} without {@code --offline} measures.
 */
final class OfflineKeySeeding {
    private static final int BATCH = 1000;
    private static final KeyType[] TYPES = {KeyType.ED25519, KeyType.AES_256};

    private OfflineKeySeeding() {
    }

    /** Returns the seconds taken. */
    static double seed(Path dataDir, long count, Path keyFile, PrintStream progress) throws IOException {
        Clock clock = Clock.systemUTC();
        KmsConfig config = KmsConfig.defaults(dataDir);
        CryptoSuite crypto = CryptoSuite.select(CryptoSuite.Preference.AUTO);
        long start = System.nanoTime();
        try (DataDirectory dir = DataDirectory.open(config, clock);
             BufferedWriter out = Files.newBufferedWriter(keyFile, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                     StandardOpenOption.APPEND)) {
            JdbcKeyRepository keys = new JdbcKeyRepository(dir.database());
            MasterKeyProvider masterKey = dir.masterKey();
            KeyScope scope = new KeyScope(BenchOperations.TENANT, Environment.DEV, Plane.TENANT);
            AccessPolicy policy = new AccessPolicy(List.of(BenchOperations.ADMIN_MODULE), false, 1_000_000_000_000L);
            long lastReport = start;
            for (long done = 0; done < count; ) {
                List<KeyRecord> batch = new ArrayList<>(BATCH);
                StringBuilder lines = new StringBuilder();
                for (int i = 0; i < BATCH && done + i < count; i++) {
                    KeyType type = TYPES[(int) ((done + i) % 2)];
                    KeyRecord key = make(crypto, masterKey, clock, scope, policy, type);
                    batch.add(key);
                    lines.append(type.apiName()).append('\t').append(key.keyId()).append('\n');
                }
                keys.insertAll(batch);
                out.write(lines.toString());
                done += batch.size();
                long now = System.nanoTime();
                if (now - lastReport > 10_000_000_000L || done == count) {
                    progress.printf(Locale.ROOT, "kms bench: seeded %d of %d keys offline (%.0f/s so far)%n", done, count,
                            done / ((now - start) / 1e9));
                    lastReport = now;
                }
            }
        }
        return (System.nanoTime() - start) / 1e9;
    }

    private static KeyRecord make(CryptoSuite crypto, MasterKeyProvider masterKey, Clock clock, KeyScope scope,
                                  AccessPolicy policy, KeyType type) {
        String keyId = RandomIds.uuid7(clock);
        CryptoSuite.GeneratedKey generated = crypto.generate(type);
        byte[] plain = generated.material().reveal();
        byte[] wrapped;
        try {
            wrapped = masterKey.wrap(plain, KeyMaterialCache.wrappingAad(scope.tenantId(), keyId));
        } catch (MasterKeyException e) {
            throw new IllegalStateException("the master key refused to wrap: " + e.getMessage(), e);
        } finally {
            Arrays.fill(plain, (byte) 0);
            generated.material().destroy();
        }
        Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
        return new KeyRecord(keyId, scope, type, KeyUsage.permittedFor(type), null, KeyState.ACTIVE, now, now, null, 0,
                policy, BenchOperations.ADMIN_MODULE, generated.publicKeySpki(), wrapped, masterKey.keyIdOf(wrapped));
    }
}
