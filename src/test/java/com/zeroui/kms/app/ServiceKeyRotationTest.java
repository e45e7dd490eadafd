package com.zeroui.kms.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.zeroui.kms.audit.AuditLog;
import com.zeroui.kms.audit.AuditSelfCheck;
import com.zeroui.kms.audit.BundleExporter;
import com.zeroui.kms.audit.BundleVerifier;
import com.zeroui.kms.audit.Checkpoint;
import com.zeroui.kms.audit.LogIntegrity;
import com.zeroui.kms.audit.ReceiptSigner;
import com.zeroui.kms.audit.TreeHeads;
import com.zeroui.kms.crypto.CryptoSuite;
import com.zeroui.kms.crypto.KeyType;
import com.zeroui.kms.crypto.SignatureAlgorithm;
import com.zeroui.kms.keys.KeyMaterialCache;
import com.zeroui.kms.keys.KeyUsage;
import com.zeroui.kms.keys.ServiceKeyChain;
import com.zeroui.kms.keys.ServiceKeyPurpose;
import com.zeroui.kms.keys.ServiceKeys;
import com.zeroui.kms.ops.KmsConfig;
import com.zeroui.kms.store.JdbcAuditRepository;
import com.zeroui.kms.store.JdbcKeyRepository;
import com.zeroui.kms.support.MutableClock;
import com.zeroui.kms.support.TestNode;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.Period;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The receipt key rotates on its schedule with an injected clock: a successor takes over when the
 * key is older than the schedule, the old key stays valid for the overlap and then retires, and
 * every receipt and tree head verifies — in the server's self-check and offline — with the key that
 * was valid when it was made, while a receipt signed by a retired key is refused.
 */
class ServiceKeyRotationTest {
    static final CryptoSuite CRYPTO = CryptoSuite.select(CryptoSuite.Preference.AUTO);
    static final Period SCHEDULE = Period.ofDays(90);
    static final Duration OVERLAP = Duration.ofDays(1);

    Path dir;
    MutableClock clock;
    DataDirectory data;
    ServiceKeyChain chain;
    RotatingReceiptKey receiptKey;
    JdbcAuditRepository repository;

    @BeforeEach
    void open() throws Exception {
        dir = Files.createTempDirectory("kms-service-key-");
        clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
        data = DataDirectory.open(KmsConfig.defaults(dir), clock);
        JdbcKeyRepository keys = new JdbcKeyRepository(data.database());
        ServiceKeys serviceKeys = new ServiceKeys(keys, new KeyMaterialCache(data.masterKey(), CRYPTO, 16), CRYPTO, clock,
                data.masterKey().keyId());
        chain = serviceKeys.chain(ServiceKeyPurpose.RECEIPT, SCHEDULE, OVERLAP);
        receiptKey = new RotatingReceiptKey(chain);
        repository = new JdbcAuditRepository(data.database());
    }

    @AfterEach
    void close() {
        data.close();
        TestNode.deleteTree(dir);
    }

    @Test
    void rotatesOnScheduleKeepsTheOldKeyForTheOverlapAndListsEveryKeyWithItsValidity() {
        String first = chain.current().keyId();
        clock.advance(Duration.ofDays(89));
        assertThat(chain.rotateIfDue()).isFalse();
        clock.advance(Duration.ofDays(1));
        Instant rotatedAt = clock.instant();
        assertThat(chain.rotateIfDue()).isTrue();
        String second = chain.current().keyId();
        assertThat(second).isNotEqualTo(first);
        assertThat(chain.rotateIfDue()).as("the new key is not due").isFalse();

        List<Map<String, Object>> listed = published();
        assertThat(listed).extracting(k -> k.get("key_id")).containsExactly(first, second);
        assertThat(listed.get(0)).containsEntry("status", "retiring")
                .containsEntry("not_before", null)
                .containsEntry("not_after", rotatedAt.plus(OVERLAP).toString());
        assertThat(listed.get(1)).containsEntry("status", "active").containsEntry("not_after", null)
                .containsEntry("not_before", rotatedAt.toString());

        clock.advance(OVERLAP.plusSeconds(1));
        chain.reload();
        assertThat(published().get(0)).containsEntry("status", "retired");
    }

    @Test
    void receiptsOfEveryKeyVerifyWithTheKeyValidWhenTheyWereMadeAndNotAfter() throws Exception {
        LogIntegrity integrity = new LogIntegrity();
        Instant rotatedAt;
        TreeHeads heads = new TreeHeads(repository, receiptKey, clock, integrity,
                com.zeroui.kms.events.Events.none(clock));
        try (AuditLog log = new AuditLog(repository, receiptKey, Duration.ofMillis(1), 8, Duration.ofSeconds(10), integrity)) {
            append(log, 3);
            heads.latest();
            clock.advance(Duration.ofDays(90));
            rotatedAt = clock.instant();
            assertThat(chain.rotateIfDue()).isTrue();
            append(log, 3);
            heads.latest();
        }
        AuditSelfCheck.Outcome checked = new AuditSelfCheck(repository, receiptKey, CRYPTO, Checkpoint.none(), integrity,
                clock).run();
        assertThat(checked.ok()).as(String.valueOf(checked.breach())).isTrue();
        assertThat(checked.receiptsChecked()).isEqualTo(6);
        assertThat(checked.treeHeadsChecked()).isEqualTo(2);

        ByteArrayOutputStream bundle = new ByteArrayOutputStream();
        new BundleExporter(repository, receiptKey.publicKeys(), clock).export(bundle);
        String text = bundle.toString(StandardCharsets.UTF_8);
        assertThat(text).contains("\"not_after\":\"" + rotatedAt.plus(OVERLAP) + "\"");
        BundleVerifier.Result offline = new BundleVerifier(CRYPTO).verify(new ByteArrayInputStream(bundle.toByteArray()));
        assertThat(offline.ok()).as(String.valueOf(offline.problem())).isTrue();
        assertThat(offline.keyIds()).hasSize(2);

        // the old key, used after its overlap ended: neither the server nor an offline verifier accepts it
        ServiceKeyChain.Version old = chain.versions().get(0);
        clock.advance(OVERLAP.plusMinutes(5));
        ServiceKeyChain.Signing stale = new ServiceKeyChain.Signing(old.key().keyId(), receiptKeySigner(old));
        try (AuditLog log = new AuditLog(repository, ReceiptSigner.of(stale.keyId(), stale.sign()), Duration.ofMillis(1), 8,
                Duration.ofSeconds(10))) {
            append(log, 1);
        }
        AuditSelfCheck.Outcome refused = new AuditSelfCheck(repository, receiptKey, CRYPTO, Checkpoint.none(),
                new LogIntegrity(), clock).run();
        assertThat(refused.breach().firstBadIndex()).isEqualTo(6);
        assertThat(refused.breach().reason()).contains("not valid at");
        ByteArrayOutputStream later = new ByteArrayOutputStream();
        new BundleExporter(repository, receiptKey.publicKeys(), clock).export(later);
        BundleVerifier.Result stillOld = new BundleVerifier(CRYPTO).verify(new ByteArrayInputStream(later.toByteArray()));
        assertThat(stillOld.problem().message()).startsWith("index 6: receipt key " + old.key().keyId()
                + " was not valid at");

        // with the published key list as the trusted keys, its validity applies (the file's own is ignored)
        byte[] published = new com.fasterxml.jackson.databind.ObjectMapper()
                .writeValueAsBytes(Map.of("keys", published()));
        BundleVerifier plain = new BundleVerifier(CRYPTO);
        var trusted = plain.readKeyList(new ByteArrayInputStream(published));
        BundleVerifier pinned = plain.withTrustedWindows(plain.readKeyWindows(new ByteArrayInputStream(published)));
        assertThat(pinned.verify(new ByteArrayInputStream(later.toByteArray()), trusted).problem().message())
                .startsWith("index 6: receipt key " + old.key().keyId() + " was not valid at");
        assertThat(plain.verify(new ByteArrayInputStream(later.toByteArray()), trusted).problem())
                .as("without the windows the stale receipt's signature itself is fine").isNull();
    }

    private List<Map<String, Object>> published() {
        return chain.versions().stream().map(v -> ServiceKeyDirectory.view(ServiceKeyPurpose.RECEIPT, v)).toList();
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void twoNodesOnOneDatabaseRotateEachServiceKeyOnceAndAgreeOnTheKeySets(String backend) throws Exception {
        Path first = Files.createTempDirectory("kms-service-keys-1-");
        Path second = Files.createTempDirectory("kms-service-keys-2-");
        com.zeroui.kms.support.PostgresDatabases.TempDatabase pg = backend.equals("postgresql")
                ? com.zeroui.kms.support.PostgresDatabases.create("ServiceKeyRotationTest") : null;
        java.util.function.UnaryOperator<KmsConfig.Builder> store = pg != null ? cfg -> cfg.database(pg.url(), pg.user(), pg.password())
                : cfg -> cfg.database("jdbc:sqlite:" + first.resolve("kms.db"), null, null);
        DataDirectory one = DataDirectory.open(store.apply(KmsConfig.builder().dataDir(first)).build(), clock);
        DataDirectory two = null;
        try {
            Files.copy(first.resolve("master.key"), second.resolve("master.key")); // one database, one master key
            two = DataDirectory.open(store.apply(KmsConfig.builder().dataDir(second)).build(), clock);
            ServiceKeyDirectory nodeOne = directory(one);
            ServiceKeyDirectory nodeTwo = directory(two);
            assertThat(keySets(nodeTwo)).isEqualTo(keySets(nodeOne));
            assertThat(nodeOne.listing()).hasSize(3);

            clock.advance(Duration.ofDays(90));
            java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
            java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(2);
            try {
                List<java.util.concurrent.Future<?>> runs = List.of(pool.submit(() -> {
                    go.await();
                    nodeOne.rotateDue();
                    return null;
                }), pool.submit(() -> {
                    go.await();
                    nodeTwo.rotateDue();
                    return null;
                }));
                go.countDown();
                for (java.util.concurrent.Future<?> run : runs) {
                    run.get(60, java.util.concurrent.TimeUnit.SECONDS);
                }
            } finally {
                pool.shutdownNow();
            }
            nodeOne.rotateDue(); // the next lifecycle run: picks up whatever the other node did
            nodeTwo.rotateDue();
            Map<String, List<String>> agreed = keySets(nodeOne);
            assertThat(keySets(nodeTwo)).isEqualTo(agreed);
            assertThat(nodeTwo.listing()).isEqualTo(nodeOne.listing());
            for (com.zeroui.kms.keys.ServiceKeyPurpose purpose : com.zeroui.kms.keys.ServiceKeyPurpose.values()) {
                assertThat(agreed.get(purpose.apiName())).as("rotated once, by one node: " + purpose).hasSize(2);
                assertThat(nodeOne.listing(purpose)).extracting(k -> k.get("status")).containsExactly("retiring", "active");
                assertThat(nodeTwo.chain(purpose).current().keyId()).isEqualTo(nodeOne.chain(purpose).current().keyId());
            }
        } finally {
            if (two != null) {
                two.close();
            }
            one.close();
            if (pg != null) {
                pg.close();
            }
            TestNode.deleteTree(first);
            TestNode.deleteTree(second);
        }
    }

    private ServiceKeyDirectory directory(DataDirectory node) {
        return new ServiceKeyDirectory(new ServiceKeys(new JdbcKeyRepository(node.database()),
                new KeyMaterialCache(node.masterKey(), CRYPTO, 16), CRYPTO, clock, node.masterKey().keyId()), SCHEDULE,
                OVERLAP);
    }

    /** Key ids per purpose, oldest first. */
    private static Map<String, List<String>> keySets(ServiceKeyDirectory directory) {
        Map<String, List<String>> out = new java.util.TreeMap<>();
        directory.listing().forEach(k -> out.computeIfAbsent((String) k.get("purpose"), p -> new java.util.ArrayList<>())
                .add((String) k.get("key_id")));
        return out;
    }

    /** Signs with the retired key's material, as a node that never switched would. */
    private java.util.function.UnaryOperator<byte[]> receiptKeySigner(ServiceKeyChain.Version version) {
        ServiceKeys serviceKeys = new ServiceKeys(new JdbcKeyRepository(data.database()),
                new KeyMaterialCache(data.masterKey(), CRYPTO, 16), CRYPTO, clock, data.masterKey().keyId());
        return serviceKeys.signer(version.key(), SignatureAlgorithm.EDDSA);
    }

    private void append(AuditLog log, int count) {
        for (int i = 0; i < count; i++) {
            log.append(com.zeroui.kms.audit.TestReceiptLog.draft(i, clock.instant()));
            clock.advance(Duration.ofSeconds(1));
        }
    }

    static Set<String> ids(List<Map<String, Object>> keys) {
        return Set.copyOf(keys.stream().map(k -> (String) k.get("key_id")).toList());
    }
}
