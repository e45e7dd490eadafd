package com.zeroui.kms.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/** A small JSON-over-mTLS client for tests, built on java.net.http with the caller's certificate. */
public final class KmsClient {
    public static final ObjectMapper JSON = new ObjectMapper();

    private final String baseUrl;
    private final HttpClient http;
    private final Map<String, String> headers;

    private KmsClient(String baseUrl, SSLContext tls) {
        this(baseUrl, HttpClient.newBuilder().sslContext(tls).version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10)).build(), Map.of());
    }

    private KmsClient(String baseUrl, HttpClient http, Map<String, String> headers) {
        this.baseUrl = baseUrl;
        this.http = http;
        this.headers = Map.copyOf(headers);
    }

    /** The same client (same certificate and connections) sending {@code name: value} on every request. */
    public KmsClient withHeader(String name, String value) {
        Map<String, String> more = new java.util.HashMap<>(headers);
        more.put(name, value);
        return new KmsClient(baseUrl, http, more);
    }

    /** The same client sending {@code Authorization: Bearer <token>} on every request. */
    public KmsClient withBearer(String token) {
        return withHeader("Authorization", "Bearer " + token);
    }

    /** The same PEM loading `kms bench` uses: leaf+chain, PKCS#8 key, root CA. */
    public static KmsClient fromPemFiles(String baseUrl, Path certPem, Path keyPem, Path caPem) {
        try {
            return new KmsClient(baseUrl, com.zeroui.kms.bench.ClientTls.fromPemFiles(certPem, keyPem, caPem));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static KmsClient fromCredential(String baseUrl, PrivateKey key, List<X509Certificate> chain, X509Certificate root) {
        return new KmsClient(baseUrl, sslContext(key, chain, root));
    }

    /** A client on its own connections over {@code tls}: a second client on one SSLContext resumes its TLS sessions. */
    public static KmsClient overTls(String baseUrl, SSLContext tls) {
        return new KmsClient(baseUrl, tls);
    }

    public static KmsClient anonymous(String baseUrl, X509Certificate root) {
        return new KmsClient(baseUrl, sslContext(null, null, root));
    }

    public static SSLContext sslContext(PrivateKey key, List<X509Certificate> chain, X509Certificate root) {
        try {
            KeyStore trust = KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            trust.setCertificateEntry("root", root);
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
            KeyManagerFactory kmf = null;
            if (key != null) {
                KeyStore keys = KeyStore.getInstance("PKCS12");
                keys.load(null, null);
                keys.setKeyEntry("client", key, "x".toCharArray(), chain.toArray(Certificate[]::new));
                kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                kmf.init(keys, "x".toCharArray());
            }
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(kmf == null ? null : kmf.getKeyManagers(), tmf.getTrustManagers(), null);
            return ctx;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A response with its status, raw body, headers and the body parsed as JSON when it is JSON. */
    public record Response(int status, String body, Map<String, List<String>> headers) {
        public JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (IOException e) {
                throw new AssertionError("response body is not JSON: " + body, e);
            }
        }

        public String text(String field) {
            JsonNode node = json().get(field);
            return node == null || node.isNull() ? null : node.asText();
        }
    }

    /** A response whose body is bytes (CRLs, OCSP). */
    public record BinaryResponse(int status, byte[] body, Map<String, List<String>> headers) {
        public String header(String name) {
            return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name))
                    .map(e -> e.getValue().get(0)).findFirst().orElse(null);
        }

        public String text() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    /** GET with extra {@code name, value} header pairs, reading the body as bytes. */
    public BinaryResponse getBytes(String path, String... headerPairs) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl + path)).GET();
        for (int i = 0; i + 1 < headerPairs.length; i += 2) {
            request.header(headerPairs[i], headerPairs[i + 1]);
        }
        return sendBinary(request);
    }

    public BinaryResponse postBytes(String path, String contentType, byte[] body) {
        return sendBinary(HttpRequest.newBuilder(URI.create(baseUrl + path)).header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)));
    }

    private BinaryResponse sendBinary(HttpRequest.Builder request) {
        headers.forEach(request::header);
        try {
            HttpResponse<byte[]> r = http.send(request.timeout(Duration.ofSeconds(30)).build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            return new BinaryResponse(r.statusCode(), r.body(), r.headers().map());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public Response get(String path) {
        return send(HttpRequest.newBuilder(URI.create(baseUrl + path)).GET());
    }

    public Response post(String path, Object body) {
        String json;
        try {
            json = body instanceof String s ? s : JSON.writeValueAsString(body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return raw("POST", path, "application/json", json.getBytes(StandardCharsets.UTF_8));
    }

    public Response raw(String method, String path, String contentType, byte[] body) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(baseUrl + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
        if (contentType != null) {
            builder.header("Content-Type", contentType);
        }
        return send(builder);
    }

    private Response send(HttpRequest.Builder request) {
        headers.forEach(request::header);
        try {
            HttpResponse<String> r = http.send(request.timeout(Duration.ofSeconds(30)).build(),
                    HttpResponse.BodyHandlers.ofString());
            return new Response(r.statusCode(), r.body(), r.headers().map());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    // ---- request builders for the common calls ----------------------------------------------

    public static ObjectNode scope(String tenant, String environment, String plane) {
        ObjectNode n = JSON.createObjectNode();
        n.put("tenant_id", tenant).put("environment", environment).put("plane", plane);
        return n;
    }

    public Response createKey(String tenant, String keyType, String... usage) {
        ObjectNode body = scope(tenant, "dev", "tenant").put("key_type", keyType);
        var array = body.putArray("key_usage");
        for (String u : usage) {
            array.add(u);
        }
        return post("/keys", body);
    }

    public Response sign(String tenant, String keyId, byte[] data, String algorithm) {
        ObjectNode body = scope(tenant, "dev", "tenant").put("key_id", keyId)
                .put("data", Base64.getEncoder().encodeToString(data));
        if (algorithm != null) {
            body.put("algorithm", algorithm);
        }
        return post("/sign", body);
    }

    public Response verify(String tenant, String keyId, byte[] data, String signatureB64, String algorithm) {
        ObjectNode body = scope(tenant, "dev", "tenant").put("key_id", keyId)
                .put("data", Base64.getEncoder().encodeToString(data)).put("signature", signatureB64);
        if (algorithm != null) {
            body.put("algorithm", algorithm);
        }
        return post("/verify", body);
    }

    public Response encrypt(String tenant, String keyId, byte[] plaintext, byte[] aad, String algorithm) {
        ObjectNode body = scope(tenant, "dev", "tenant").put("key_id", keyId)
                .put("plaintext", Base64.getEncoder().encodeToString(plaintext));
        if (aad != null) {
            body.put("aad", Base64.getEncoder().encodeToString(aad));
        }
        if (algorithm != null) {
            body.put("algorithm", algorithm);
        }
        return post("/encrypt", body);
    }

    public Response decrypt(String tenant, String keyId, String ciphertextB64, String ivB64, byte[] aad, String algorithm) {
        ObjectNode body = scope(tenant, "dev", "tenant").put("key_id", keyId).put("ciphertext", ciphertextB64)
                .put("iv", ivB64);
        if (aad != null) {
            body.put("aad", Base64.getEncoder().encodeToString(aad));
        }
        if (algorithm != null) {
            body.put("algorithm", algorithm);
        }
        return post("/decrypt", body);
    }
}
