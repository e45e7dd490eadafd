package com.zeroui.kms.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.zeroui.kms.crypto.Pem;
import com.zeroui.kms.support.CliRun;
import com.zeroui.kms.support.KmsClient;
import com.zeroui.kms.support.TestNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code kms cert issue --url} and {@code kms cert renew}: enrollment through the running server, CSR only. */
class CertEnrollIT {
    @TempDir
    static Path tmp;
    static TestNode node;
    static Path dataDir;
    static String url;

    @BeforeAll
    static void start() {
        dataDir = tmp.resolve("data");
        node = TestNode.startIn(dataDir, UnaryOperator.identity(), false);
        url = "https://127.0.0.1:" + node.node().port();
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    static CliRun cli(String... args) {
        return CliRun.run(args);
    }

    static List<X509Certificate> chain(Path certPem) throws Exception {
        return Pem.parseCertificates(Files.readString(certPem));
    }

    static KmsClient clientFrom(Path dir) {
        return KmsClient.fromPemFiles(node.baseUrl(), dir.resolve("cert.pem"), dir.resolve("key.pem"), dir.resolve("ca.pem"));
    }

    /** Whether key.pem is the private half of {@code cert}: sign with one, verify with the other. */
    static boolean keyMatches(Path keyPem, X509Certificate cert) throws Exception {
        byte[] der = java.util.Base64.getMimeDecoder().decode(Files.readString(keyPem).replaceAll("-----[A-Z ]+-----", ""));
        PrivateKey key = KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(der));
        byte[] message = "proof of possession".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        Signature signer = Signature.getInstance("SHA256withECDSA");
        signer.initSign(key);
        signer.update(message);
        Signature verifier = Signature.getInstance("SHA256withECDSA");
        verifier.initVerify(cert.getPublicKey());
        verifier.update(message);
        return verifier.verify(signer.sign());
    }

    @Test
    void issueThroughTheApiWithTheDataDirectorysAdminKeepsTheKeyHere() throws Exception {
        Path out = tmp.resolve("m50");
        CliRun run = cli("cert", "issue", "--url", url, "--data-dir", dataDir.toString(), "--module-id", "M50",
                "--tenant-id", "t5", "--role", "approver", "--ttl", "P7D", "--out", out.toString());
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).contains("spiffe://zeroui.local/tenant/t5/module/M50");
        List<X509Certificate> issued = chain(out.resolve("cert.pem"));
        assertThat(issued).hasSize(2);
        assertThat(issued.get(1)).isEqualTo(node.node().data().ca().ca().issuing());
        assertThat(chain(out.resolve("ca.pem"))).containsExactly(node.node().data().ca().ca().root());
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(out.resolve("key.pem")))).isEqualTo("rw-------");
        assertThat(keyMatches(out.resolve("key.pem"), issued.get(0))).isTrue();
        assertThat(Duration.between(Instant.now(), issued.get(0).getNotAfter().toInstant()).toDays()).isBetween(6L, 7L);
        assertThat(issued.get(0).getExtensionValue("2.5.29.31")).as("CRL distribution point").isNotNull();
        assertThat(clientFrom(out).get("/keys?tenant_id=t5").status()).isEqualTo(200);
    }

    @Test
    void renewReplacesTheCredentialWithANewKeyForTheSameIdentity() throws Exception {
        Path dir = tmp.resolve("m51");
        assertThat(cli("cert", "issue", "--url", url + "/kms/v1", "--data-dir", dataDir.toString(), "--module-id", "M51",
                "--tenant-id", "t5", "--out", dir.toString()).exitCode()).isZero();
        X509Certificate before = chain(dir.resolve("cert.pem")).get(0);
        String keyBefore = Files.readString(dir.resolve("key.pem"));

        CliRun renew = cli("cert", "renew", "--url", url, "--cert", dir.resolve("cert.pem").toString(),
                "--key", dir.resolve("key.pem").toString(), "--ttl", "P2D");
        assertThat(renew.exitCode()).as(renew.err()).isZero();
        X509Certificate after = chain(dir.resolve("cert.pem")).get(0);
        assertThat(after.getSerialNumber()).isNotEqualTo(before.getSerialNumber());
        assertThat(List.copyOf(after.getSubjectAlternativeNames())).isEqualTo(List.copyOf(before.getSubjectAlternativeNames()));
        assertThat(Files.readString(dir.resolve("key.pem"))).isNotEqualTo(keyBefore);
        assertThat(keyMatches(dir.resolve("key.pem"), after)).isTrue();
        assertThat(renew.out()).contains(after.getSerialNumber().toString(16)).contains(before.getSerialNumber().toString(16));
        KmsClient renewed = clientFrom(dir);
        assertThat(renewed.get("/certificates/" + after.getSerialNumber().toString(16)).text("requested_by"))
                .as("renewed by the module itself").isEqualTo("spiffe://zeroui.local/tenant/t5/module/M51");

        Path elsewhere = tmp.resolve("m51-next");
        CliRun toOut = cli("cert", "renew", "--url", url, "--cert", dir.resolve("cert.pem").toString(),
                "--key", dir.resolve("key.pem").toString(), "--out", elsewhere.toString());
        assertThat(toOut.exitCode()).as(toOut.err()).isZero();
        assertThat(clientFrom(elsewhere).get("/keys?tenant_id=t5").status()).isEqualTo(200);
        assertThat(chain(dir.resolve("cert.pem")).get(0)).as("--out leaves the original").isEqualTo(after);
    }

    @Test
    void refusalsFailClearlyAndWriteNothing() throws Exception {
        Path dir = tmp.resolve("m52");
        assertThat(cli("cert", "issue", "--url", url, "--data-dir", dataDir.toString(), "--module-id", "M52",
                "--tenant-id", "t5", "--out", dir.toString()).exitCode()).isZero();
        // a module asking for another identity
        Path other = tmp.resolve("m53");
        CliRun refused = cli("cert", "issue", "--url", url, "--cert", dir.resolve("cert.pem").toString(),
                "--key", dir.resolve("key.pem").toString(), "--module-id", "M53", "--tenant-id", "t5", "--out", other.toString());
        assertThat(refused.exitCode()).isEqualTo(2);
        assertThat(refused.err()).contains("403").contains("UNAUTHORIZED");
        assertThat(other).doesNotExist();

        // a revoked credential can no longer renew
        String serial = chain(dir.resolve("cert.pem")).get(0).getSerialNumber().toString(16);
        assertThat(node.admin().post("/certificates/" + serial + "/revoke", "{\"reason\":\"keyCompromise\"}").status()).isEqualTo(200);
        String certBefore = Files.readString(dir.resolve("cert.pem"));
        CliRun revoked = cli("cert", "renew", "--url", url, "--cert", dir.resolve("cert.pem").toString(),
                "--key", dir.resolve("key.pem").toString());
        assertThat(revoked.exitCode()).isEqualTo(2);
        assertThat(revoked.err()).contains("401").contains("revoked");
        assertThat(Files.readString(dir.resolve("cert.pem"))).isEqualTo(certBefore);

        CliRun noUrl = cli("cert", "renew", "--cert", dir.resolve("cert.pem").toString(), "--key", dir.resolve("key.pem").toString());
        assertThat(noUrl.exitCode()).isEqualTo(2);
        assertThat(noUrl.err()).contains("--url");
        CliRun badTtl = cli("cert", "issue", "--url", url, "--data-dir", dataDir.toString(), "--module-id", "M54",
                "--ttl", "forever", "--out", tmp.resolve("m54").toString());
        assertThat(badTtl.exitCode()).isNotZero();
        assertThat(badTtl.err()).contains("--ttl");
        CliRun tooLong = cli("cert", "issue", "--url", url, "--data-dir", dataDir.toString(), "--module-id", "M54",
                "--ttl", "P4000D", "--out", tmp.resolve("m54").toString());
        assertThat(tooLong.exitCode()).isEqualTo(2);
        assertThat(tooLong.err()).contains("ttl");
        assertThat(tmp.resolve("m54")).doesNotExist();
    }
}
