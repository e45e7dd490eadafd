package com.zeroui.kms.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.zeroui.kms.auth.Role;
import com.zeroui.kms.support.Browser;
import com.zeroui.kms.support.KmsClient;
import com.zeroui.kms.support.TestNode;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

/**
 * The operator console in a real headless Chromium against a real node: the approver, the
 * requester, the reviewer and an outsider each sign in with a link minted by their own client
 * certificate. Screenshots of each main page go to target/console-screenshots/.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ConsoleBrowserIT {
    private static TestNode node;
    private static Browser browser;
    private static String origin;
    private static KmsClient requester;
    private static KmsClient approver;
    private static KmsClient outsider;
    private static String guardedKey;

    @BeforeAll
    static void start() {
        node = TestNode.start();
        origin = "https://127.0.0.1:" + node.node().port();
        requester = node.client("ops", "acme");
        approver = node.client("gov", "acme", Role.APPROVER);
        outsider = node.client("spy", "globex", Role.APPROVER);
        KmsClient.Response key = node.admin().post("/keys", Map.of("tenant_id", "acme", "environment", "prod",
                "plane", "tenant", "key_type", "Ed25519", "key_usage", List.of("sign", "verify"), "key_alias", "payments",
                "access_policy", Map.of("allowed_modules", List.of("ops"), "requires_approval", true, "max_usage_per_day", 5000)));
        assertThat(key.status()).as(key.body()).isEqualTo(201);
        guardedKey = key.text("key_id");
        browser = new Browser();
    }

    @AfterAll
    static void stop() {
        if (browser != null) {
            browser.close();
        }
        node.close();
    }

    /** Signs the browser in as {@code who}: the link its certificate mints, opened once. */
    private static void signInAs(KmsClient who) {
        browser.driver().manage().deleteAllCookies(); // of the page open now: the console's origin
        browser.open("about:blank"); // a link to the page already open would only change its fragment
        KmsClient.Response link = who.post("/console/login-links", Map.of());
        assertThat(link.status()).as(link.body()).isEqualTo(201);
        browser.open(link.text("url"));
        browser.await(By.id("approvals-page"));
    }

    private static int loads;

    /** A fresh load of the page at {@code hash} (a new query string: never just a fragment change of the page open). */
    private static void go(String hash, By ready) {
        browser.open(origin + "/console/?load=" + ++loads + hash);
        browser.await(ready);
    }

    private static void signOut() {
        browser.await(By.id("logout")).click();
        browser.await(By.id("signed-out"));
    }

    /** The browser's RFC 9162 verifier against the service's own Merkle tree, every index and size up to 33. */
    @Test
    @Order(0)
    void theBrowsersProofVerifierAgreesWithTheLogsMerkleTree() {
        List<byte[]> leaves = new ArrayList<>();
        for (int i = 0; i < 33; i++) {
            leaves.add(com.zeroui.kms.audit.MerkleHash.leaf(("leaf " + i).getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        }
        com.zeroui.kms.audit.MerkleTree tree = new com.zeroui.kms.audit.MerkleTree(new com.zeroui.kms.audit.MerkleTree.NodeSource() {
            @Override
            public byte[] perfect(int level, long index) {
                if (level == 0) {
                    return leaves.get((int) index);
                }
                return com.zeroui.kms.audit.MerkleHash.node(perfect(level - 1, 2 * index), perfect(level - 1, 2 * index + 1));
            }
        });
        java.util.HexFormat hex = java.util.HexFormat.of();
        List<Map<String, Object>> cases = new ArrayList<>();
        for (int n = 1; n <= leaves.size(); n++) {
            String root = hex.formatHex(tree.root(n));
            for (int m = 0; m < n; m++) {
                cases.add(Map.of("kind", "inclusion", "m", m, "n", n, "leaf", hex.formatHex(leaves.get(m)), "root", root,
                        "proof", tree.inclusionProof(m, n).stream().map(hex::formatHex).toList()));
                if (m > 0) {
                    cases.add(Map.of("kind", "consistency", "m", m, "n", n, "leaf", hex.formatHex(tree.root(m)), "root", root,
                            "proof", tree.consistencyProof(m, n).stream().map(hex::formatHex).toList()));
                }
            }
        }
        browser.open(origin + "/console/");
        @SuppressWarnings("unchecked")
        Map<String, Object> result = (Map<String, Object>) browser.driver().executeAsyncScript("""
                const [cases, done] = arguments;
                import('/console/verify.js').then(async (v) => {
                  let good = 0, bad = [], tamperedAccepted = [];
                  const check = async (c, proof, leaf) => c.kind === 'inclusion'
                    ? (await v.rootFromInclusionProof(c.m, c.n, leaf, proof)
                        .then((r) => r !== null && v.hex(r) === c.root))
                    : v.verifyConsistency(c.m, c.n, leaf, v.fromHex(c.root), proof);
                  for (const c of cases) {
                    const proof = c.proof.map(v.fromHex);
                    if (await check(c, proof, v.fromHex(c.leaf))) { good++; } else { bad.push(c.kind + ' ' + c.m + '/' + c.n); }
                    const leaf = v.fromHex(c.leaf);
                    leaf[0] ^= 1;
                    if (await check(c, proof, leaf)) { tamperedAccepted.push(c.kind + ' ' + c.m + '/' + c.n); }
                    if (proof.length) {
                      proof[proof.length - 1][31] ^= 1;
                      if (await check(c, proof, v.fromHex(c.leaf))) { tamperedAccepted.push('proof ' + c.kind + ' ' + c.m + '/' + c.n); }
                    }
                  }
                  done({good, bad, tamperedAccepted});
                }).catch((e) => done({error: String(e)}));
                """, cases);
        assertThat(result).doesNotContainKey("error");
        assertThat((List<?>) result.get("bad")).isEmpty();
        assertThat((List<?>) result.get("tamperedAccepted")).isEmpty();
        assertThat(((Number) result.get("good")).intValue()).isEqualTo(cases.size());
    }

    @Test
    @Order(1)
    void anApproverApprovesAPendingRotationWhichThenRuns() {
        // the requester tries, is told a second person must approve, and asks
        signInAs(requester);
        go("#/key/" + guardedKey, By.id("rotate-form"));
        browser.screenshot("key-page");
        assertThat(browser.await(By.id("usage-today")).getText()).startsWith("0 of 5000");
        assertThat(browser.text()).contains("payments", "\"kty\": \"OKP\"", "-----BEGIN PUBLIC KEY-----");
        browser.driver().findElement(By.cssSelector("#rotate-form button[type=submit]")).click();
        browser.await(By.cssSelector("#rotate-form .request-approval")).click();
        browser.awaitText("Approval requested");
        go("#/approvals", By.id("mine"));
        assertThat(browser.driver().findElement(By.id("mine")).getText()).contains("rotate", guardedKey, "pending");
        browser.screenshot("approvals-requester");
        signOut();

        // the approver sees it in full and approves
        signInAs(approver);
        WebElement card = browser.await(By.cssSelector("#pending article.approval"));
        assertThat(card.getText()).contains("rotate", guardedKey, "spiffe://zeroui.local/tenant/acme/module/ops",
                "\"emergency\": false", "matches the parameters (checked here)");
        browser.screenshot("approvals-inbox");
        card.findElement(By.cssSelector("button.approve")).click();
        String token = browser.await(By.cssSelector("textarea.token")).getAttribute("value");
        assertThat(token).startsWith("eyJ");
        browser.screenshot("approval-granted");
        signOut();

        // the requester runs the rotation with the token
        signInAs(requester);
        go("#/key/" + guardedKey, By.id("rotate-form"));
        browser.driver().findElement(By.cssSelector("#rotate-form input.approval-token")).sendKeys(token);
        browser.driver().findElement(By.cssSelector("#rotate-form button[type=submit]")).click();
        String successor = browser.await(By.id("successor-link")).getText();
        browser.screenshot("key-rotated");
        go("#/key/" + successor, By.id("rotation-chain"));
        assertThat(browser.driver().findElement(By.id("rotation-chain")).getText()).contains(guardedKey, successor);
        JsonNode rotated = node.admin().get("/keys/" + guardedKey).json();
        assertThat(rotated.path("successor_key_id").asText()).isEqualTo(successor);
        go("#/approvals", By.id("mine"));
        assertThat(browser.driver().findElement(By.id("mine")).getText()).contains("consumed");

        // its receipt names the requester, via the console
        JsonNode receipts = node.admin().get("/audit/receipts?key_id=" + guardedKey).json().path("receipts");
        JsonNode rotation = null;
        for (JsonNode r : receipts) {
            if (r.path("receipt").path("kms_context").path("operation_type").asText().equals("rotate")
                    && r.path("receipt").path("kms_context").path("success").asBoolean()) {
                rotation = r.path("receipt");
            }
        }
        assertThat(rotation).isNotNull();
        assertThat(rotation.path("caller").path("spiffe_id").asText()).isEqualTo("spiffe://zeroui.local/tenant/acme/module/ops");
        assertThat(rotation.path("caller").path("via").asText()).isEqualTo("console");
    }

    @Test
    @Order(2)
    void aKeyListPagesThroughAThousandKeys() throws Exception {
        KmsClient admin = node.admin();
        Set<String> created = java.util.concurrent.ConcurrentHashMap.newKeySet();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> jobs = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                jobs.add(pool.submit(() -> {
                    for (int i = 0; i < 250; i++) {
                        KmsClient.Response r = admin.post("/keys", Map.of("tenant_id", "bulk", "environment", "dev",
                                "plane", "product", "key_type", "AES-256", "key_usage", List.of("encrypt", "decrypt")));
                        assertThat(r.status()).isEqualTo(201);
                        created.add(r.text("key_id"));
                    }
                    return null;
                }));
            }
            for (Future<?> job : jobs) {
                job.get();
            }
        } finally {
            pool.shutdown();
        }
        signInAs(admin);
        go("#/keys?tenant_id=bulk&limit=100", By.id("keys"));
        browser.screenshot("keys-list");
        Set<String> seen = new HashSet<>();
        int pages = 0;
        while (true) {
            pages++;
            String info = browser.await(By.id("page-info")).getText();
            assertThat(info).startsWith("Page " + pages + ":");
            List<WebElement> rows = browser.driver().findElements(By.cssSelector("#keys tr.key-row"));
            rows.forEach(r -> seen.add(r.getAttribute("data-key")));
            List<WebElement> next = browser.driver().findElements(By.id("next-page"));
            if (next.isEmpty()) {
                break;
            }
            next.get(0).click();
            browser.awaitText("Page " + (pages + 1) + ":");
        }
        assertThat(pages).isEqualTo(10);
        assertThat(seen).isEqualTo(created);
        browser.driver().findElement(By.id("prev-page")).click();
        browser.awaitText("Page 9:");
    }

    @Test
    @Order(3)
    void anOutsiderSeesNothingOfAnotherTenant() {
        signInAs(outsider);
        assertThat(browser.text()).doesNotContain(guardedKey).contains("Nothing waits for approval");
        go("#/keys", By.id("keys-page"));
        browser.await(By.id("page-info"));
        assertThat(browser.text()).doesNotContain(guardedKey).doesNotContain("acme");
        browser.screenshot("outsider-keys");
        go("#/key/" + guardedKey, By.cssSelector("#key-page .error"));
        assertThat(browser.text()).contains("KEY_NOT_FOUND").doesNotContain("payments");
        go("#/keys?tenant_id=acme", By.cssSelector("#keys-page .error"));
        assertThat(browser.text()).contains("UNAUTHORIZED");
        go("#/audit?tenant_id=acme", By.cssSelector("#audit-page .error"));
        String acmeReceipt = node.admin().get("/audit/receipts?tenant_id=acme").json().path("receipts").get(0)
                .path("receipt").path("receipt_id").asText();
        go("#/receipt/" + acmeReceipt, By.cssSelector("#receipt-page .error"));
        assertThat(browser.text()).contains("not found").doesNotContain("VERIFIED");
    }

    @Test
    @Order(4)
    void theSreSeesHealthAndTheTrustPages() {
        signInAs(node.admin());
        go("#/health", By.id("request-rates"));
        browser.driver().navigate().refresh(); // a second visit shows rates since the first
        browser.await(By.id("request-rates"));
        assertThat(browser.text()).contains("Service status: ", "Keys by type and state", "AES-256", "list_keys");
        assertThat(browser.driver().findElement(By.id("request-rates")).getText()).containsPattern("/s");
        browser.screenshot("health");
        go("#/trust", By.id("crl"));
        browser.await(By.cssSelector("#crl table"));
        assertThat(browser.text()).contains("internal-issuing", "Trust bundles per plane", "Issued certificates");
        browser.screenshot("trust");
        // revoking an issued certificate from the list: the spy's, whose serial the API names
        String serial = node.admin().get("/certificates?subject=spiffe://zeroui.local/tenant/globex/module/spy").json()
                .path("certificates").get(0).path("serial").asText();
        WebElement row = browser.await(By.xpath("//table[@id='certificates']//tr[td/code[text()='" + serial + "']]"));
        row.findElement(By.tagName("button")).click();
        browser.driver().switchTo().alert().accept();
        browser.awaitText(" revoked");
        assertThat(node.admin().get("/certificates/" + serial).text("status")).isEqualTo("revoked");
    }

    @Test
    @Order(5)
    void aReviewerSeesProofsVerifiedInTheBrowserAndATamperedReceiptFail() throws Exception {
        KmsClient reviewer = node.client("rev", "acme");
        signInAs(reviewer);
        go("#/audit?key_id=" + guardedKey + "&success=false", By.id("receipts"));
        List<WebElement> refusals = browser.driver().findElements(By.cssSelector("#receipts tr.receipt-row"));
        assertThat(refusals).isNotEmpty().allSatisfy(r -> assertThat(r.getText()).contains("no (POLICY_VIOLATION)"));
        go("#/audit?key_id=" + guardedKey, By.id("receipts"));
        assertThat(browser.driver().findElements(By.cssSelector("#receipts tr.receipt-row"))).hasSizeGreaterThan(refusals.size());
        browser.screenshot("audit-search");
        String receiptId = browser.driver().findElement(By.cssSelector("#receipts tr.receipt-row")).getAttribute("data-receipt");
        go("#/receipt/" + receiptId, By.id("verification-status"));
        assertThat(browser.driver().findElement(By.id("verification-status")).getText()).isEqualTo("VERIFIED");
        assertThat(browser.text()).contains("✓ Receipt signature", "✓ Inclusion proof", "✓ Tree head signature");
        browser.screenshot("receipt-verified");

        // the log grows; the tree head this browser verified must be consistent with the new one
        for (int i = 0; i < 5; i++) {
            reviewer.get("/keys?tenant_id=acme");
        }
        go("#/audit", By.cssSelector("#consistency form"));
        browser.driver().findElement(By.cssSelector("#consistency button[type=submit]")).click();
        assertThat(browser.await(By.id("consistency-status")).getText()).isEqualTo("VERIFIED");
        browser.screenshot("audit-consistency");

        // a receipt whose stored bytes were altered fails, however the server serves it
        String victim = reviewer.get("/audit/receipts?key_id=" + guardedKey).json().path("receipts").get(0)
                .path("receipt").path("receipt_id").asText();
        try (Connection c = node.node().data().database().dataSource().getConnection();
             PreparedStatement ps = c.prepareStatement("UPDATE kms_audit_receipts SET receipt_json ="
                     + " REPLACE(receipt_json, '\"success\":true', '\"success\":false') WHERE receipt_id = ?")) {
            ps.setString(1, victim);
            assertThat(ps.executeUpdate()).isEqualTo(1);
        }
        go("#/receipt/" + victim, By.id("verification-status"));
        assertThat(browser.driver().findElement(By.id("verification-status")).getText()).isEqualTo("FAILED");
        assertThat(browser.text()).contains("✗ Receipt signature", "✗ Inclusion proof");
        browser.screenshot("receipt-failed");
    }
}
