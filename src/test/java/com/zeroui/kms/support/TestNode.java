package com.zeroui.kms.support;

import com.zeroui.kms.app.KmsNode;
import com.zeroui.kms.auth.Role;
import com.zeroui.kms.ops.KmsConfig;
import com.zeroui.kms.trust.CertificateAuthority;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Comparator;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

/** A real KMS node in this JVM: HTTPS with mTLS on a free port, over a fresh data directory. */
public final class TestNode implements AutoCloseable {
    private final Path dataDir;
    private final KmsNode node;
    private final boolean ownsDir;

    private TestNode(Path dataDir, KmsNode node, boolean ownsDir) {
        this.dataDir = dataDir;
        this.node = node;
        this.ownsDir = ownsDir;
    }

    public static TestNode start() {
        return start(UnaryOperator.identity());
    }

    public static TestNode start(UnaryOperator<KmsConfig.Builder> customize) {
        try {
            Path dir = Files.createTempDirectory("kms-test-");
            return startIn(dir, customize, true);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A node whose every time reading (receipts, approvals, daily limits) comes from {@code clock}. */
    public static TestNode start(Clock clock, UnaryOperator<KmsConfig.Builder> customize) {
        try {
            Path dir = Files.createTempDirectory("kms-test-");
            return startIn(dir, customize, true, clock);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static TestNode startIn(Path dataDir, UnaryOperator<KmsConfig.Builder> customize, boolean ownsDir) {
        return startIn(dataDir, customize, ownsDir, Clock.systemUTC());
    }

    public static TestNode startIn(Path dataDir, UnaryOperator<KmsConfig.Builder> customize, boolean ownsDir, Clock clock) {
        KmsConfig config = customize.apply(KmsConfig.builder().dataDir(dataDir).port(0)).build();
        return new TestNode(dataDir, KmsNode.start(config, clock), ownsDir);
    }

    public KmsNode node() {
        return node;
    }

    public Path dataDir() {
        return dataDir;
    }

    public String baseUrl() {
        return "https://127.0.0.1:" + node.port() + "/kms/v1";
    }

    /** The admin client written at bootstrap. */
    public KmsClient admin() {
        Path tls = dataDir.resolve("tls");
        return KmsClient.fromPemFiles(baseUrl(), tls.resolve("admin.pem"), tls.resolve("admin.key"), tls.resolve("ca.pem"));
    }

    /**
     * A client whose certificate names {@code moduleId}, bound to {@code tenantId} (null: platform module).
     * Valid 365 days, like an enrolled client's default: tests move the node's clock by days and validity
     * is checked on every request.
     */
    public KmsClient client(String moduleId, String tenantId, Role... roles) {
        CertificateAuthority ca = node.data().ca();
        CertificateAuthority.ClientCredential credential = ca.issueClient(moduleId, tenantId, Set.of(roles), Duration.ofDays(365));
        return KmsClient.fromCredential(baseUrl(), credential.privateKey(), credential.chain(), ca.ca().root());
    }

    /** A client that presents no certificate at all. */
    public KmsClient anonymous() {
        return KmsClient.anonymous(baseUrl(), node.data().ca().ca().root());
    }

    @Override
    public void close() {
        node.close();
        if (ownsDir) {
            deleteTree(dataDir);
        }
    }

    public static void deleteTree(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // best effort: temp space
        }
    }
}
