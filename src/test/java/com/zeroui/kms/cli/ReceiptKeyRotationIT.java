package com.zeroui.kms.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.zeroui.kms.crypto.CryptoSuite;
import com.zeroui.kms.trust.anchors.TrustBundleVerifier;
import com.zeroui.kms.ops.LifecycleConfig;
import com.zeroui.kms.support.CliRun;
import com.zeroui.kms.support.KmsClient;
import com.zeroui.kms.support.MutableClock;
import com.zeroui.kms.support.TestNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Period;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The service keys rotate on the configured schedule (injected clock): GET /audit/receipt-keys
 * lists the old receipt key as retiring with its not_after and the new one as active, new receipts
 * name the new key, and an export holding receipts of both verifies against the published list
 * (that list, or GET /service-keys with every purpose). GET /service-keys lists the approval and
 * trust-bundle keys the same way; a trust bundle fetched before the rotation still verifies during
 * the overlap, and one fetched after is signed by the new trust-bundle key.
 */
class ReceiptKeyRotationIT {
    static final String T = "tenant-a";
    static final ObjectMapper MAPPER = new ObjectMapper();

    @TempDir
    Path tmp;

    @Test
    void theReceiptKeyRotatesOnScheduleAndEveryReceiptStillVerifies() throws Exception {
        Path data = tmp.resolve("data");
        Path keysFile = tmp.resolve("receipt-keys.json");
        Path allKeysFile = tmp.resolve("service-keys.json");
        MutableClock clock = MutableClock.atRealNow();
        String before;
        try (TestNode node = TestNode.startIn(data, cfg -> cfg.lifecycle(new LifecycleConfig(30, Duration.ofSeconds(1),
                false, Period.ofDays(30), Duration.ofDays(2))), false, clock)) {
            // the admin's certificate outlives the clock jump (TLS checks it against the real clock, the
            // node against the injected one); a day-long module certificate would not
            KmsClient m21 = node.admin();
            String key = m21.createKey(T, "Ed25519", "sign", "verify").text("key_id");
            before = receiptKeyOf(node, m21, key);
            JsonNode keys = node.admin().get("/audit/receipt-keys").json().get("keys");
            assertThat(keys).hasSize(1);
            assertThat(keys.get(0).get("status").asText()).isEqualTo("active");
            KmsClient tenant = node.client("M21", T);
            Map<String, Object> bundleBefore = bundle(tenant);
            assertThat(node.admin().get("/service-keys").json().get("keys")).extracting(k -> k.get("purpose").asText())
                    .containsExactly("receipt", "approval", "trust_bundle");

            clock.advance(Duration.ofDays(31));
            long deadline = System.nanoTime() + 30_000_000_000L;
            while (node.admin().get("/audit/receipt-keys").json().get("keys").size() < 2 && System.nanoTime() < deadline) {
                Thread.sleep(200);
            }
            KmsClient.Response listed = node.admin().get("/audit/receipt-keys");
            keys = listed.json().get("keys");
            assertThat(keys).as(listed.body()).hasSize(2);
            assertThat(keys.get(0).get("key_id").asText()).isEqualTo(before);
            assertThat(keys.get(0).get("status").asText()).isEqualTo("retiring");
            assertThat(keys.get(0).get("not_after").isTextual()).isTrue();
            assertThat(keys.get(1).get("status").asText()).isEqualTo("active");
            assertThat(keys.get(1).get("not_after").isNull()).isTrue();
            String after = receiptKeyOf(node, m21, key);
            assertThat(after).isEqualTo(keys.get(1).get("key_id").asText()).isNotEqualTo(before);
            Files.writeString(keysFile, listed.body());

            // every purpose rotated on the same schedule; a tenant module reads the listing like the receipt keys
            KmsClient.Response all = tenant.get("/service-keys");
            assertThat(all.status()).as(all.body()).isEqualTo(200);
            Files.writeString(allKeysFile, all.body());
            for (String purpose : List.of("receipt", "approval", "trust_bundle")) {
                JsonNode ofPurpose = tenant.get("/service-keys?purpose=" + purpose).json().get("keys");
                assertThat(ofPurpose).as(purpose).hasSize(2);
                assertThat(ofPurpose).extracting(k -> k.get("status").asText()).containsExactly("retiring", "active");
                assertThat(ofPurpose).extracting(k -> k.get("purpose").asText()).containsOnly(purpose);
            }
            KmsClient.Response unknown = tenant.get("/service-keys?purpose=tls");
            assertThat(unknown.status()).as(unknown.body()).isEqualTo(400);
            assertThat(unknown.json().get("details").get("field").asText()).isEqualTo("purpose");

            List<TrustBundleVerifier.PublishedKey> bundleKeys = TrustBundleVerifier.keysOf(MAPPER.readValue(all.body(),
                    new TypeReference<Map<String, Object>>() {
                    }));
            TrustBundleVerifier verifier = new TrustBundleVerifier(CryptoSuite.select(CryptoSuite.Preference.AUTO));
            Map<String, Object> bundleAfter = bundle(tenant);
            assertThat(bundleAfter.get("signing_key_id")).isEqualTo(bundleKeys.get(1).keyId())
                    .isNotEqualTo(bundleBefore.get("signing_key_id"));
            assertThat(verifier.verify(bundleAfter, bundleKeys, clock.instant()).problem()).isNull();
            assertThat(verifier.verify(bundleBefore, bundleKeys, clock.instant()).problem())
                    .as("the replaced key's bundle, within the overlap").isNull();
            assertThat(verifier.verify(bundleBefore, bundleKeys, clock.instant().plus(Duration.ofDays(3))).problem())
                    .as("after the overlap").contains("fetch a fresh bundle");
        }
        Path bundle = tmp.resolve("bundle.json");
        CliRun export = CliRun.run("audit", "export", "--out", bundle.toString(), "--data-dir", data.toString());
        assertThat(export.exitCode()).as(export.err()).isZero();
        assertThat(export.out()).contains("2 receipt keys");
        CliRun verify = CliRun.run("audit", "verify", "--trusted-keys", keysFile.toString(), bundle.toString());
        assertThat(verify.exitCode()).as(verify.err()).isZero();
        assertThat(verify.out()).contains(before).contains(", trusted)");
        // the listing of every service key works too: only its receipt keys are taken as receipt keys
        CliRun verifyAll = CliRun.run("audit", "verify", "--trusted-keys", allKeysFile.toString(), bundle.toString());
        assertThat(verifyAll.exitCode()).as(verifyAll.err()).isZero();
        assertThat(verifyAll.out()).contains(before).contains(", trusted)");
    }

    private static Map<String, Object> bundle(KmsClient client) throws Exception {
        KmsClient.Response got = client.get("/trust-bundles/tenant");
        assertThat(got.status()).as(got.body()).isEqualTo(200);
        return MAPPER.readValue(got.body(), new TypeReference<Map<String, Object>>() {
        });
    }

    /** Signs once and returns the receipt key that signed the operation's receipt. */
    private static String receiptKeyOf(TestNode node, KmsClient client, String key) {
        KmsClient.Response signed = client.sign(T, key, new byte[] {1}, null);
        assertThat(signed.status()).as(signed.body()).isEqualTo(200);
        String receiptId = signed.headers().entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase("X-KMS-Receipt-Id"))
                .findFirst().orElseThrow().getValue().get(0);
        KmsClient.Response receipt = client.get("/receipts/" + receiptId);
        assertThat(receipt.status()).as(receipt.body()).isEqualTo(200);
        return receipt.json().get("receipt").get("receipt_key_id").asText();
    }
}
