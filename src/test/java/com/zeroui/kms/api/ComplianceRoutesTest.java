package com.zeroui.kms.api;

import static com.zeroui.kms.support.ErrorResponseAssert.assertError;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.zeroui.kms.ops.LifecycleConfig;
import com.zeroui.kms.support.MutableClock;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import com.zeroui.kms.auth.Role;
import com.zeroui.kms.support.CliRun;
import com.zeroui.kms.support.KmsClient;
import com.zeroui.kms.support.TestNode;
import org.junit.jupiter.api.Test;

class ComplianceRoutesTest {
    @Test
    void adminsAndAuditorsReadTheReportTenantsDoNot() {
        try (TestNode node = TestNode.start()) {
            KmsClient.Response admin = node.admin().get("/compliance");
            assertThat(admin.status()).isEqualTo(200);
            JsonNode body = admin.json();
            assertThat(body.get("status").asText()).isIn("pass", "warn", "fail");
            assertThat(body.get("items").findValuesAsText("check")).contains("mtls", "fips_mode", "backup", "master_key",
                    "audit_integrity", "dual_authorization", "destruction_waiting_period", "signed_tree_head",
                    "keys_overdue_for_rotation", "keys_without_allowed_modules", "keys_grace_ended_not_archived");
            // a test node runs without FIPS and without a backup schedule: the report says so
            assertThat(item(body, "fips_mode").get("status").asText()).isEqualTo("fail");
            assertThat(item(body, "backup").get("status").asText()).isEqualTo("warn");

            assertThat(node.client("AUD1", "t-audit", Role.AUDITOR).get("/compliance").status()).isEqualTo(200);
            assertError(node.client("M21", "t-tenant").get("/compliance"), 403, "UNAUTHORIZED");

            String metrics = node.anonymous().get("/metrics").body();
            assertThat(metrics).contains("kms_compliance_check{check=\"fips_mode\",control=\"CC6.1\"} 0.0");
        }
    }

    @Test
    void anOverdueKeyAndAKeyWithoutAllowedModulesAreNamed() throws Exception {
        MutableClock clock = MutableClock.atRealNow();
        try (TestNode node = TestNode.start(clock, c -> c.lifecycle(new LifecycleConfig(30, Duration.ofHours(1), false)))) {
            KmsClient admin = node.admin();
            assertThat(item(admin.get("/compliance").json(), "keys_overdue_for_rotation").get("status").asText())
                    .isEqualTo("pass");
            ObjectNode daily = KmsClient.JSON.createObjectNode().put("tenant_id", "t-inv").put("environment", "dev")
                    .put("plane", "tenant").put("key_type", "Ed25519").put("rotation_period", "P1D");
            daily.putArray("key_usage").add("sign");
            String overdue = admin.post("/keys", daily).text("key_id");
            String unrestricted = admin.post("/keys", daily.deepCopy().without("rotation_period")).text("key_id");
            // the API refuses an empty allowed_modules; rows from older versions or direct edits can still have one
            try (Connection c = node.node().data().database().dataSource().getConnection();
                 PreparedStatement ps = c.prepareStatement("UPDATE kms_keys SET allowed_modules = '' WHERE key_id = ?")) {
                ps.setString(1, unrestricted);
                assertThat(ps.executeUpdate()).isEqualTo(1);
            }

            clock.advance(Duration.ofDays(2));
            JsonNode body = admin.get("/compliance").json();
            JsonNode overdueItem = item(body, "keys_overdue_for_rotation");
            assertThat(overdueItem.get("status").asText()).isEqualTo("fail");
            assertThat(overdueItem.get("evidence").get("key_ids").toString()).contains(overdue).doesNotContain(unrestricted);
            JsonNode openItem = item(body, "keys_without_allowed_modules");
            assertThat(openItem.get("status").asText()).isEqualTo("fail");
            assertThat(openItem.get("control").asText()).isEqualTo("CC6.1");
            assertThat(openItem.get("evidence").get("key_ids").toString()).contains(unrestricted).doesNotContain(overdue);
        }
    }

    @Test
    void aCertificateCloseToExpiryIsNamed() {
        MutableClock clock = MutableClock.atRealNow();
        try (TestNode node = TestNode.start(clock, c -> c)) {
            KmsClient admin = node.admin();
            JsonNode before = item(admin.get("/compliance").json(), "certificates_expiring");
            assertThat(before.get("status").asText()).isEqualTo("pass");
            assertThat(before.get("control").asText()).isEqualTo("CC6.1");

            KmsClient.Response issued = admin.post("/certificates", com.zeroui.kms.support.Csrs.body(
                    com.zeroui.kms.support.Csrs.withUris(com.zeroui.kms.support.Csrs.ec("secp256r1"),
                            com.zeroui.kms.support.Csrs.spiffe("t-exp", "m1")), "client", "P10D"));
            assertThat(issued.status()).as(issued.body()).isEqualTo(201);
            clock.advance(Duration.ofDays(4)); // 6 days left: inside the 7-day window (the report is cached 5 s)

            JsonNode soon = item(admin.get("/compliance").json(), "certificates_expiring");
            assertThat(soon.get("status").asText()).isEqualTo("warn");
            assertThat(soon.get("evidence").get("expiring_certificates").asLong()).isEqualTo(1);
            assertThat(soon.get("summary").asText()).contains("expire within 7 days");
            assertThat(soon.get("evidence").get("window").asText()).isEqualTo("P7D");
        }
    }

    @Test
    void theCliPrintsTheReportAsMarkdownAndJson() throws Exception {
        try (TestNode node = TestNode.start()) {
            CliRun markdown = CliRun.run("compliance", "report", "--url", node.baseUrl(), "--data-dir",
                    node.dataDir().toString());
            // FIPS is off on a test node: an item fails, and the exit code says so
            assertThat(markdown.exitCode()).as(markdown.err()).isEqualTo(2);
            assertThat(markdown.out()).contains("# KMS compliance report", "| CC6.1 | fips_mode | fail |",
                    "| CC6.8 | backup | warn |");
            CliRun json = CliRun.run("compliance", "report", "--url", node.baseUrl(), "--data-dir",
                    node.dataDir().toString(), "--format", "json");
            assertThat(KmsClient.JSON.readTree(json.out()).get("items").findValuesAsText("check")).contains("mtls");
        }
    }

    private static JsonNode item(JsonNode body, String check) {
        for (JsonNode item : body.get("items")) {
            if (item.get("check").asText().equals(check)) {
                return item;
            }
        }
        throw new AssertionError("no item " + check);
    }
}
