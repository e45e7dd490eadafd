package com.zeroui.kms.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.zeroui.kms.support.KmsClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 11 §4: SIGTERM logs one line, stops gracefully and exits 0 (it was silent, exit 143). */
class GracefulShutdownIT {
    @TempDir
    Path tmp;

    @Test
    void sigtermLogsOneLineAndExitsZeroAfterAGracefulStop() throws Exception {
        Path data = tmp.resolve("data");
        String keyId;
        try (KmsProcess node = KmsProcess.start(data, tmp.resolve("logs"), List.of())) {
            KmsClient admin = node.admin();
            KmsClient.Response created = admin.createKey("acme", "Ed25519", "sign", "verify");
            assertThat(created.status()).isEqualTo(201);
            keyId = created.text("key_id");
            assertThat(node.terminate()).as("exit status after SIGTERM").isZero();
            String output = new String(node.output(), StandardCharsets.UTF_8);
            assertThat(output.lines().filter(l -> l.contains("SIGTERM")).toList()).singleElement().asString()
                    .contains("stopping gracefully");
        }
        // a graceful stop wrote the key's receipt and closed storage cleanly: the next start finds both
        try (KmsProcess again = KmsProcess.start(data, tmp.resolve("logs"), List.of())) {
            KmsClient admin = again.admin();
            assertThat(admin.get("/keys/" + keyId).status()).isEqualTo(200);
            assertThat(admin.get("/audit/receipts?key_id=" + keyId).json().get("receipts")).isNotEmpty();
        }
    }
}
