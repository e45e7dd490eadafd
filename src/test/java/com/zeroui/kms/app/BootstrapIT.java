package com.zeroui.kms.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zeroui.kms.auth.CallerIdentity;
import com.zeroui.kms.auth.SpiffeIdentities;
import com.zeroui.kms.crypto.Pem;
import com.zeroui.kms.ops.KmsConfig;
import com.zeroui.kms.support.CliRun;
import com.zeroui.kms.support.KmsClient;
import com.zeroui.kms.support.TestNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * First start and every later start of a data directory: what bootstrap creates, that a restart
 * reuses it byte for byte, and that a missing, corrupt or foreign master key stops start-up with a
 * clear message instead of a silent re-initialisation that would orphan the stored keys.
 */
class BootstrapIT {
    private static final List<String> BOOTSTRAP_FILES = List.of("master.key", "tls/ca.pem", "tls/admin.pem", "tls/admin.key");

    @TempDir
    Path tmp;

    private static DataDirectory open(Path dir) {
        return DataDirectory.open(KmsConfig.defaults(dir), Clock.systemUTC());
    }

    /** Bootstraps {@code dir} and returns the master key id bound to its database. */
    private static String bootstrap(Path dir) {
        try (DataDirectory data = open(dir)) {
            return data.masterKey().keyId();
        }
    }

    @Test
    void freshDirectoryGetsAPrivateMasterKeyTheCaAndAdminCredentials() throws Exception {
        Path dir = tmp.resolve("fresh");
        String masterKeyId;
        X509Certificate root;
        try (DataDirectory data = open(dir)) {
            masterKeyId = data.masterKey().keyId();
            root = data.ca().ca().root();
        }
        assertThat(masterKeyId).startsWith("mk-");
        assertThat(mode(dir)).isEqualTo("rwx------");
        assertThat(mode(dir.resolve("master.key"))).isEqualTo("rw-------");
        assertThat(mode(dir.resolve("tls/admin.key"))).isEqualTo("rw-------");
        assertThat(dir.resolve("master.key")).hasSize(56);

        X509Certificate caFile = Pem.parseCertificates(Files.readString(dir.resolve("tls/ca.pem"))).get(0);
        assertThat(caFile).isEqualTo(root);
        List<X509Certificate> adminChain = Pem.parseCertificates(Files.readString(dir.resolve("tls/admin.pem")));
        adminChain.get(0).verify(adminChain.get(1).getPublicKey()); // leaf signed by the issuing CA ...
        adminChain.get(1).verify(caFile.getPublicKey());             // ... which the root in ca.pem signed
        CallerIdentity admin = new SpiffeIdentities("zeroui.local").identityOf(adminChain.get(0)).orElseThrow();
        assertThat(admin.moduleId()).isEqualTo(DataDirectory.ADMIN_MODULE);
        assertThat(admin.isAdmin()).isTrue();
        assertThat(Files.readString(dir.resolve("tls/admin.key"))).startsWith("-----BEGIN PRIVATE KEY-----");
    }

    @Test
    void restartReusesTheMasterKeyCaAndAdminCredentialsUnchanged() throws Exception {
        Path dir = tmp.resolve("restart");
        String firstId = bootstrap(dir);
        Map<String, byte[]> before = contents(dir);

        try (DataDirectory again = open(dir)) {
            assertThat(again.masterKey().keyId()).isEqualTo(firstId);
            assertThat(Pem.certificate(again.ca().ca().root())).isEqualTo(new String(before.get("tls/ca.pem"),
                    java.nio.charset.StandardCharsets.US_ASCII));
        }
        assertSameContents(dir, before);
    }

    @Test
    void restartedNodeServesWithTheSameAdminCredentialsAndKeepsItsKeys() {
        Path dir = tmp.resolve("node");
        String keyId;
        try (TestNode node = TestNode.startIn(dir, UnaryOperator.identity(), false)) {
            KmsClient.Response created = node.admin().createKey("t1", "Ed25519", "sign", "verify");
            assertThat(created.status()).as(created.body()).isEqualTo(201);
            keyId = created.text("key_id");
        }
        Map<String, byte[]> before = contents(dir);
        try (TestNode node = TestNode.startIn(dir, UnaryOperator.identity(), false)) {
            KmsClient admin = node.admin(); // the admin files written at the first start
            KmsClient.Response signed = admin.sign("t1", keyId, new byte[] {1, 2, 3}, null);
            assertThat(signed.status()).as(signed.body()).isEqualTo(200);
        }
        assertSameContents(dir, before);
    }

    @Test
    void missingMasterKeyWithAnExistingDatabaseRefusesToStartAndCreatesNoNewKey() {
        Path dir = tmp.resolve("missing");
        String boundId;
        try (TestNode node = TestNode.startIn(dir, UnaryOperator.identity(), false)) {
            boundId = node.node().data().masterKey().keyId();
            assertThat(node.admin().createKey("t1", "AES-256", "encrypt", "decrypt").status()).isEqualTo(201);
        }
        Path masterKey = dir.resolve("master.key");
        delete(masterKey);

        assertThatThrownBy(() -> open(dir))
                .isInstanceOf(StartupException.class)
                .hasMessageContaining(masterKey.toString())
                .hasMessageContaining("missing")
                .hasMessageContaining(boundId);
        assertThat(masterKey).doesNotExist();

        CliRun init = CliRun.run("init", "--data-dir", dir.toString());
        assertThat(init.exitCode()).isNotZero();
        assertThat(init.err()).contains(masterKey.toString()).contains(boundId);
        assertThat(masterKey).doesNotExist();

        CliRun serve = CliRun.run("serve", "--data-dir", dir.toString(), "--port", "0");
        assertThat(serve.exitCode()).isNotZero();
        assertThat(serve.err()).contains("cannot start").contains(masterKey.toString()).contains(boundId);
        assertThat(serve.out()).doesNotContain("listening");
        assertThat(masterKey).doesNotExist();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
            "empty file, 0, -1",
            "one byte short, 55, -1",
            "bit flipped in the header, 56, 0",
            "bit flipped in the key, 56, 20",
            "bit flipped in the checksum, 56, 50"})
    void corruptMasterKeyRefusesToStart(String name, int keepBytes, int flipByte) throws Exception {
        Path dir = tmp.resolve("corrupt");
        bootstrap(dir);
        Path masterKey = dir.resolve("master.key");
        byte[] damaged = Arrays.copyOf(Files.readAllBytes(masterKey), keepBytes);
        if (flipByte >= 0) {
            damaged[flipByte] ^= 0x04;
        }
        Files.write(masterKey, damaged);

        assertThatThrownBy(() -> open(dir))
                .isInstanceOf(StartupException.class)
                .hasMessageContaining("corrupt")
                .hasMessageContaining(masterKey.toString());
        CliRun init = CliRun.run("init", "--data-dir", dir.toString());
        assertThat(init.exitCode()).isNotZero();
        assertThat(init.err()).contains("corrupt");
        assertThat(Files.readAllBytes(masterKey)).as("the damaged file is left for the operator").isEqualTo(damaged);
    }

    @Test
    void masterKeyFromAnotherDataDirectoryIsRefusedAsAMismatch() throws Exception {
        Path mine = tmp.resolve("mine");
        Path other = tmp.resolve("other");
        String mineId = bootstrap(mine);
        String otherId = bootstrap(other);
        assertThat(otherId).isNotEqualTo(mineId);
        Files.copy(other.resolve("master.key"), mine.resolve("master.key"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        byte[] copied = Files.readAllBytes(mine.resolve("master.key"));

        assertThatThrownBy(() -> open(mine))
                .isInstanceOf(StartupException.class)
                .hasMessageContaining("holds master key " + otherId)
                .hasMessageContaining("bound to master key " + mineId);
        CliRun init = CliRun.run("init", "--data-dir", mine.toString());
        assertThat(init.exitCode()).isNotZero();
        assertThat(init.err()).contains(otherId).contains(mineId);
        assertThat(Files.readAllBytes(mine.resolve("master.key"))).isEqualTo(copied);
    }

    /**
     * Pointing a data directory at a new, empty database (say, moving to --database-url) adopts its
     * master key and creates a new CA there; the admin files must then come from that CA, or they
     * could no longer reach the server that ca.pem now describes.
     */
    @Test
    void adminCredentialsFollowTheCaOfANewDatabase() throws Exception {
        Path dir = tmp.resolve("moved");
        String keyId = bootstrap(dir);
        KmsConfig newDatabase = KmsConfig.builder().dataDir(dir).database("jdbc:sqlite:" + tmp.resolve("new.db"), null, null).build();
        X509Certificate newRoot;
        try (DataDirectory data = DataDirectory.open(newDatabase, Clock.systemUTC())) {
            assertThat(data.masterKey().keyId()).isEqualTo(keyId);
            newRoot = data.ca().ca().root();
        }
        assertThat(Pem.parseCertificates(Files.readString(dir.resolve("tls/ca.pem"))).get(0)).isEqualTo(newRoot);
        List<X509Certificate> adminChain = Pem.parseCertificates(Files.readString(dir.resolve("tls/admin.pem")));
        adminChain.get(1).verify(newRoot.getPublicKey());
        adminChain.get(0).verify(adminChain.get(1).getPublicKey());
        assertThat(mode(dir.resolve("tls/admin.key"))).isEqualTo("rw-------");
    }

    @Test
    void expiredAdminCredentialsAreRenewedAtStart() throws Exception {
        Path dir = tmp.resolve("expired");
        bootstrap(dir);
        byte[] before = Files.readAllBytes(dir.resolve("tls/admin.pem"));
        X509Certificate old = Pem.parseCertificates(new String(before, java.nio.charset.StandardCharsets.US_ASCII)).get(0);
        Clock later = Clock.fixed(old.getNotAfter().toInstant().plus(java.time.Duration.ofDays(1)), java.time.ZoneOffset.UTC);
        try (DataDirectory data = DataDirectory.open(KmsConfig.defaults(dir), later)) {
            X509Certificate renewed = Pem.parseCertificates(Files.readString(dir.resolve("tls/admin.pem"))).get(0);
            renewed.checkValidity(java.util.Date.from(later.instant()));
            renewed.verify(data.ca().ca().issuing().getPublicKey());
        }
        assertThat(mode(dir.resolve("tls/admin.key"))).isEqualTo("rw-------");
    }

    @Test
    void initCreatesTheDataDirectoryAndIsIdempotent() throws Exception {
        Path dir = tmp.resolve("init");
        CliRun first = CliRun.run("init", "--data-dir", dir.toString());
        assertThat(first.exitCode()).as(first.err()).isZero();
        for (String file : BOOTSTRAP_FILES) {
            assertThat(dir.resolve(file)).isNotEmptyFile();
        }
        assertThat(mode(dir.resolve("master.key"))).isEqualTo("rw-------");
        assertThat(mode(dir.resolve("tls/admin.key"))).isEqualTo("rw-------");
        String keyId;
        try (var master = com.zeroui.kms.keystore.SoftwareMasterKeyProvider.load(dir.resolve("master.key"))) {
            keyId = master.keyId();
        }
        assertThat(first.out()).contains(keyId);
        Map<String, byte[]> before = contents(dir);

        CliRun second = CliRun.run("init", "--data-dir", dir.toString());
        assertThat(second.exitCode()).as(second.err()).isZero();
        assertThat(second.out()).contains(keyId);
        assertSameContents(dir, before);
    }

    // ---- helpers ----------------------------------------------------------------------------

    private static String mode(Path p) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
    }

    private static Map<String, byte[]> contents(Path dir) {
        Map<String, byte[]> m = new TreeMap<>();
        for (String file : BOOTSTRAP_FILES) {
            try {
                m.put(file, Files.readAllBytes(dir.resolve(file)));
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
        return m;
    }

    private static void assertSameContents(Path dir, Map<String, byte[]> before) {
        Map<String, byte[]> after = contents(dir);
        for (String file : BOOTSTRAP_FILES) {
            assertThat(after.get(file)).as("%s unchanged by the restart", file).isEqualTo(before.get(file));
        }
    }

    private static void delete(Path file) {
        try {
            Files.delete(file);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
