package com.zeroui.kms.client;

import com.zeroui.kms.auth.Role;
import com.zeroui.kms.support.TestNode;
import com.zeroui.kms.trust.CertificateAuthority;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;

/** The client library pointed at a test node: the admin from its PEM files, or a module with a fresh certificate. */
final class ClientsForTests {
    private ClientsForTests() {
    }

    static KmsClient admin(TestNode node, Scope scope) {
        Path tls = node.dataDir().resolve("tls");
        return KmsClient.builder(node.baseUrl()).mtls(tls.resolve("admin.pem"), tls.resolve("admin.key"), tls.resolve("ca.pem"))
                .scope(scope).build();
    }

    static KmsClient module(TestNode node, String moduleId, String tenantId, Scope scope, Role... roles) {
        CertificateAuthority ca = node.node().data().ca();
        CertificateAuthority.ClientCredential c = ca.issueClient(moduleId, tenantId, Set.of(roles), Duration.ofDays(365));
        return KmsClient.builder(node.baseUrl()).sslContext(ClientTls.context(c.privateKey(), c.chain(), List.of(ca.ca().root())))
                .scope(scope).build();
    }
}
