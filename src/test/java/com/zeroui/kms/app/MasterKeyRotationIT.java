package com.zeroui.kms.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.zeroui.kms.support.KmsClient;
import com.zeroui.kms.support.SoftHsm;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code kms master-key rotate} and {@code kms master-key migrate --to pkcs11} through the shipped
 * jar against a real SoftHSM2 token: a rotation while a node serves a steady load (not one failed
 * request), SIGKILLed half-way and resumed, the old version destroyed only at the end; and a
 * software deployment moved into the token, its master.key erased. Both leave receipts.
 */
class MasterKeyRotationIT {
    private static final String TENANT = Pkcs11MasterKeyIT.TENANT;
    private static final byte[] DATA = "through a master-key rotation".getBytes(StandardCharsets.UTF_8);

    @TempDir
    Path tmp;

    @Test
    void rotationUnderLoadFailsNoRequestSurvivesSigkillAndRetiresTheOldVersion() throws Exception {
        SoftHsm hsm = SoftHsm.create(tmp.resolve("hsm"), "kms-rotate");
        Path data = tmp.resolve("data");
        String from;
        List<String> keys = Collections.synchronizedList(new ArrayList<>());
        JsonNode sealedBefore;
        String aesBefore;
        try (KmsProcess node = KmsProcess.start(data, tmp.resolve("logs"), List.of(), hsm.flags(), hsm.env())) {
            KmsClient admin = node.admin();
            from = admin.get("/health").json().get("master_key_id").asText();
            for (int i = 0; i < 40; i++) {
                keys.add(Pkcs11MasterKeyIT.created(admin.createKey(TENANT, "AES-256", "encrypt", "decrypt")));
            }
            for (int i = 0; i < 10; i++) {
                keys.add(Pkcs11MasterKeyIT.created(admin.createKey(TENANT, "Ed25519", "sign", "verify")));
            }
            keys.add(Pkcs11MasterKeyIT.created(admin.createKey(TENANT, "RSA-2048", "sign", "verify")));
            aesBefore = keys.get(0);
            sealedBefore = admin.encrypt(TENANT, aesBefore, DATA, "aad".getBytes(StandardCharsets.UTF_8), null).json();

            Load load = new Load(node.admin(), keys);
            Thread worker = new Thread(load::run, "rotation-load");
            worker.start();
            try {
                // first run: paced, killed once it has re-wrapped some but not all
                Process first = cli(hsm, List.of("master-key", "rotate", "--data-dir", data.toString(), "--batch-size", "5",
                        "--max-keys-per-second", "10"));
                String seen = readUntil(first, "re-wrapped");
                first.destroyForcibly();
                assertThat(first.waitFor(30, TimeUnit.SECONDS)).isTrue();
                assertThat(seen).contains("re-wrapped");
                Map<String, Long> half = wrappersCount(data);
                String to = half.keySet().stream().filter(v -> !v.equals(from)).findFirst().orElseThrow();
                assertThat(half.get(from)).as("some blobs still under the old version").isPositive();
                assertThat(half.get(to)).as("some blobs already under the new one").isPositive();
                assertThat(meta(data, "master_key_rotation")).isEqualTo(from + " " + to);

                // second run: resumes with the same versions and finishes
                Process second = cli(hsm, List.of("master-key", "rotate", "--data-dir", data.toString()));
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
            assertThat(Pkcs11MasterKeyIT.decrypt(node.admin(), aesBefore, sealedBefore)).isEqualTo(DATA);
            assertThat(Pkcs11MasterKeyIT.check(node.admin().get("/health").json(), "hsm")).isEqualTo("pass");
        }

        String to = meta(data, "master_key_id");
        assertThat(meta(data, "master_key_rotation")).isNull();
        assertThat(Pkcs11MasterKeyIT.blobWrappers(data)).isNotEmpty().allMatch(to::equals);
        String objects = hsm.listObjects();
        assertThat(objects).contains("kms-master-key:" + to).doesNotContain("kms-master-key:" + from);
        assertThat(receipts(data, "master_key_rotated")).as("the killed run left none, the finished one its receipt").isEqualTo(1);
    }

    @Test
    void aSoftwareDeploymentMovesIntoTheTokenAndItsMasterKeyFileIsErased() throws Exception {
        SoftHsm hsm = SoftHsm.create(tmp.resolve("hsm"), "kms-migrate");
        Path data = tmp.resolve("data");
        String aes;
        String ed;
        String signature;
        JsonNode sealed;
        String softwareId;
        try (KmsProcess node = KmsProcess.start(data, tmp.resolve("logs"), List.of())) {
            KmsClient admin = node.admin();
            softwareId = admin.get("/health").json().get("master_key_id").asText();
            aes = Pkcs11MasterKeyIT.created(admin.createKey(TENANT, "AES-256", "encrypt", "decrypt"));
            ed = Pkcs11MasterKeyIT.created(admin.createKey(TENANT, "Ed25519", "sign", "verify"));
            sealed = admin.encrypt(TENANT, aes, DATA, "aad".getBytes(StandardCharsets.UTF_8), null).json();
            signature = admin.sign(TENANT, ed, DATA, null).text("signature");
        }
        assertThat(data.resolve("master.key")).exists();

        List<String> flags = new ArrayList<>(List.of("master-key", "migrate", "--to", "pkcs11", "--data-dir", data.toString()));
        flags.addAll(hsm.flags().subList(2, hsm.flags().size())); // the --pkcs11-* options
        Process migrate = cli(hsm, flags);
        String output = readUntil(migrate, null);
        assertThat(migrate.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(migrate.exitValue()).as(output).isZero();
        assertThat(output).contains("master key moved from " + softwareId, "receipt ");
        assertThat(data.resolve("master.key")).doesNotExist();
        String to = meta(data, "master_key_id");
        assertThat(to).startsWith("mk-p11-");
        assertThat(meta(data, "master_key_provider")).isEqualTo("pkcs11");
        assertThat(Pkcs11MasterKeyIT.blobWrappers(data)).isNotEmpty().allMatch(to::equals);
        assertThat(receipts(data, "master_key_migrated")).isEqualTo(1);

        try (KmsProcess node = KmsProcess.start(data, tmp.resolve("logs"), List.of(), hsm.flags(), hsm.env())) {
            KmsClient admin = node.admin();
            assertThat(Pkcs11MasterKeyIT.check(admin.get("/health").json(), "hsm")).isEqualTo("pass");
            assertThat(Pkcs11MasterKeyIT.decrypt(admin, aes, sealed)).isEqualTo(DATA);
            assertThat(admin.verify(TENANT, ed, DATA, signature, null).json().get("valid").asBoolean()).isTrue();
        }
    }

    /** Encrypt/decrypt and sign/verify on random keys, and now and then a new key, until stopped. */
    private static final class Load {
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
                        KmsClient.Response signed = client.sign(TENANT, key, DATA, null);
                        expect(signed, 200);
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

    private static Process cli(SoftHsm hsm, List<String> args) throws Exception {
        List<String> command = new ArrayList<>(List.of(Paths.get(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-jar", System.getProperty("kms.jar")));
        command.addAll(args);
        if (args.get(1).equals("rotate")) {
            command.addAll(hsm.flags());
        }
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().keySet().removeIf(name -> name.startsWith("KMS_"));
        builder.environment().putAll(hsm.env());
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

    private static Map<String, Long> wrappersCount(Path data) throws Exception {
        Map<String, Long> counts = new java.util.HashMap<>();
        for (String w : Pkcs11MasterKeyIT.blobWrappers(data)) {
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
