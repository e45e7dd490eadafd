package com.zeroui.kms.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.zeroui.kms.support.KmsClient;
import com.zeroui.kms.support.PostgresDatabases;
import com.zeroui.kms.support.TestNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Base64;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A whole node on PostgreSQL: keys made by one node are usable by the next one on the same store. */
class PostgresNodeIT {
    static final String T = "tenant-pg";
    static PostgresDatabases.TempDatabase db;
    static Path dataDir;

    @BeforeAll
    static void createDatabase() throws IOException {
        db = PostgresDatabases.create("PostgresNodeIT");
        dataDir = Files.createTempDirectory("kms-pg-node-");
    }

    @AfterAll
    static void dropDatabase() {
        TestNode.deleteTree(dataDir);
        db.close();
    }

    private static UnaryOperator<com.zeroui.kms.ops.KmsConfig.Builder> onPostgres() {
        return cfg -> cfg.database(db.url(), db.user(), db.password());
    }

    @Test
    void keysSurviveARestartOnTheSameDatabase() throws SQLException {
        byte[] data = "pg payload".getBytes(StandardCharsets.UTF_8);
        byte[] aad = "pg aad".getBytes(StandardCharsets.UTF_8);
        byte[] plaintext = "stored in postgres".getBytes(StandardCharsets.UTF_8);
        String rsa;
        String ed;
        String aes;
        String rsaSignature;
        String edSignature;
        KmsClient.Response sealed;
        JsonNode aesMetadata;

        try (TestNode first = TestNode.startIn(dataDir, onPostgres(), false)) {
            KmsClient m21 = first.client("M21", T);
            assertThat(first.admin().get("/config").text("storage")).isEqualTo("postgresql");
            rsa = created(m21.createKey(T, "RSA-2048", "sign", "verify"));
            ed = created(m21.createKey(T, "Ed25519", "sign", "verify"));
            aes = created(m21.createKey(T, "AES-256", "encrypt", "decrypt"));

            rsaSignature = signed(m21.sign(T, rsa, data, "PS256"));
            edSignature = signed(m21.sign(T, ed, data, null));
            assertValid(m21.verify(T, rsa, data, rsaSignature, "PS256"), true);
            assertValid(m21.verify(T, ed, data, edSignature, null), true);

            sealed = m21.encrypt(T, aes, plaintext, aad, null);
            assertThat(sealed.status()).as(sealed.body()).isEqualTo(200);
            assertDecrypts(m21.decrypt(T, aes, sealed.text("ciphertext"), sealed.text("iv"), aad, null), plaintext);
            aesMetadata = m21.get("/keys/" + aes).json();
        }
        // The node kept nothing in SQLite: the keys are rows in PostgreSQL.
        assertThat(dataDir.resolve("kms.db")).doesNotExist();
        assertThat(storedKeyIds()).containsExactlyInAnyOrder(rsa, ed, aes);

        try (TestNode second = TestNode.startIn(dataDir, onPostgres(), false)) {
            KmsClient m21 = second.client("M21", T);
            // the same metadata after the restart (each answer names its own receipt)
            com.fasterxml.jackson.databind.JsonNode reread = ((com.fasterxml.jackson.databind.node.ObjectNode) m21.get("/keys/" + aes).json())
                    .without("receipt_id");
            assertThat(reread).isEqualTo(((com.fasterxml.jackson.databind.node.ObjectNode) aesMetadata.deepCopy()).without("receipt_id"));
            List<String> listed = m21.get("/keys").json().get("keys").findValuesAsText("key_id");
            assertThat(listed).containsExactlyInAnyOrder(rsa, ed, aes);

            assertValid(m21.verify(T, rsa, data, rsaSignature, "PS256"), true);
            assertValid(m21.verify(T, ed, data, edSignature, null), true);
            assertValid(m21.verify(T, ed, "other".getBytes(StandardCharsets.UTF_8), edSignature, null), false);
            assertValid(m21.verify(T, ed, data, signed(m21.sign(T, ed, data, null)), null), true);
            assertValid(m21.verify(T, rsa, data, signed(m21.sign(T, rsa, data, "RS256")), "RS256"), true);
            assertDecrypts(m21.decrypt(T, aes, sealed.text("ciphertext"), sealed.text("iv"), aad, null), plaintext);

            KmsClient.Response again = m21.encrypt(T, aes, plaintext, aad, "CHACHA20-POLY1305");
            assertThat(again.status()).as(again.body()).isEqualTo(200);
            assertDecrypts(m21.decrypt(T, aes, again.text("ciphertext"), again.text("iv"), aad, "CHACHA20-POLY1305"),
                    plaintext);
            created(m21.createKey(T, "Ed25519", "sign"));
        }
        assertThat(storedKeyIds()).hasSize(4);
    }

    private static String created(KmsClient.Response r) {
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        return r.text("key_id");
    }

    private static String signed(KmsClient.Response r) {
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.text("signature");
    }

    private static void assertValid(KmsClient.Response r, boolean valid) {
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.json().get("valid").asBoolean()).as(r.body()).isEqualTo(valid);
    }

    private static void assertDecrypts(KmsClient.Response r, byte[] plaintext) {
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(Base64.getDecoder().decode(r.text("plaintext"))).isEqualTo(plaintext);
    }

    private static List<String> storedKeyIds() throws SQLException {
        try (Connection c = db.connect(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT key_id FROM kms_keys WHERE tenant_id <> 'GLOBAL'") /* not the service's receipt key */) {
            List<String> ids = new java.util.ArrayList<>();
            while (rs.next()) {
                ids.add(rs.getString(1));
            }
            return ids;
        }
    }
}
