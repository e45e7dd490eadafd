package com.zeroui.kms.api;

import static com.zeroui.kms.support.ErrorResponseAssert.assertError;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.zeroui.kms.auth.Role;
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
                    "audit_integrity", "dual_authorization", "destruction_waiting_period");
            // a test node runs without FIPS and without a backup schedule: the report says so
            assertThat(item(body, "fips_mode").get("status").asText()).isEqualTo("fail");
            assertThat(item(body, "backup").get("status").asText()).isEqualTo("warn");

            assertThat(node.client("AUD1", "t-audit", Role.AUDITOR).get("/compliance").status()).isEqualTo(200);
            assertError(node.client("M21", "t-tenant").get("/compliance"), 403, "UNAUTHORIZED");

            String metrics = node.anonymous().get("/metrics").body();
            assertThat(metrics).contains("kms_compliance_check{check=\"fips_mode\",control=\"CC6.1\"} 0.0");
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
