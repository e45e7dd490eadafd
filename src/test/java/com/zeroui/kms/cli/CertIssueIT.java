package com.zeroui.kms.cli;

import static com.zeroui.kms.support.ErrorResponseAssert.assertError;
import static org.assertj.core.api.Assertions.assertThat;

import com.zeroui.kms.support.CliRun;
import com.zeroui.kms.support.KmsClient;
import com.zeroui.kms.support.TestNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code kms cert issue} against the data directory of a node that is running, and the identities it yields. */
class CertIssueIT {
    @TempDir
    static Path tmp;

    static TestNode node;
    static Path dataDir;

    @BeforeAll
    static void start() {
        dataDir = tmp.resolve("data");
        node = TestNode.startIn(dataDir, UnaryOperator.identity(), false);
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    private static CliRun issue(Path out, String... options) {
        List<String> args = new ArrayList<>(List.of("cert", "issue"));
        args.addAll(List.of(options));
        args.addAll(List.of("--out", out.toString(), "--data-dir", dataDir.toString()));
        return CliRun.run(args.toArray(String[]::new));
    }

    private static KmsClient clientFrom(Path out) {
        return KmsClient.fromPemFiles(node.baseUrl(), out.resolve("cert.pem"), out.resolve("key.pem"), out.resolve("ca.pem"));
    }

    @Test
    void issuedTenantCertificateActsAsThatModuleOfThatTenantOnTheRunningServer() throws IOException {
        Path out = tmp.resolve("m21-t1");
        CliRun run = issue(out, "--module-id", "M21", "--tenant-id", "t1");
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(out.resolve("cert.pem")).isNotEmptyFile();
        assertThat(out.resolve("ca.pem")).hasSameBinaryContentAs(dataDir.resolve("tls/ca.pem"));
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(out.resolve("key.pem")))).isEqualTo("rw-------");

        KmsClient m21 = clientFrom(out);
        KmsClient.Response created = m21.createKey("t1", "Ed25519", "sign", "verify");
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        assertThat(created.text("created_by")).isEqualTo("M21");
        assertThat(created.text("tenant_id")).isEqualTo("t1");
        KmsClient.Response signed = m21.sign("t1", created.text("key_id"), new byte[] {4, 2}, null);
        assertThat(signed.status()).as(signed.body()).isEqualTo(200);

        assertError(m21.createKey("t2", "Ed25519", "sign", "verify"), 403, "UNAUTHORIZED");
        assertError(m21.get("/keys?tenant_id=t2"), 403, "UNAUTHORIZED");
    }

    @Test
    void adminRoleGivesAnIdentityThatMayActForAnyTenant() {
        String t3Key = node.client("M21", "t3").createKey("t3", "AES-256", "encrypt", "decrypt").text("key_id");
        Path out = tmp.resolve("ops-admin");
        CliRun run = issue(out, "--module-id", "ops", "--role", "admin");
        assertThat(run.exitCode()).as(run.err()).isZero();

        KmsClient.Response listed = clientFrom(out).get("/keys?tenant_id=t3");
        assertThat(listed.status()).as(listed.body()).isEqualTo(200);
        assertThat(listed.json().get("keys").findValuesAsText("key_id")).contains(t3Key);

        Path plain = tmp.resolve("ops-plain"); // the same module without the role is refused
        assertThat(issue(plain, "--module-id", "ops").exitCode()).isZero();
        assertError(clientFrom(plain).get("/keys?tenant_id=t3"), 403, "UNAUTHORIZED");
    }

    @Test
    void badModuleIdFailsClearlyAndWritesNothing() {
        Path out = tmp.resolve("bad-module");
        CliRun run = issue(out, "--module-id", "a b", "--tenant-id", "t1");
        assertThat(run.exitCode()).isNotZero();
        assertThat(run.err()).contains("--module-id").contains("a b");
        assertThat(out).doesNotExist();
    }

    @Test
    void badTenantIdAndUnknownRoleFailAndWriteNothing() {
        Path out = tmp.resolve("bad-other");
        CliRun badTenant = issue(out, "--module-id", "M21", "--tenant-id", "t/1");
        assertThat(badTenant.exitCode()).isNotZero();
        assertThat(badTenant.err()).contains("--tenant-id");
        CliRun badRole = issue(out, "--module-id", "M21", "--role", "root");
        assertThat(badRole.exitCode()).isNotZero();
        assertThat(badRole.err()).contains("--role").contains("root");
        assertThat(out).doesNotExist();
    }
}
