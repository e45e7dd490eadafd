package com.zeroui.kms.api;

import static com.zeroui.kms.support.ErrorResponseAssert.assertError;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zeroui.kms.support.KmsClient;
import com.zeroui.kms.support.TestNode;
import com.zeroui.kms.trust.InternalCa;
import java.security.KeyPair;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class AuthenticationIT {
    static TestNode node;

    @BeforeAll
    static void start() {
        node = TestNode.start();
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    @Test
    void healthAndMetricsNeedNoCertificate() {
        KmsClient anonymous = node.anonymous();
        KmsClient.Response health = anonymous.get("/health");
        assertThat(health.status()).isEqualTo(200);
        assertThat(health.text("status")).isEqualTo("healthy");
        assertThat(health.json().get("checks")).extracting(c -> c.get("name").asText())
                .contains("storage", "master_key", "crypto_provider");
        assertThat(anonymous.get("/metrics").status()).isEqualTo(200);
    }

    @Test
    void theOpenApiDocumentNeedsNoCertificate() {
        KmsClient.Response document = node.anonymous().get("/openapi.json");
        assertThat(document.status()).as(document.body()).isEqualTo(200);
        assertThat(document.text("openapi")).startsWith("3.1.");
        // and it says so itself: no security requirement on the operation
        assertThat(document.json().at("/paths/~1kms~1v1~1openapi.json/get/security").isEmpty()).isTrue();
    }

    @Test
    void everyOtherEndpointAnswers401WithoutACertificate() {
        KmsClient anonymous = node.anonymous();
        for (String path : List.of("/keys", "/keys/abc", "/config")) {
            assertError(anonymous.get(path), 401, "UNAUTHENTICATED");
        }
        for (String path : List.of("/keys", "/sign", "/verify", "/encrypt", "/decrypt")) {
            assertError(anonymous.post(path, "{}"), 401, "UNAUTHENTICATED");
        }
    }

    @Test
    void certificateFromAnotherCaFailsTheHandshake() {
        InternalCa.Generated foreign = InternalCa.generate("zeroui.local", Clock.systemUTC());
        KeyPair keys = InternalCa.newEcKeyPair();
        var cert = foreign.ca().issueClient(keys.getPublic(), "M21",
                List.of("spiffe://zeroui.local/module/M21"), Duration.ofDays(1));
        KmsClient impostor = KmsClient.fromCredential(node.baseUrl(), keys.getPrivate(),
                List.of(cert, foreign.ca().issuing()), node.node().data().ca().ca().root());
        assertThatThrownBy(() -> impostor.get("/keys")).isInstanceOf(java.io.UncheckedIOException.class);
    }

    @Test
    void certificateWithoutIdentityInOurTrustDomainIs401() {
        var ca = node.node().data().ca().ca();
        KeyPair keys = InternalCa.newEcKeyPair();
        var cert = ca.issueClient(keys.getPublic(), "M21", List.of("spiffe://other.domain/module/M21"), Duration.ofDays(1));
        KmsClient wrongDomain = KmsClient.fromCredential(node.baseUrl(), keys.getPrivate(), List.of(cert, ca.issuing()), ca.root());
        assertError(wrongDomain.get("/keys"), 401, "UNAUTHENTICATED");
    }

    @Test
    void onlyTls12And13AreOffered() throws Exception {
        var ctx = javax.net.ssl.SSLContext.getInstance("TLS");
        ctx.init(null, new javax.net.ssl.TrustManager[] {new TrustAll()}, null);
        for (String old : List.of("TLSv1.1", "TLSv1")) {
            try (SSLSocket socket = (SSLSocket) ctx.getSocketFactory().createSocket("127.0.0.1", node.node().port())) {
                socket.setEnabledProtocols(new String[] {old});
                assertThatThrownBy(socket::startHandshake).as(old).isInstanceOf(javax.net.ssl.SSLException.class);
            } catch (IllegalArgumentException unsupportedByClient) {
                // the client JDK itself disables it: nothing can negotiate it either
            }
        }
        try (SSLSocket socket = (SSLSocket) ctx.getSocketFactory().createSocket("127.0.0.1", node.node().port())) {
            socket.setEnabledProtocols(new String[] {"TLSv1.3"});
            socket.startHandshake();
            assertThat(socket.getSession().getProtocol()).isEqualTo("TLSv1.3");
        }
    }

    /** Only for the protocol probe above: the server's identity is not what is under test there. */
    static final class TrustAll implements javax.net.ssl.X509TrustManager {
        @Override
        public void checkClientTrusted(java.security.cert.X509Certificate[] chain, String authType) {
        }

        @Override
        public void checkServerTrusted(java.security.cert.X509Certificate[] chain, String authType) {
        }

        @Override
        public java.security.cert.X509Certificate[] getAcceptedIssuers() {
            return new java.security.cert.X509Certificate[0];
        }
    }
}
