package com.zeroui.kms.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.zeroui.kms.support.CliRun;
import com.zeroui.kms.support.KmsClient;
import com.zeroui.kms.support.TestNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 11 §3, the truncation attack: with the node stopped, the tail of the receipt log is deleted
 * together with the tree heads above it, and the head row and subtree hashes are fixed up so that
 * what is left is a consistent, shorter log. An export of it verifies on its own — nothing in the
 * file can tell — but not against a tree head a relying party saved before, and the node, which
 * remembers (outside the database) how far it had verified, starts unhealthy and refuses to extend
 * the log: no receipt, no new tree head that would fork from the one it published.
 */
class AuditTruncationIT {
    static final String T = "tenant-a";

    @TempDir
    Path tmp;

    @Test
    void truncatedLogIsCaughtByTheTrustedHeadAndByTheNodeItself() throws Exception {
        Path data = tmp.resolve("data");
        Path earlyHead = tmp.resolve("early-head.json");
        Path publishedHead = tmp.resolve("published-head.json");
        long early;
        long published;
        try (TestNode node = TestNode.startIn(data, UnaryOperator.identity(), false)) {
            KmsClient m21 = node.client("M21", T);
            String key = m21.createKey(T, "Ed25519", "sign", "verify").text("key_id");
            sign(m21, key, 5);
            early = saveHead(node.admin(), earlyHead);
            sign(m21, key, 10);
            published = saveHead(node.admin(), publishedHead);
        }
        long keep = early + 3;
        assertThat(published).isGreaterThan(keep);
        truncate(data, keep);

        Path bundle = tmp.resolve("truncated.json");
        CliRun export = CliRun.run("audit", "export", "--out", bundle.toString(), "--data-dir", data.toString());
        assertThat(export.exitCode()).as(export.err()).isZero();
        CliRun alone = CliRun.run("audit", "verify", bundle.toString());
        assertThat(alone.exitCode()).as("the truncated log is consistent in itself: " + alone.err()).isZero();

        CliRun against = CliRun.run("audit", "verify", bundle.toString(), "--trusted-head", publishedHead.toString());
        assertThat(against.exitCode()).as(against.out() + against.err()).isEqualTo(1);
        assertThat(against.err()).contains("does not extend the trusted head")
                .contains("the log holds " + keep + " receipts, fewer than the " + published);
        CliRun older = CliRun.run("audit", "verify", bundle.toString(), "--trusted-head", earlyHead.toString());
        assertThat(older.exitCode()).as(older.err()).isZero();
        assertThat(older.out()).contains("extends the trusted head of tree size " + early);

        try (TestNode node = TestNode.startIn(data, UnaryOperator.identity(), false)) {
            JsonNode health = node.anonymous().get("/health").json();
            assertThat(health.get("status").asText()).isEqualTo("unhealthy");
            JsonNode integrity = check(health, "audit_integrity");
            assertThat(integrity.get("status").asText()).isEqualTo("fail");
            assertThat(integrity.get("detail").asText()).contains("from log index " + keep);

            KmsClient m21 = node.client("M21", T);
            KmsClient.Response refused = m21.createKey(T, "Ed25519", "sign", "verify");
            assertThat(refused.status()).as(refused.body()).isEqualTo(503);
            assertThat(refused.json().get("code").asText()).isEqualTo("DEPENDENCY_UNAVAILABLE");
            assertThat(refused.json().get("retryable").asBoolean()).isFalse();
            assertThat(refused.json().get("details").get("first_bad_index").asLong()).isEqualTo(keep);
            assertThat(refused.headers().keySet()).noneMatch(h -> h.equalsIgnoreCase("Retry-After"));

            node.admin().get("/audit/tree-head");
        }
        assertThat(maxTreeHead(data)).as("no head was signed over the truncated log").isLessThanOrEqualTo(keep);
    }

    private static void sign(KmsClient client, String key, int times) {
        for (int i = 0; i < times; i++) {
            KmsClient.Response r = client.sign(T, key, ("m" + i).getBytes(StandardCharsets.UTF_8), null);
            assertThat(r.status()).as(r.body()).isEqualTo(200);
        }
    }

    private static long saveHead(KmsClient admin, Path file) throws Exception {
        KmsClient.Response head = admin.get("/audit/tree-head");
        assertThat(head.status()).as(head.body()).isEqualTo(200);
        Files.writeString(file, head.body());
        return head.json().get("tree_size").asLong();
    }

    private static JsonNode check(JsonNode health, String name) {
        for (JsonNode c : health.get("checks")) {
            if (name.equals(c.get("name").asText())) {
                return c;
            }
        }
        throw new AssertionError("no health check " + name + " in " + health);
    }

    /** Receipts from {@code keep} on, the heads above it and every subtree hash reaching past it: gone. */
    private static void truncate(Path data, long keep) throws Exception {
        try (Connection db = DriverManager.getConnection("jdbc:sqlite:" + data.resolve("kms.db"));
             Statement s = db.createStatement()) {
            s.executeUpdate("DELETE FROM kms_audit_receipts WHERE log_index >= " + keep);
            s.executeUpdate("DELETE FROM kms_audit_tree_heads WHERE tree_size > " + keep);
            s.executeUpdate("DELETE FROM kms_audit_nodes WHERE ((node_index + 1) << level) > " + keep);
            s.executeUpdate("UPDATE kms_audit_head SET tree_size = " + keep);
        }
    }

    private static long maxTreeHead(Path data) throws Exception {
        try (Connection db = DriverManager.getConnection("jdbc:sqlite:" + data.resolve("kms.db"));
             Statement s = db.createStatement();
             ResultSet rs = s.executeQuery("SELECT COALESCE(MAX(tree_size), 0) FROM kms_audit_tree_heads")) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
