package com.zeroui.kms.client;

import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import javax.net.ssl.SSLContext;

/**
 * The kms HTTP API from Java: one object per service, thread-safe, keeping its TLS connections.
 * <pre>{@code
 * KmsClient kms = KmsClient.builder("https://kms.example:8443")
 *         .mtls(Path.of("app.pem"), Path.of("app.key"), Path.of("ca.pem"))
 *         .scope(new Scope("acme", "prod", "tenant"))
 *         .build();
 * byte[] sig = kms.crypto().sign("alias/invoices", data, null).signature();
 * }</pre>
 * Failures throw {@link KmsApiException} (the service's ErrorResponse) or {@link KmsClientException}
 * (no answer). Retryable failures are repeated first, as the {@link RetryPolicy} says.
 */
public final class KmsClient {
    /** The API's path prefix; a base URL without it gets it appended. */
    public static final String API_PREFIX = "/kms/v1";

    private final Transport transport;
    private final Scope scope;

    private KmsClient(Transport transport, Scope scope) {
        this.transport = transport;
        this.scope = scope;
    }

    public static Builder builder(String url) {
        return new Builder(url);
    }

    /** The scope calls use unless they name another with {@code in(scope)}; may be null. */
    public Scope scope() {
        return scope;
    }

    /** This client (same connections) addressing keys in {@code other}. */
    public KmsClient in(Scope other) {
        return new KmsClient(transport, other);
    }

    public KeysApi keys() {
        return new KeysApi(transport, scope);
    }

    public CryptoApi crypto() {
        return new CryptoApi(transport, scope);
    }

    public AuditApi audit() {
        return new AuditApi(transport);
    }

    public ApprovalsApi approvals() {
        return new ApprovalsApi(transport);
    }

    public PkiApi pki() {
        return new PkiApi(transport);
    }

    public TrustApi trust() {
        return new TrustApi(transport);
    }

    public OpsApi ops() {
        return new OpsApi(transport);
    }

    /** The API base, e.g. {@code https://kms.example:8443/kms/v1}. */
    public String baseUrl() {
        return transport.baseUrl();
    }

    public static final class Builder {
        private final String url;
        private SSLContext tls;
        private Scope scope;
        private Duration connectTimeout = Duration.ofSeconds(10);
        private Duration requestTimeout = Duration.ofSeconds(30);
        private RetryPolicy retry = RetryPolicy.DEFAULT;
        private final Map<String, String> headers = new LinkedHashMap<>();
        private Transport.Sleeper sleeper = d -> Thread.sleep(d.toMillis());

        private Builder(String url) {
            this.url = Objects.requireNonNull(url, "url");
        }

        /** Client certificate chain, its PKCS#8 key and the CA that issued the server's certificate, all PEM. */
        public Builder mtls(Path certPem, Path keyPem, Path caPem) {
            this.tls = ClientTls.fromPemFiles(certPem, keyPem, caPem);
            return this;
        }

        /** Trust {@code caPem} without presenting a certificate (health, JWKS, OpenAPI), or with a bearer token. */
        public Builder trust(Path caPem) {
            this.tls = ClientTls.trustOnly(caPem);
            return this;
        }

        public Builder sslContext(SSLContext context) {
            this.tls = context;
            return this;
        }

        public Builder scope(Scope defaultScope) {
            this.scope = defaultScope;
            return this;
        }

        public Builder scope(String tenantId, String environment, String plane) {
            return scope(new Scope(tenantId, environment, plane));
        }

        public Builder connectTimeout(Duration timeout) {
            this.connectTimeout = timeout;
            return this;
        }

        /** How long one try may take, from sending to the end of the answer. */
        public Builder requestTimeout(Duration timeout) {
            this.requestTimeout = timeout;
            return this;
        }

        public Builder retry(RetryPolicy policy) {
            this.retry = Objects.requireNonNull(policy, "policy");
            return this;
        }

        /** A JWT sent as {@code Authorization: Bearer} (with or instead of a client certificate, as the service allows). */
        public Builder bearerToken(String token) {
            headers.put("Authorization", "Bearer " + token);
            return this;
        }

        public Builder header(String name, String value) {
            headers.put(name, value);
            return this;
        }

        Builder sleeper(Transport.Sleeper s) {
            this.sleeper = s;
            return this;
        }

        public KmsClient build() {
            HttpClient.Builder http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(connectTimeout);
            if (tls != null) {
                http.sslContext(tls);
            }
            String base = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
            if (!base.endsWith(API_PREFIX)) {
                base += API_PREFIX;
            }
            return new KmsClient(new Transport(base, http.build(), requestTimeout, retry, headers, sleeper), scope);
        }
    }
}
