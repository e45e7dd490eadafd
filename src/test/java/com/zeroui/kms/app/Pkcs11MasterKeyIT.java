package com.zeroui.kms.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.zeroui.kms.support.KmsClient;
import com.zeroui.kms.support.SoftHsm;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The master key inside a real SoftHSM2 token (a token directory of this test's own), through the
 * shipped jar: created by the first start as a sensitive, never-extractable token object; every
 * key's material wrapped by it; nothing of it in the data directory; a restart finds it again; and
 * a wrong PIN, a missing token or a missing library stop start-up with one line, writing nothing.
 */
class Pkcs11MasterKeyIT {
    static final String TENANT = "t-hsm";
    private static final byte[] DATA = "signed and sealed through the token".getBytes(StandardCharsets.UTF_8);

    @TempDir
    Path tmp;

    @Test
    void masterKeyLivesInTheTokenWrapsEveryKeyAndSurvivesARestart() throws Exception {
        SoftHsm hsm = SoftHsm.create(tmp.resolve("hsm"), "kms-it");
        Path data = tmp.resolve("data");
        String rsa;
        String ed;
        String aes;
        String signature;
        JsonNode sealed;
        String masterKeyId;
        try (KmsProcess node = KmsProcess.start(data, tmp.resolve("logs"), List.of(), hsm.flags(), hsm.env())) {
            KmsClient admin = node.admin();
            JsonNode health = admin.get("/health").json();
            assertThat(health.get("status").asText()).isEqualTo("healthy");
            assertThat(check(health, "hsm")).isEqualTo("pass");
            masterKeyId = health.get("master_key_id").asText();
            assertThat(masterKeyId).startsWith("mk-p11-");
            assertThat(admin.get("/config").json().get("master_key_provider").asText()).isEqualTo("pkcs11");

            rsa = created(admin.createKey(TENANT, "RSA-2048", "sign", "verify"));
            ed = created(admin.createKey(TENANT, "Ed25519", "sign", "verify"));
            aes = created(admin.createKey(TENANT, "AES-256", "encrypt", "decrypt"));
            signature = signAndVerify(admin, rsa, "PS256");
            signAndVerify(admin, ed, null);
            sealed = admin.encrypt(TENANT, aes, DATA, "aad".getBytes(StandardCharsets.UTF_8), null).json();
            assertThat(decrypt(admin, aes, sealed)).isEqualTo(DATA);
        }

        // the token holds the master key as a sensitive, never-extractable object labelled with its id
        List<String> masterKeys = hsm.objectBlocks().stream().filter(b -> b.contains("kms-master-key:")).toList();
        assertThat(masterKeys).hasSize(1);
        assertThat(masterKeys.get(0)).contains("Secret Key Object; AES length 32", "kms-master-key:" + masterKeyId,
                "sensitive", "always sensitive", "never extractable");
        assertThat(hsm.listObjects()).doesNotContain("Private Key Object"); // software keys stay wrapped blobs

        // no master key file; every stored blob names the token's master key
        assertThat(data.resolve("master.key")).doesNotExist();
        try (Stream<Path> files = Files.walk(data)) {
            assertThat(files.map(p -> p.getFileName().toString())).noneMatch(n -> n.contains("master"));
        }
        List<String> wrappers = blobWrappers(data);
        assertThat(wrappers).isNotEmpty().allMatch(w -> w.equals(masterKeyId));

        try (KmsProcess node = KmsProcess.start(data, tmp.resolve("logs"), List.of(), hsm.flags(), hsm.env())) {
            KmsClient admin = node.admin();
            assertThat(admin.verify(TENANT, rsa, DATA, signature, "PS256").json().get("valid").asBoolean()).isTrue();
            signAndVerify(admin, rsa, "RS256");
            signAndVerify(admin, ed, null);
            assertThat(decrypt(admin, aes, sealed)).isEqualTo(DATA);
            assertThat(admin.get("/health").json().get("master_key_id").asText()).isEqualTo(masterKeyId);
        }
    }

    @Test
    void wrongPinMissingTokenAndMissingLibraryStopStartUpWithOneLineAndWriteNothing() throws Exception {
        SoftHsm hsm = SoftHsm.create(tmp.resolve("hsm"), "kms-fail");
        Path wrongPin = Files.writeString(tmp.resolve("wrong-pin"), "not-the-pin\n");
        assertRefused(hsm, List.of("--master-key-provider", "pkcs11", "--pkcs11-token-label", "kms-fail",
                "--pkcs11-pin-file", wrongPin.toString()), "wrong PIN");
        assertRefused(hsm, List.of("--master-key-provider", "pkcs11", "--pkcs11-token-label", "no-such-token",
                "--pkcs11-pin-file", hsm.pinFile().toString()), "no PKCS#11 token labelled 'no-such-token'");
        assertRefused(hsm, List.of("--master-key-provider", "pkcs11", "--pkcs11-library", tmp.resolve("nope.so").toString(),
                "--pkcs11-token-label", "kms-fail", "--pkcs11-pin-file", hsm.pinFile().toString()),
                "the PKCS#11 library " + tmp.resolve("nope.so") + " does not exist");
        assertRefused(hsm, List.of("--master-key-provider", "pkcs11", "--pkcs11-token-label", "kms-fail"),
                "the PKCS#11 PIN is not set");
    }

    private void assertRefused(SoftHsm hsm, List<String> flags, String expected) throws Exception {
        Path data = tmp.resolve("never-written-" + Math.abs(expected.hashCode()));
        List<String> command = new ArrayList<>(List.of(Paths.get(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", System.getProperty("kms.jar"), "serve", "--data-dir", data.toString(), "--port", "0"));
        command.addAll(flags);
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().keySet().removeIf(name -> name.startsWith("KMS_"));
        builder.environment().putAll(hsm.env());
        Process process = builder.start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(err).isEqualTo(2);
        assertThat(out).isEmpty();
        assertThat(err.strip().lines()).as(err).hasSize(1);
        assertThat(err).startsWith("kms: cannot start: ").contains(expected);
        assertThat(err).doesNotContain(Files.readString(hsm.pinFile()).strip());
        assertThat(data).doesNotExist();
    }

    static String check(JsonNode health, String name) {
        for (JsonNode c : health.get("checks")) {
            if (c.get("name").asText().equals(name)) {
                return c.get("status").asText();
            }
        }
        return "absent";
    }

    static String created(KmsClient.Response response) {
        assertThat(response.status()).as(response.body()).isEqualTo(201);
        return response.json().get("key_id").asText();
    }

    static String signAndVerify(KmsClient admin, String keyId, String algorithm) {
        KmsClient.Response signed = admin.sign(TENANT, keyId, DATA, algorithm);
        assertThat(signed.status()).as(signed.body()).isEqualTo(200);
        String signature = signed.json().get("signature").asText();
        assertThat(admin.verify(TENANT, keyId, DATA, signature, algorithm).json().get("valid").asBoolean()).isTrue();
        return signature;
    }

    static byte[] decrypt(KmsClient admin, String keyId, JsonNode sealed) {
        KmsClient.Response opened = admin.decrypt(TENANT, keyId, sealed.get("ciphertext").asText(), sealed.get("iv").asText(),
                "aad".getBytes(StandardCharsets.UTF_8), null);
        assertThat(opened.status()).as(opened.body()).isEqualTo(200);
        return java.util.Base64.getDecoder().decode(opened.json().get("plaintext").asText());
    }

    /** For every stored wrapped blob (keys, CA keys, OCSP responder keys): the master-key version it names. */
    static List<String> blobWrappers(Path data) throws Exception {
        List<String> wrappers = new ArrayList<>();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + data.resolve("kms.db"))) {
            for (String sql : List.of("SELECT wrapped_material, master_key_id FROM kms_keys WHERE key_state <> 'destroyed'",
                    "SELECT wrapped_private_key, master_key_id FROM kms_ca",
                    "SELECT wrapped_private_key, master_key_id FROM kms_ocsp_responders")) {
                try (ResultSet rs = c.createStatement().executeQuery(sql)) {
                    while (rs.next()) {
                        byte[] blob = rs.getBytes(1);
                        if (blob == null || blob.length == 0) {
                            continue;
                        }
                        assertThat(blob[0]).as("blob format of a token-wrapped key").isEqualTo((byte) 2);
                        String named = new String(blob, 2, blob[1], StandardCharsets.US_ASCII);
                        assertThat(rs.getString(2)).as("the row names the version its blob names").isEqualTo(named);
                        wrappers.add(named);
                    }
                }
            }
        }
        return wrappers;
    }
}
