package com.zeroui.kms.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.zeroui.kms.support.KmsClient;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code kms master-key rotate} with the software (file) master key, through the shipped jar: a new
 * version file {@code master-keys/<id>.key} (0600) while a node serves a steady load (not one failed
 * request), SIGKILLed half-way and resumed, the old file erased once nothing names its version, the
 * node's health and config naming the new version without a restart, and neither version's bytes
 * anywhere else in the data directory or the node's output. The same in FIPS mode.
 */
class SoftwareMasterKeyRotationIT {
    private static final String TENANT = Pkcs11MasterKeyIT.TENANT;
    private static final byte[] DATA = "through a software master-key rotation".getBytes(StandardCharsets.UTF_8);

    @TempDir
    Path tmp;

    @Test
    void rotationUnderLoadFailsNoRequestSurvivesSigkillAndErasesTheOldFile() throws Exception {
        Path data = tmp.resolve("data");
        Path logs = tmp.resolve("logs");
        List<String> keys = Collections.synchronizedList(new ArrayList<>());
        String from;
        String to;
        byte[] oldKey;
        String aes;
        JsonNode sealed;
        try (KmsProcess node = KmsProcess.start(data, logs, List.of())) {
            KmsClient admin = node.admin();
            from = admin.get("/health").json().get("master_key_id").asText();
            assertThat(admin.get("/config").json().get("master_key_id").asText()).isEqualTo(from);
            oldKey = keyBytes(data.resolve("master.key"));
            for (int i = 0; i < 40; i++) {
                keys.add(Pkcs11MasterKeyIT.created(admin.createKey(TENANT, "AES-256", "encrypt", "decrypt")));
            }
            for (int i = 0; i < 10; i++) {
                keys.add(Pkcs11MasterKeyIT.created(admin.createKey(TENANT, "Ed25519", "sign", "verify")));
            }
            keys.add(Pkcs11MasterKeyIT.created(admin.createKey(TENANT, "RSA-2048", "sign", "verify")));
            aes = keys.get(0);
            sealed = admin.encrypt(TENANT, aes, DATA, "aad".getBytes(StandardCharsets.UTF_8), null).json();

            Load load = new Load(node.admin(), keys);
            Thread worker = new Thread(load::run, "software-rotation-load");
            worker.start();
            try {
                // first run: paced, killed once it has re-wrapped some but not all
                Process first = cli(List.of("master-key", "rotate", "--data-dir", data.toString(), "--batch-size", "5",
                        "--max-keys-per-second", "10"), Map.of());
                String seen = readUntil(first, "re-wrapped");
                first.destroyForcibly();
                assertThat(first.waitFor(30, TimeUnit.SECONDS)).isTrue();
                assertThat(seen).contains("re-wrapped");
                Map<String, Long> half = wrappersCount(data);
                to = half.keySet().stream().filter(v -> !v.equals(from)).findFirst().orElseThrow();
                assertThat(half.get(from)).as("some blobs still under the old version").isPositive();
                assertThat(half.get(to)).as("some blobs already under the new one").isPositive();
                assertThat(meta(data, "master_key_rotation")).isEqualTo(from + " " + to);
                Path newFile = data.resolve("master-keys").resolve(to + ".key");
                assertThat(newFile).exists().hasSize(56);
                assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(newFile))).isEqualTo("rw-------");
                assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(newFile.getParent())))
                        .isEqualTo("rwx------");
                assertThat(data.resolve("master.key")).as("kept while blobs name it").exists();

                // second run: resumes with the same versions and finishes
                Process second = cli(List.of("master-key", "rotate", "--data-dir", data.toString()), Map.of());
                String output = readUntil(second, null);
                assertThat(second.waitFor(120, TimeUnit.SECONDS)).isTrue();
                assertThat(second.exitValue()).as(output).isZero();
                assertThat(output).contains("resuming the rotation from master key " + from + " to " + to,
                        "destroyed it", "master key rotated from " + from + " to " + to, "receipt ");
                Thread.sleep(1500); // a little more load on the rotated store
            } finally {
                load.stop();
                worker.join();
            }
            assertThat(load.failures).as(load.firstFailure.toString()).isEmpty();
            assertThat(load.operations.get()).isGreaterThan(50);
            assertThat(Pkcs11MasterKeyIT.decrypt(node.admin(), aes, sealed)).isEqualTo(DATA);
            // the running node names the version that is current now, not the one it started with
            JsonNode health = node.admin().get("/health").json();
            assertThat(health.get("master_key_id").asText()).isEqualTo(to);
            assertThat(Pkcs11MasterKeyIT.check(health, "master_key")).isEqualTo("pass");
            assertThat(node.admin().get("/config").json().get("master_key_id").asText()).isEqualTo(to);
            assertThat(node.admin().get("/health").json().get("status").asText()).isEqualTo("healthy");
        }

        assertThat(meta(data, "master_key_id")).isEqualTo(to);
        assertThat(meta(data, "master_key_rotation")).isNull();
        assertThat(blobWrappers(data)).isNotEmpty().allMatch(to::equals);
        assertThat(data.resolve("master.key")).as("the old version's file is erased").doesNotExist();
        assertThat(data.resolve("master-keys").toFile().list()).containsExactly(to + ".key");
        assertThat(receipts(data, "master_key_rotated")).as("the killed run left none, the finished one its receipt").isEqualTo(1);

        // no master-key bytes anywhere but in the current version's own file: not the old, not the new
        LeakSearch search = new LeakSearch();
        search.addSecret("old master key " + from, oldKey);
        search.addSecret("new master key " + to, keyBytes(data.resolve("master-keys").resolve(to + ".key")));
        List<Path> files = new ArrayList<>(LeakSearch.files(data, f -> !f.getFileName().toString().equals(to + ".key")));
        files.addAll(LeakSearch.files(logs, f -> true));
        assertThat(files.stream().map(f -> data.relativize(f).toString())).contains("kms.db", "tls/admin.key");
        assertThat(files.stream().flatMap(f -> search.findIn(f).stream())).isEmpty();

        // a restart binds to the new version and every key still works
        try (KmsProcess node = KmsProcess.start(data, logs, List.of())) {
            assertThat(node.admin().get("/health").json().get("master_key_id").asText()).isEqualTo(to);
            assertThat(Pkcs11MasterKeyIT.decrypt(node.admin(), aes, sealed)).isEqualTo(DATA);
            Pkcs11MasterKeyIT.signAndVerify(node.admin(), keys.get(45), null);
        }
    }

    /**
     * FIPS mode: the new version's bytes come from the module's DRBG and the re-wrap runs AES-GCM in
     * the module, as every software wrap does there; keys made before the rotation keep working.
     */
    @Test
    void rotatesInFipsModeToo() throws Exception {
        Path data = tmp.resolve("data");
        Map<String, String> fips = Map.of("KMS_FIPS", "true");
        try (KmsProcess node = KmsProcess.start(data, tmp.resolve("logs"), List.of(), List.of("--fips"), Map.of())) {
            KmsClient admin = node.admin();
            assertThat(admin.get("/config").json().get("fips_mode").asBoolean()).isTrue();
            String from = admin.get("/health").json().get("master_key_id").asText();
            String aes = Pkcs11MasterKeyIT.created(admin.createKey(TENANT, "AES-256", "encrypt", "decrypt"));
            String ed = Pkcs11MasterKeyIT.created(admin.createKey(TENANT, "Ed25519", "sign", "verify"));
            JsonNode sealed = admin.encrypt(TENANT, aes, DATA, "aad".getBytes(StandardCharsets.UTF_8), null).json();

            Process rotate = cli(List.of("master-key", "rotate", "--data-dir", data.toString()), fips);
            String output = readUntil(rotate, null);
            assertThat(rotate.waitFor(120, TimeUnit.SECONDS)).isTrue();
            assertThat(rotate.exitValue()).as(output).isZero();
            assertThat(output).contains("master key rotated from " + from);
            String to = meta(data, "master_key_id");
            assertThat(to).isNotEqualTo(from);
            assertThat(blobWrappers(data)).isNotEmpty().allMatch(to::equals);
            assertThat(data.resolve("master.key")).doesNotExist();

            Thread.sleep(1500); // the node re-reads the current version every second
            assertThat(admin.get("/health").json().get("master_key_id").asText()).isEqualTo(to);
            assertThat(Pkcs11MasterKeyIT.decrypt(admin, aes, sealed)).isEqualTo(DATA);
            Pkcs11MasterKeyIT.signAndVerify(admin, ed, null);
            Pkcs11MasterKeyIT.created(admin.createKey(TENANT, "AES-256", "encrypt", "decrypt"));
            assertThat(blobWrappers(data)).allMatch(to::equals);
        }
    }

    /** The 32 key bytes of a master-key version file (after the 8-byte header). */
    static byte[] keyBytes(Path file) throws Exception {
        return Arrays.copyOfRange(Files.readAllBytes(file), 8, 40);
    }

    /** Encrypt/decrypt and sign on random keys, and now and then a new key, until stopped. */
    static final class Load {
        final KmsClient client;
        final List<String> keys;
        final List<String> failures = Collections.synchronizedList(new ArrayList<>());
        final StringBuilder firstFailure = new StringBuilder();
        final AtomicLong operations = new AtomicLong();
        final AtomicBoolean running = new AtomicBoolean(true);

        Load(KmsClient client, List<String> keys) {
            this.client = client;
            this.keys = keys;
        }

        void run() {
            int i = 0;
            while (running.get()) {
                try {
                    if (++i % 10 == 0) {
                        KmsClient.Response made = client.createKey(TENANT, "AES-256", "encrypt", "decrypt");
                        expect(made, 201);
                        if (made.status() == 201) {
                            keys.add(made.json().get("key_id").asText());
                        }
                    }
                    String key = keys.get(ThreadLocalRandom.current().nextInt(keys.size()));
                    KmsClient.Response sealed = client.encrypt(TENANT, key, DATA, null, null);
                    if (sealed.status() == 400) { // a signing key
                        expect(client.sign(TENANT, key, DATA, null), 200);
                        continue;
                    }
                    expect(sealed, 200);
                    KmsClient.Response opened = client.decrypt(TENANT, key, sealed.json().get("ciphertext").asText(),
                            sealed.json().get("iv").asText(), null, null);
                    expect(opened, 200);
                    if (opened.status() == 200 && !Arrays.equals(Base64.getDecoder().decode(opened.text("plaintext")), DATA)) {
                        failures.add("decrypted other bytes");
                    }
                } catch (RuntimeException e) {
                    failures.add(e.toString());
                }
            }
        }

        void expect(KmsClient.Response response, int status) {
            operations.incrementAndGet();
            if (response.status() != status) {
                failures.add(response.status() + " " + response.body());
                synchronized (firstFailure) {
                    if (firstFailure.length() == 0) {
                        firstFailure.append(response.status()).append(' ').append(response.body());
                    }
                }
            }
        }

        void stop() {
            running.set(false);
        }
    }

    private static Process cli(List<String> args, Map<String, String> env) throws Exception {
        List<String> command = new ArrayList<>(List.of(Paths.get(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-jar", System.getProperty("kms.jar")));
        command.addAll(args);
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().keySet().removeIf(name -> name.startsWith("KMS_"));
        builder.environment().putAll(env);
        return builder.start();
    }

    /** Reads the process's output until a line contains {@code marker} (or to the end when null). */
    private static String readUntil(Process process, String marker) throws Exception {
        StringBuilder out = new StringBuilder();
        BufferedReader reader = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        String line;
        while ((line = reader.readLine()) != null) {
            out.append(line).append('\n');
            if (marker != null && line.contains(marker)) {
                break;
            }
        }
        return out.toString();
    }

    /** The master-key version each stored blob names (format 2), checked against its row's master_key_id. */
    static List<String> blobWrappers(Path data) throws Exception {
        return Pkcs11MasterKeyIT.blobWrappers(data);
    }

    private static Map<String, Long> wrappersCount(Path data) throws Exception {
        Map<String, Long> counts = new HashMap<>();
        for (String w : blobWrappers(data)) {
            counts.merge(w, 1L, Long::sum);
        }
        return counts;
    }

    private static String meta(Path data, String name) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + data.resolve("kms.db"));
             var ps = c.prepareStatement("SELECT value FROM kms_meta WHERE name = ?")) {
            ps.setString(1, name);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }

    private static int receipts(Path data, String operation) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + data.resolve("kms.db"));
             var ps = c.prepareStatement("SELECT COUNT(*) FROM kms_audit_receipts WHERE operation = ? AND success = 1")) {
            ps.setString(1, operation);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }
}
