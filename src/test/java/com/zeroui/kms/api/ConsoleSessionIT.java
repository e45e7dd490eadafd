package com.zeroui.kms.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.zeroui.kms.auth.Role;
import com.zeroui.kms.support.KmsClient;
import com.zeroui.kms.support.MutableClock;
import com.zeroui.kms.support.TestNode;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Console sign-in over plain HTTPS: the link, the cookie, CSRF, origin checks, CSP, logout and idle timeout. */
class ConsoleSessionIT {
    private static final MutableClock CLOCK = MutableClock.atRealNow();
    private static TestNode node;
    private static KmsClient alice;
    private static String origin;

    @BeforeAll
    static void start() {
        node = TestNode.start(CLOCK, c -> c);
        alice = node.client("alice", "acme");
        origin = "https://127.0.0.1:" + node.node().port();
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    /** A browser without a client certificate: only what it sends itself. */
    private static KmsClient browser(String... headers) {
        KmsClient c = KmsClient.anonymous(origin, node.node().data().ca().ca().root());
        for (int i = 0; i + 1 < headers.length; i += 2) {
            c = c.withHeader(headers[i], headers[i + 1]);
        }
        return c;
    }

    private static String code(KmsClient caller) {
        KmsClient.Response link = caller.post("/console/login-links", Map.of());
        assertThat(link.status()).as(link.body()).isEqualTo(201);
        String url = link.text("url");
        assertThat(url).startsWith(origin + "/console/login.html#");
        return URI.create(url).getFragment();
    }

    private record Session(String cookie, String csrf) {
    }

    private static Session signIn(KmsClient caller) {
        KmsClient.Response r = browser().post("/console/session", Map.of("code", code(caller)));
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        String setCookie = r.headers().get("set-cookie").get(0);
        Matcher m = Pattern.compile("^(__Host-kms-console=[A-Za-z0-9_-]{43});").matcher(setCookie);
        assertThat(m.find()).as(setCookie).isTrue();
        return new Session(m.group(1), r.text("csrf_token"));
    }

    @Test
    void aLoginLinkNeedsAClientCertificateAndWorksOnce() {
        assertThat(browser().post("/kms/v1/console/login-links", Map.of()).status()).isEqualTo(401);
        String code = code(alice);
        KmsClient.Response first = browser().post("/console/session", Map.of("code", code));
        assertThat(first.status()).isEqualTo(201);
        assertThat(first.headers().get("set-cookie").get(0))
                .contains("; Path=/;").contains("; Secure").contains("; HttpOnly").contains("; SameSite=Strict");
        assertThat(first.json().path("spiffe_id").asText()).isEqualTo("spiffe://zeroui.local/tenant/acme/module/alice");
        KmsClient.Response second = browser().post("/console/session", Map.of("code", code));
        assertThat(second.status()).isEqualTo(401);
        assertThat(second.json().path("details").path("reason").asText()).isEqualTo("login_link_invalid");
    }

    @Test
    void kmsConsoleLoginPrintsALinkForTheDataDirectorysAdminCertificate() {
        com.zeroui.kms.support.CliRun run = com.zeroui.kms.support.CliRun.run("console", "login", "--url", origin,
                "--data-dir", node.dataDir().toString());
        assertThat(run.exitCode()).as(run.err()).isZero();
        String url = run.out().trim();
        assertThat(url).startsWith(origin + "/console/login.html#");
        assertThat(run.err()).contains("spiffe://zeroui.local/module/kms-admin");
        KmsClient.Response session = browser().post("/console/session", Map.of("code", URI.create(url).getFragment()));
        assertThat(session.status()).isEqualTo(201);
        assertThat(session.json().path("roles").toString()).isEqualTo("[\"admin\"]");
        com.zeroui.kms.support.CliRun refused = com.zeroui.kms.support.CliRun.run("console", "login", "--url", origin,
                "--data-dir", node.dataDir().resolve("nowhere").toString());
        assertThat(refused.exitCode()).isEqualTo(1);
        assertThat(refused.err()).contains("console login failed");
    }

    @Test
    void aSessionActsAsItsCertificateIdentityAndItsReceiptsSayConsole() {
        Session s = signIn(alice);
        KmsClient session = browser("Cookie", s.cookie(), "X-CSRF-Token", s.csrf());
        KmsClient.Response created = session.post("/kms/v1/keys", Map.of("tenant_id", "acme", "environment", "dev",
                "plane", "tenant", "key_type", "Ed25519", "key_usage", List.of("sign", "verify")));
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        JsonNode receipt = alice.get("/receipts/" + created.text("receipt_id")).json().path("receipt");
        assertThat(receipt.path("caller").path("spiffe_id").asText()).isEqualTo("spiffe://zeroui.local/tenant/acme/module/alice");
        assertThat(receipt.path("caller").path("via").asText()).isEqualTo("console");
        // the same call over mutual TLS leaves a receipt without it
        KmsClient.Response direct = alice.get("/keys/" + created.text("key_id"));
        JsonNode directReceipt = alice.get("/receipts/" + direct.text("receipt_id")).json().path("receipt");
        assertThat(directReceipt.path("caller").has("via")).isFalse();
        // and is authorised exactly as the certificate: another tenant is refused
        KmsClient.Response other = session.post("/kms/v1/keys", Map.of("tenant_id", "globex", "environment", "dev",
                "plane", "tenant", "key_type", "Ed25519", "key_usage", List.of("sign")));
        assertThat(other.status()).isEqualTo(403);
    }

    @Test
    void stateChangesNeedTheCsrfTokenAndTheConsolesOwnOrigin() {
        Session s = signIn(alice);
        Map<String, Object> body = Map.of("tenant_id", "acme", "environment", "dev", "plane", "tenant",
                "key_type", "AES-256", "key_usage", List.of("encrypt", "decrypt"));
        KmsClient.Response none = browser("Cookie", s.cookie()).post("/kms/v1/keys", body);
        assertThat(none.status()).isEqualTo(403);
        assertThat(none.json().path("details").path("reason").asText()).isEqualTo("csrf_token_invalid");
        KmsClient.Response wrong = browser("Cookie", s.cookie(), "X-CSRF-Token", "x" + s.csrf()).post("/kms/v1/keys", body);
        assertThat(wrong.status()).isEqualTo(403);
        KmsClient.Response foreign = browser("Cookie", s.cookie(), "X-CSRF-Token", s.csrf(), "Origin", "https://evil.example")
                .post("/kms/v1/keys", body);
        assertThat(foreign.status()).isEqualTo(403);
        assertThat(foreign.json().path("details").path("reason").asText()).isEqualTo("cross_origin_request");
        KmsClient.Response crossSite = browser("Cookie", s.cookie(), "X-CSRF-Token", s.csrf(), "Sec-Fetch-Site", "cross-site")
                .post("/kms/v1/keys", body);
        assertThat(crossSite.status()).isEqualTo(403);
        KmsClient.Response ok = browser("Cookie", s.cookie(), "X-CSRF-Token", s.csrf(), "Origin", origin,
                "Sec-Fetch-Site", "same-origin").post("/kms/v1/keys", body);
        assertThat(ok.status()).as(ok.body()).isEqualTo(201);
        // reads need no token
        assertThat(browser("Cookie", s.cookie()).get("/kms/v1/keys?tenant_id=acme").status()).isEqualTo(200);
    }

    @Test
    void aSessionCannotMintLoginLinksNorMixWithABearerToken() {
        Session s = signIn(alice);
        KmsClient.Response link = browser("Cookie", s.cookie(), "X-CSRF-Token", s.csrf()).post("/kms/v1/console/login-links", Map.of());
        assertThat(link.status()).isEqualTo(403);
        assertThat(link.json().path("details").path("reason").asText()).isEqualTo("certificate_required");
        assertThat(browser("Cookie", s.cookie(), "Authorization", "Bearer x.y.z").get("/kms/v1/keys").status()).isEqualTo(401);
        assertThat(browser("Cookie", "__Host-kms-console=forged").get("/kms/v1/keys").status()).isEqualTo(401);
    }

    @Test
    void logoutEndsTheSession() {
        Session s = signIn(alice);
        assertThat(browser("Cookie", s.cookie()).raw("POST", "/console/logout", null, null).status()).isEqualTo(403);
        KmsClient.Response out = browser("Cookie", s.cookie(), "X-CSRF-Token", s.csrf()).raw("POST", "/console/logout", null, null);
        assertThat(out.status()).isEqualTo(204);
        assertThat(out.headers().get("set-cookie").get(0)).contains("Max-Age=0");
        assertThat(browser("Cookie", s.cookie()).get("/kms/v1/keys").status()).isEqualTo(401);
        assertThat(browser("Cookie", s.cookie()).get("/console/session").status()).isEqualTo(401);
    }

    @Test
    void idleSessionsAndOldLinksExpire() {
        Session s = signIn(alice);
        assertThat(browser("Cookie", s.cookie()).get("/kms/v1/keys").status()).isEqualTo(200);
        String code = code(alice);
        CLOCK.advance(Duration.ofMinutes(16));
        try {
            KmsClient.Response idle = browser("Cookie", s.cookie()).get("/kms/v1/keys");
            assertThat(idle.status()).isEqualTo(401);
            assertThat(idle.json().path("details").path("reason").asText()).isEqualTo("console_session_expired");
            assertThat(browser().post("/console/session", Map.of("code", code)).status()).isEqualTo(401);
        } finally {
            CLOCK.advance(Duration.ofMinutes(-16)); // certificates the other tests issue are dated by this clock
        }
    }

    @Test
    void theConsoleIsServedWithAStrictContentSecurityPolicyAndNoInlineScript() throws IOException {
        KmsClient.Response page = browser().get("/console/");
        assertThat(page.status()).isEqualTo(200);
        String csp = page.headers().get("content-security-policy").get(0);
        assertThat(csp).contains("default-src 'none'", "script-src 'self'", "frame-ancestors 'none'")
                .doesNotContain("unsafe-inline").doesNotContain("unsafe-eval");
        assertThat(page.headers().get("x-content-type-options")).containsExactly("nosniff");
        assertThat(browser().get("/console/../kms/v1/keys").status()).isNotEqualTo(200);
        assertThat(browser().get("/console/nope.html").status()).isEqualTo(404);
        try (Stream<Path> files = Files.list(Path.of("src/main/resources/console"))) {
            for (Path f : files.toList()) {
                String text = Files.readString(f);
                if (f.toString().endsWith(".html")) {
                    assertThat(text).as(f.toString()).doesNotContainPattern("<script(?![^>]*\\bsrc=)")
                            .doesNotContainPattern("\\son[a-z]+=").doesNotContainPattern("\\sstyle=");
                }
                if (f.toString().endsWith(".js")) {
                    assertThat(text).as(f.toString()).doesNotContain("innerHTML").doesNotContain("eval(");
                }
            }
        }
    }

    @Test
    void approversSeeTheirTenantsPendingRequests() {
        KmsClient approver = node.client("gov", "acme", Role.APPROVER);
        String key = alice.post("/keys", Map.of("tenant_id", "acme", "environment", "dev", "plane", "tenant",
                "key_type", "Ed25519", "key_usage", List.of("sign"))).text("key_id");
        KmsClient.Response asked = alice.post("/approvals", Map.of("operation", "revoke", "key_id", key,
                "parameters", Map.of("reason", "retired")));
        assertThat(asked.status()).isEqualTo(201);
        JsonNode inbox = approver.get("/approvals?status=pending").json();
        assertThat(inbox.path("approvals").findValuesAsText("approval_id")).contains(asked.text("approval_id"));
        assertThat(node.client("spy", "globex", Role.APPROVER).get("/approvals?status=pending").json()
                .path("approvals").findValuesAsText("approval_id")).doesNotContain(asked.text("approval_id"));
        assertThat(alice.get("/approvals?mine=true").json().path("approvals").findValuesAsText("approval_id"))
                .contains(asked.text("approval_id"));
        assertThat(approver.get("/approvals?mine=true").json().path("approvals").findValuesAsText("approval_id"))
                .doesNotContain(asked.text("approval_id"));
        assertThat(approver.get("/approvals?status=bogus").status()).isEqualTo(400);
    }
}
