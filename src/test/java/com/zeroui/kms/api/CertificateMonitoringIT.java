package com.zeroui.kms.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.zeroui.kms.support.Csrs;
import com.zeroui.kms.support.KmsClient;
import com.zeroui.kms.support.TestNode;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** kms_certificates_expiring{within} on /metrics and the ca_certificates health check on a running node. */
class CertificateMonitoringIT {

    @Test
    void expiringCertificatesAreCountedPerWindowUntilRevoked() {
        try (TestNode node = TestNode.start()) {
            KmsClient admin = node.admin();
            double week = expiring(node, "7d");
            double month = expiring(node, "30d");
            String soon = enroll(admin, "M21", "P5D");
            enroll(admin, "M22", "P20D");
            enroll(admin, "M23", "P60D");
            assertThat(expiring(node, "7d")).isEqualTo(week + 1);
            assertThat(expiring(node, "30d")).isEqualTo(month + 2);

            KmsClient.Response revoked = admin.post("/certificates/" + soon + "/revoke", "{\"reason\":\"superseded\"}");
            assertThat(revoked.status()).as(revoked.body()).isEqualTo(200);
            assertThat(expiring(node, "7d")).isEqualTo(week);
            assertThat(expiring(node, "30d")).isEqualTo(month + 1);
        }
    }

    @Test
    void healthReportsTheCaCertificatesCheckAsPassingForAFreshCa() {
        try (TestNode node = TestNode.start()) {
            KmsClient.Response health = node.anonymous().get("/health");
            assertThat(health.text("status")).isEqualTo("healthy");
            JsonNode check = null;
            for (JsonNode c : health.json().get("checks")) {
                if (c.get("name").asText().equals("ca_certificates")) {
                    check = c;
                }
            }
            assertThat(check).as(health.body()).isNotNull();
            assertThat(check.get("status").asText()).isEqualTo("pass");
        }
    }

    private static String enroll(KmsClient admin, String module, String ttl) {
        KmsClient.Response r = admin.post("/certificates", Csrs.body(Csrs.withUris(Csrs.ec("secp256r1"),
                Csrs.spiffe("t-expiry", module)), "client", ttl));
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        return r.text("serial");
    }

    private static double expiring(TestNode node, String window) {
        String exposition = node.anonymous().get("/metrics").body();
        Matcher m = Pattern.compile("(?m)^kms_certificates_expiring\\{within=\"" + window + "\"} ([0-9.eE+-]+)$")
                .matcher(exposition);
        assertThat(m.find()).as("kms_certificates_expiring{within=%s} in\n%s", window, exposition).isTrue();
        return Double.parseDouble(m.group(1));
    }
}
