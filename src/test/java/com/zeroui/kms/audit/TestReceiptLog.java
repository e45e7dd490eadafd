package com.zeroui.kms.audit;

import com.zeroui.kms.auth.CallerIdentity;
import com.zeroui.kms.auth.Role;
import com.zeroui.kms.crypto.CryptoSuite;
import com.zeroui.kms.store.Database;
import com.zeroui.kms.store.JdbcAuditRepository;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.Signature;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * The real receipt log (AuditLog, TreeHeads, AuditTrail, AuditSealer, AuditQueries) over a real
 * store, signing with a receipt key of its own: what a node wires, without HTTP.
 */
public final class TestReceiptLog implements AutoCloseable {
    public static final CryptoSuite CRYPTO = CryptoSuite.select(CryptoSuite.Preference.AUTO);
    public static final CallerIdentity ADMIN = new CallerIdentity("M21", "tenant-a", Set.of(Role.ADMIN),
            "spiffe://zeroui.local/tenant/tenant-a/module/M21");
    public static final CallerIdentity OPERATOR = new CallerIdentity("@kms-cli", CallerIdentity.GLOBAL_TENANT,
            Set.of(Role.ADMIN), "local:operator/test");

    /** One receipt key for the whole test run, as a store keeps one across restarts. */
    private static final KeyPair KEY = ed25519();
    public static final String KEY_ID = UUID.randomUUID().toString();

    public final JdbcAuditRepository repository;
    public final AuditLog log;
    public final TreeHeads heads;
    public final AuditTrail trail;
    public final AuditSealer sealer;
    public final AuditQueries queries;

    /** Null unless built with an archive directory. */
    public final com.zeroui.kms.store.JdbcArchiveIndex index;
    public final LocalArchiveStore archives;
    public final ArchivedReceipts archived;

    public TestReceiptLog(Database database) {
        this(database, null);
    }

    /** With {@code archiveDir}: seals are indexed there and sealed receipts are answered from it. */
    public TestReceiptLog(Database database, java.nio.file.Path archiveDir) {
        ReceiptSigner signer = new ReceiptSigner() {
            @Override
            public String keyId() {
                return KEY_ID;
            }

            @Override
            public byte[] sign(byte[] message) {
                return TestReceiptLog.sign(message);
            }
        };
        repository = new JdbcAuditRepository(database);
        log = new AuditLog(repository, signer, Duration.ofMillis(1), 8, Duration.ofSeconds(10));
        heads = new TreeHeads(repository, signer, Clock.systemUTC());
        trail = new AuditTrail(log, Clock.systemUTC(), com.zeroui.kms.events.Events.none(Clock.systemUTC()));
        index = archiveDir == null ? null : new com.zeroui.kms.store.JdbcArchiveIndex(database);
        archives = archiveDir == null ? null : new LocalArchiveStore(archiveDir);
        archived = archiveDir == null ? null : new ArchivedReceipts(repository, index, archives);
        sealer = new AuditSealer(repository, heads, trail, TestReceiptLog::publicKey, CRYPTO, Clock.systemUTC(), index);
        queries = new AuditQueries(repository, heads, archived);
    }

    public static Optional<byte[]> publicKey(String keyId) {
        return keyId.equals(KEY_ID) ? Optional.of(KEY.getPublic().getEncoded()) : Optional.empty();
    }

    public static PublicKey receiptPublicKey() {
        return KEY.getPublic();
    }

    public static Map<String, PublicKey> trustedKeys() {
        return Map.of(KEY_ID, KEY.getPublic());
    }

    public static byte[] sign(byte[] message) {
        try {
            Signature s = Signature.getInstance("Ed25519");
            s.initSign(KEY.getPrivate());
            s.update(message);
            return s.sign();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Appends {@code count} receipts stamped one second apart from {@code firstTs}; returns their ids. */
    public List<String> append(int count, Instant firstTs) {
        return java.util.stream.IntStream.range(0, count)
                .mapToObj(i -> log.append(draft(i, firstTs.plusSeconds(i))))
                .toList();
    }

    public static ReceiptDraft draft(int i, Instant ts) {
        // the id carries the receipt's time, as RandomIds.uuid7 makes it
        String id = com.zeroui.kms.crypto.RandomIds.uuid7(Clock.fixed(ts, java.time.ZoneOffset.UTC));
        return new ReceiptDraft(id, ts, "tenant-a", "dev", "tenant", i % 2 == 0 ? "signature_created" : "signature_verified",
                "sign", "key-" + i, "EdDSA", 256, i % 3 != 0, i % 3 != 0 ? null : "UNAUTHORIZED", ADMIN,
                "sha256:" + "00".repeat(32));
    }

    /** The RFC 9162 leaf hash of a stored receipt. */
    public static byte[] leafHash(String receiptJson) {
        return MerkleHash.leaf(receiptJson.getBytes(StandardCharsets.UTF_8));
    }

    private static KeyPair ed25519() {
        try {
            return KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        log.close();
    }
}
