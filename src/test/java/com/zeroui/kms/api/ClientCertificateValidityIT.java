package com.zeroui.kms.api;

import static com.zeroui.kms.support.ErrorResponseAssert.assertError;
import static org.assertj.core.api.Assertions.assertThat;

import com.zeroui.kms.support.AdjustableClock;
import com.zeroui.kms.support.KmsClient;
import com.zeroui.kms.support.TestNode;
import com.zeroui.kms.trust.CertificateAuthority;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 11 §2: a client certificate outside notBefore/notAfter is refused (401) on every request,
 * on a kept-alive connection and on a new connection that resumes the TLS session. The node runs on
 * an adjustable clock; the handshake itself checks validity against real time, which stays inside
 * the certificate's period, so only the per-request check can refuse.
 */
class ClientCertificateValidityIT {
    static final AdjustableClock CLOCK = new AdjustableClock(Instant.now());
    static TestNode node;

    @BeforeAll
    static void start() {
        node = TestNode.start(CLOCK, cfg -> cfg);
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    /** TLS with a PT5M client certificate the node's CA issues now (notBefore is back-dated five minutes). */
    static SSLContext shortLivedCertificate() {
        CertificateAuthority ca = node.node().data().ca();
        CertificateAuthority.ClientCredential credential = ca.issueClient("M21", "acme", Set.of(), Duration.ofMinutes(5));
        return KmsClient.sslContext(credential.privateKey(), credential.chain(), ca.ca().root());
    }

    @Test
    void anExpiredCertificateIsRefusedOnAKeptAliveAndOnAResumedConnection() {
        SSLContext tls = shortLivedCertificate();
        KmsClient client = KmsClient.overTls(node.baseUrl(), tls);
        assertThat(client.get("/keys?tenant_id=acme").status()).isEqualTo(200);

        CLOCK.advance(Duration.ofMinutes(5).plusSeconds(2));
        assertThat(assertError(client.get("/keys?tenant_id=acme"), 401, "UNAUTHENTICATED").at("/details/reason").asText())
                .as("kept-alive connection").isEqualTo("certificate_expired");
        KmsClient resumed = KmsClient.overTls(node.baseUrl(), tls);
        assertThat(assertError(resumed.get("/keys?tenant_id=acme"), 401, "UNAUTHENTICATED").at("/details/reason").asText())
                .as("new connection resuming the session").isEqualTo("certificate_expired");
        CLOCK.advance(Duration.ofMinutes(-5).minusSeconds(2));
        assertThat(client.get("/keys?tenant_id=acme").status()).isEqualTo(200);
    }

    @Test
    void aCertificateIsRefusedBeforeItsNotBefore() {
        SSLContext tls = shortLivedCertificate();
        KmsClient client = KmsClient.overTls(node.baseUrl(), tls);
        assertThat(client.get("/keys?tenant_id=acme").status()).isEqualTo(200);
        CLOCK.advance(Duration.ofMinutes(-6));
        try {
            assertThat(assertError(client.get("/keys?tenant_id=acme"), 401, "UNAUTHENTICATED").at("/details/reason")
                    .asText()).isEqualTo("certificate_not_yet_valid");
        } finally {
            CLOCK.advance(Duration.ofMinutes(6));
        }
    }
}
