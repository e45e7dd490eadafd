package com.zeroui.kms.backup;

import static org.assertj.core.api.Assertions.assertThat;

import com.zeroui.kms.ops.KmsConfig;
import com.zeroui.kms.support.CliRun;
import com.zeroui.kms.support.PostgresDatabases;
import com.zeroui.kms.support.TestNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code kms backup create|verify|restore} against real nodes on SQLite and PostgreSQL, and across
 * the two: the backup is taken while the node serves, the node is then gone, and a node on the
 * restored store does everything the old one did.
 */
class BackupRestoreTest {
    @TempDir
    Path tmp;
    private final List<PostgresDatabases.TempDatabase> databases = new ArrayList<>();

    @AfterEach
    void dropDatabases() {
        databases.forEach(PostgresDatabases.TempDatabase::close);
    }

    /** Where a store lives: a data directory, and a PostgreSQL database or none (SQLite in the directory). */
    record Store(Path dataDir, PostgresDatabases.TempDatabase pg) {
        UnaryOperator<KmsConfig.Builder> config() {
            return pg == null ? UnaryOperator.identity() : c -> c.database(pg.url(), pg.user(), pg.password());
        }

        List<String> args() {
            List<String> args = new ArrayList<>(List.of("--data-dir", dataDir.toString()));
            if (pg != null) {
                args.addAll(List.of("--database-url", pg.url(), "--database-user", pg.user()));
            }
            return args;
        }
    }

    private Store store(String name, boolean postgres) {
        PostgresDatabases.TempDatabase db = null;
        if (postgres) {
            db = PostgresDatabases.create("backup_" + name);
            databases.add(db);
        }
        return new Store(tmp.resolve(name), db);
    }

    static CliRun cli(String command, Path file, Store store, String... more) {
        List<String> args = new ArrayList<>(List.of("backup", command));
        if (file != null && !command.equals("create")) {
            args.add(file.toString());
        }
        if (command.equals("create")) {
            args.addAll(List.of("--out", file.toString()));
        }
        args.addAll(store.args());
        args.addAll(List.of(more));
        return CliRun.run(args.toArray(String[]::new));
    }

    /** Serves on {@code source}, backs up while serving, stops, restores into {@code target}, serves there. */
    private void roundTrip(Store source, Store target) throws Exception {
        Path file = tmp.resolve("kms.kmsbak");
        RestoredService before;
        try (TestNode node = TestNode.startIn(source.dataDir(), source.config(), false)) {
            before = RestoredService.makeTraffic(node);
            CliRun created = cli("create", file, source);
            assertThat(created.exitCode()).as(created.err()).isZero();
            assertThat(created.out()).contains("keys, a log of");
        }
        CliRun verified = CliRun.run("backup", "verify", file.toString(), "--data-dir", source.dataDir().toString());
        assertThat(verified.exitCode()).as(verified.err()).isZero();
        assertThat(verified.out()).contains("verifies").contains("kms_keys");

        CliRun restored = cli("restore", file, target, "--master-key", source.dataDir().resolve("master.key").toString());
        assertThat(restored.exitCode()).as(restored.err() + restored.out()).isZero();
        assertThat(target.dataDir().resolve("master.key")).hasSameBinaryContentAs(source.dataDir().resolve("master.key"));
        try (TestNode node = TestNode.startIn(target.dataDir(), target.config(), false)) {
            before.checkOn(node);
        }
    }

    @Test
    void sqliteToSqlite() throws Exception {
        roundTrip(store("src", false), store("dst", false));
    }

    @Test
    void postgresToPostgres() throws Exception {
        roundTrip(store("src", true), store("dst", true));
    }

    @Test
    void sqliteToPostgresAndPostgresToSqlite() throws Exception {
        roundTrip(store("src", false), store("pg", true));
        Store pg = new Store(tmp.resolve("pg"), databases.get(0));
        roundTrip(pg, store("back", false));
    }

    @Test
    void theFileRevealsNoStoreContentAndNoMasterKey() throws Exception {
        Store source = store("src", false);
        Path file = tmp.resolve("kms.kmsbak");
        RestoredService traffic;
        try (TestNode node = TestNode.startIn(source.dataDir(), source.config(), false)) {
            traffic = RestoredService.makeTraffic(node);
            assertThat(cli("create", file, source).exitCode()).isZero();
        }
        byte[] backup = Files.readAllBytes(file);
        byte[] masterKey = java.util.Arrays.copyOfRange(Files.readAllBytes(source.dataDir().resolve("master.key")), 8, 40);
        List<byte[]> secrets = List.of(masterKey, java.util.HexFormat.of().formatHex(masterKey).getBytes(),
                java.util.Base64.getEncoder().encode(masterKey));
        for (byte[] secret : secrets) {
            assertThat(BackupFileTest.indexOf(backup, secret)).as("master key in the backup").isEqualTo(-1);
        }
        // what the store holds in the clear (tenant, key ids, receipts, certificates) is not readable either
        for (String marker : List.of(RestoredService.T, traffic.ed, traffic.aes, "BEGIN CERTIFICATE", "kms-receipt/v1",
                "spiffe://")) {
            assertThat(BackupFileTest.indexOf(backup, marker.getBytes(java.nio.charset.StandardCharsets.UTF_8)))
                    .as("plaintext %s in the backup", marker).isEqualTo(-1);
        }
        assertThat(new String(backup, 0, 400, java.nio.charset.StandardCharsets.ISO_8859_1)).contains("kms-backup/v1");
    }

    @Test
    void aUsedTargetIsRefusedUnlessForced() throws Exception {
        Store source = store("src", false);
        Path file = tmp.resolve("kms.kmsbak");
        try (TestNode node = TestNode.startIn(source.dataDir(), source.config(), false)) {
            RestoredService.makeTraffic(node);
            assertThat(cli("create", file, source).exitCode()).isZero();
        }
        Store target = store("dst", false);
        Files.createDirectories(target.dataDir());
        Files.copy(source.dataDir().resolve("master.key"), target.dataDir().resolve("master.key"));
        assertThat(cli("restore", file, target).exitCode()).isZero();
        CliRun again = cli("restore", file, target);
        assertThat(again.exitCode()).isEqualTo(1);
        assertThat(again.err().strip()).doesNotContain("\n").contains("already holds a KMS").contains("--force");
        CliRun forced = cli("restore", file, target, "--force");
        assertThat(forced.exitCode()).as(forced.err()).isZero();
        // the source itself is in use: restoring into it is refused too
        assertThat(cli("restore", file, source).exitCode()).isEqualTo(1);
    }

    @Test
    void anotherMasterKeyIsRefusedInOneLineAndWritesNothing() throws Exception {
        Store source = store("src", false);
        Path file = tmp.resolve("kms.kmsbak");
        try (TestNode node = TestNode.startIn(source.dataDir(), source.config(), false)) {
            assertThat(cli("create", file, source).exitCode()).isZero();
        }
        Store other = store("other", false);
        CliRun.run("init", "--data-dir", other.dataDir().toString());
        CliRun verify = CliRun.run("backup", "verify", file.toString(), "--data-dir", other.dataDir().toString());
        assertThat(verify.exitCode()).isEqualTo(1);
        assertThat(verify.err().strip()).doesNotContain("\n").contains("was made under master key");

        Store target = store("dst", false);
        CliRun restore = cli("restore", file, target, "--master-key", other.dataDir().resolve("master.key").toString());
        assertThat(restore.exitCode()).isEqualTo(1);
        assertThat(restore.err().strip()).doesNotContain("\n").contains("was made under master key");
        assertThat(target.dataDir()).doesNotExist();
    }

    @Test
    void restoreWithoutAnyMasterKeySaysWhichOneItNeeds() throws Exception {
        Store source = store("src", false);
        Path file = tmp.resolve("kms.kmsbak");
        try (TestNode node = TestNode.startIn(source.dataDir(), source.config(), false)) {
            assertThat(cli("create", file, source).exitCode()).isZero();
        }
        CliRun restore = cli("restore", file, store("dst", false));
        assertThat(restore.exitCode()).isEqualTo(2);
        assertThat(restore.err()).contains("--master-key").contains(BackupFiles.readHeader(file).masterKeyId());
    }

    @Test
    void aDamagedBackupRestoresNothing() throws Exception {
        Store source = store("src", false);
        Path file = tmp.resolve("kms.kmsbak");
        try (TestNode node = TestNode.startIn(source.dataDir(), source.config(), false)) {
            RestoredService.makeTraffic(node);
            assertThat(cli("create", file, source).exitCode()).isZero();
        }
        byte[] bytes = Files.readAllBytes(file);
        bytes[bytes.length - 20] ^= 0x40;
        Path damaged = tmp.resolve("damaged.kmsbak");
        Files.write(damaged, bytes);
        CliRun verify = CliRun.run("backup", "verify", damaged.toString(), "--data-dir", source.dataDir().toString());
        assertThat(verify.exitCode()).isEqualTo(1);
        assertThat(verify.err()).contains("does not authenticate");

        Store target = store("dst", true);
        CliRun restore = cli("restore", damaged, target, "--master-key", source.dataDir().resolve("master.key").toString());
        assertThat(restore.exitCode()).isEqualTo(1);
        assertThat(restore.err()).contains("nothing was restored");
        // still empty: a later restore of a good file goes through without --force
        assertThat(cli("restore", file, target, "--master-key", source.dataDir().resolve("master.key").toString()).exitCode())
                .isZero();
    }

    @Test
    void createOnAMistypedDataDirectoryCreatesNothing() {
        Store nowhere = store("nowhere", false);
        CliRun run = cli("create", tmp.resolve("x.kmsbak"), nowhere);
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(nowhere.dataDir()).doesNotExist();
        assertThat(tmp.resolve("x.kmsbak")).doesNotExist();
    }
}
