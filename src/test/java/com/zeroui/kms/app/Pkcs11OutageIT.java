package com.zeroui.kms.app;

import static com.zeroui.kms.support.ErrorResponseAssert.assertError;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.zeroui.kms.support.KmsClient;
import com.zeroui.kms.support.SoftHsm;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A token outage seen through the HTTP API of a running node (the shipped jar), produced with the
 * real SoftHSM2 token: the token's key objects (the master key and an {@code hsm} key) are taken out
 * of its token directory, as a failed or wiped token store would lose them, and later put back, as a
 * restore of the token's backup would. Meanwhile every operation that needs the token answers
 * {@code 503 DEPENDENCY_UNAVAILABLE}, {@code retryable: true}, without a stack trace; health is
 * unhealthy with the {@code hsm} check failing; and the node recovers by itself — the same process,
 * no restart — once the objects are back.
 *
 * <p>SoftHSM2 2.6 re-reads its token directory only when the token's generation changes, i.e. when
 * some client writes to the token; the test writes a data object with OpenSC's pkcs11-tool (another
 * PKCS#11 client of the same token) after each move, as any token activity would.
 */
class Pkcs11OutageIT {
    private static final String TENANT = Pkcs11MasterKeyIT.TENANT;
    private static final byte[] DATA = "through a token outage".getBytes(StandardCharsets.UTF_8);
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    @Test
    void whileTheTokenLostItsKeysEveryOperationNeedingItIs503RetryableAndTheNodeRecoversWithoutRestart() throws Exception {
        SoftHsm hsm = SoftHsm.create(tmp.resolve("hsm"), "kms-outage");
        Path data = tmp.resolve("data");
        try (KmsProcess node = KmsProcess.start(data, tmp.resolve("logs"), List.of(), hsm.flags(), hsm.env())) {
            KmsClient admin = node.admin();
            String cached = Pkcs11MasterKeyIT.created(admin.createKey(TENANT, "AES-256", "encrypt", "decrypt"));
            String uncached = Pkcs11MasterKeyIT.created(admin.createKey(TENANT, "Ed25519", "sign", "verify"));
            String inToken = Pkcs11MasterKeyIT.created(admin.post("/keys", hsmKey("AES-256", "encrypt", "decrypt")));
            JsonNode sealed = admin.encrypt(TENANT, cached, DATA, null, null).json(); // its material is cached now
            JsonNode sealedInToken = admin.encrypt(TENANT, inToken, DATA, null, null).json();
            assertThat(health(admin).get("status").asText()).isEqualTo("healthy");

            Path tokenDir = tokenDirectory(hsm);
            Path aside = Files.createDirectories(tmp.resolve("token-objects-aside"));
            List<Path> objects = keyObjects(tokenDir);
            assertThat(objects).as("the master key and the hsm key").hasSizeGreaterThanOrEqualTo(2);
            for (Path object : objects) {
                Files.move(object, aside.resolve(object.getFileName()));
            }
            touchToken(hsm, "outage");

            // health is cached for at most a second: it shows the outage within a few
            JsonNode down = eventually(() -> health(admin), h -> h.get("status").asText().equals("unhealthy"));
            assertThat(check(down, "hsm")).as(down.toString()).isEqualTo("fail");
            assertThat(check(down, "master_key")).as(down.toString()).isEqualTo("fail");
            assertThat(check(down, "storage")).isEqualTo("pass");

            assertUnavailable(admin.createKey(TENANT, "AES-256", "encrypt", "decrypt"), "master_key");
            assertUnavailable(admin.sign(TENANT, uncached, DATA, null), "master_key");
            assertUnavailable(admin.encrypt(TENANT, inToken, DATA, null, null), "hsm");
            assertUnavailable(admin.decrypt(TENANT, inToken, sealedInToken.get("ciphertext").asText(),
                    sealedInToken.get("iv").asText(), null, null), "hsm");
            // the token itself still answers: a new hsm key needs no lost object (nor the master key), so it is made
            Pkcs11MasterKeyIT.created(admin.post("/keys", hsmKey("RSA-2048", "sign", "verify")));
            // material unwrapped before the outage stays usable from the key cache (docs/custody.md)
            KmsClient.Response fromCache = admin.decrypt(TENANT, cached, sealed.get("ciphertext").asText(),
                    sealed.get("iv").asText(), null, null);
            assertThat(fromCache.status()).as(fromCache.body()).isEqualTo(200);

            // the token's objects come back (a restore of the token's backup): the node recovers by itself
            for (Path object : objects) {
                Files.move(aside.resolve(object.getFileName()), object);
            }
            touchToken(hsm, "restored");
            JsonNode up = eventually(() -> health(admin), h -> h.get("status").asText().equals("healthy"));
            assertThat(check(up, "hsm")).isEqualTo("pass");
            assertThat(node.isAlive()).as("the same process, not restarted").isTrue();

            KmsClient.Response created = admin.createKey(TENANT, "AES-256", "encrypt", "decrypt");
            assertThat(created.status()).as(created.body()).isEqualTo(201);
            Pkcs11MasterKeyIT.signAndVerify(admin, uncached, null);
            KmsClient.Response opened = admin.decrypt(TENANT, inToken, sealedInToken.get("ciphertext").asText(),
                    sealedInToken.get("iv").asText(), null, null);
            assertThat(opened.status()).as(opened.body()).isEqualTo(200);
            assertThat(java.util.Base64.getDecoder().decode(opened.json().get("plaintext").asText())).isEqualTo(DATA);
            Pkcs11MasterKeyIT.created(admin.post("/keys", hsmKey("RSA-2048", "sign", "verify")));
        }
    }

    private static ObjectNode hsmKey(String type, String... usage) {
        ObjectNode body = JSON.createObjectNode().put("tenant_id", TENANT).put("environment", "dev").put("plane", "tenant")
                .put("key_type", type).put("protection_level", "hsm");
        var array = body.putArray("key_usage");
        for (String u : usage) {
            array.add(u);
        }
        return body;
    }

    private static void assertUnavailable(KmsClient.Response r, String dependency) {
        JsonNode error = assertError(r, 503, "DEPENDENCY_UNAVAILABLE");
        assertThat(error.get("retryable").asBoolean()).as(r.body()).isTrue();
        assertThat(error.path("details").path("dependency").asText()).as(r.body()).isEqualTo(dependency);
        assertThat(r.headers().get("retry-after")).as("Retry-After on %s", r.body()).isNotNull().isNotEmpty();
        assertThat(r.body()).doesNotContain("CKR_").doesNotContain("sun.security").doesNotContain("\tat ");
    }

    /** The one token's directory under the SoftHSM2 token root. */
    private static Path tokenDirectory(SoftHsm hsm) throws Exception {
        Path root = hsm.conf().getParent().resolve("tokens");
        try (Stream<Path> dirs = Files.list(root)) {
            List<Path> all = dirs.filter(Files::isDirectory).toList();
            assertThat(all).hasSize(1);
            return all.get(0);
        }
    }

    /** The token's key objects: every object file but the token's own (label, PIN hashes). */
    private static List<Path> keyObjects(Path tokenDir) throws Exception {
        try (Stream<Path> files = Files.list(tokenDir)) {
            return new ArrayList<>(files.filter(f -> f.getFileName().toString().endsWith(".object"))
                    .filter(f -> !f.getFileName().toString().equals("token.object")).toList());
        }
    }

    /** Another client writes to the token (a data object), which makes SoftHSM2 re-read the token directory. */
    private static void touchToken(SoftHsm hsm, String label) throws Exception {
        Path content = Files.writeString(hsm.conf().getParent().resolve(label + ".txt"), label);
        hsm.run(List.of("pkcs11-tool", "--module", SoftHsm.LIBRARY.toString(), "--token-label", hsm.label(), "--login",
                "--pin", Files.readString(hsm.pinFile()).strip(), "--write-object", content.toString(), "--type", "data",
                "--label", "kms-test-" + label));
    }

    /** The health body; its status code is 503 exactly when unhealthy. */
    private static JsonNode health(KmsClient client) {
        KmsClient.Response r = client.get("/health");
        assertThat(r.status()).as(r.body()).isEqualTo(r.json().get("status").asText().equals("unhealthy") ? 503 : 200);
        return r.json();
    }

    private static String check(JsonNode health, String name) {
        return Pkcs11MasterKeyIT.check(health, name);
    }

    private static JsonNode eventually(Supplier<JsonNode> probe, Predicate<JsonNode> done) throws InterruptedException {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
        JsonNode last = probe.get();
        while (!done.test(last) && Instant.now().isBefore(deadline)) {
            Thread.sleep(250);
            last = probe.get();
        }
        assertThat(done.test(last)).as("not reached within 30 s: %s", last).isTrue();
        return last;
    }
}
