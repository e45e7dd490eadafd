package com.zeroui.kms.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.zeroui.kms.bench.ClientTls;
import com.zeroui.kms.trust.CertificateAuthority;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code POST /kms/v1/certificates} over mutual TLS for {@code kms cert issue --url} and
 * {@code kms cert renew}: only the CSR travels; the private key stays with the caller. Also
 * {@code kms console login}'s request for a login link.
 */
final class EnrollmentClient {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final URI api;
    private final HttpClient http;

    /** A client authenticating with {@code certPem}/{@code keyPem} and trusting the root in {@code caPem}. */
    EnrollmentClient(String url, Path certPem, Path keyPem, Path caPem) throws IOException {
        String base = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
        this.api = URI.create(base.endsWith("/kms/v1") ? base : base + "/kms/v1");
        this.http = HttpClient.newBuilder().sslContext(ClientTls.fromPemFiles(certPem, keyPem, caPem))
                .version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(10)).build();
    }

    /** What the server issued: the leaf and its chain (issuing CA, root), as PEM. */
    record Enrolled(String serial, String subject, String notAfter, String certificatePem, List<String> chainPem) {
        /** cert.pem: the leaf then the issuing CA, so TLS clients send the whole chain. */
        String certificateFile() {
            return certificatePem + String.join("", chainPem.subList(0, chainPem.size() - 1));
        }

        String rootFile() {
            return chainPem.get(chainPem.size() - 1);
        }
    }

    /** Refused or failed enrollment, with the server's ErrorResponse message. */
    static final class EnrollmentException extends Exception {
        EnrollmentException(String message) {
            super(message);
        }
    }

    Enrolled enroll(String csrPem, String profile, Duration ttl) throws IOException, EnrollmentException {
        ObjectNode body = JSON.createObjectNode().put("csr", csrPem).put("profile", profile);
        if (ttl != null) {
            body.put("ttl", ttl.toString());
        }
        JsonNode json = post("/certificates", body, 201);
        List<String> chain = new ArrayList<>();
        json.path("chain").forEach(c -> chain.add(c.asText()));
        if (chain.isEmpty()) {
            throw new EnrollmentException("the server answered without a CA chain");
        }
        return new Enrolled(json.path("serial").asText(), json.path("subject").asText(), json.path("not_after").asText(),
                json.path("certificate").asText(), List.copyOf(chain));
    }

    /** POSTs {@code body} to {@code path} under /kms/v1; the JSON answer when it has {@code expectedStatus}. */
    JsonNode post(String path, ObjectNode body, int expectedStatus) throws IOException, EnrollmentException {
        return send(HttpRequest.newBuilder(api.resolve(api.getPath() + path))
                .timeout(Duration.ofSeconds(30)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body))).build(), expectedStatus);
    }

    /** GETs {@code path} under /kms/v1; the JSON answer when it is 200. */
    JsonNode get(String path) throws IOException, EnrollmentException {
        return send(HttpRequest.newBuilder(api.resolve(api.getPath() + path)).timeout(Duration.ofSeconds(30)).GET().build(),
                200);
    }

    private JsonNode send(HttpRequest request, int expectedStatus) throws IOException, EnrollmentException {
        HttpResponse<String> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting for " + api, e);
        }
        JsonNode json;
        try {
            json = JSON.readTree(response.body());
        } catch (IOException e) {
            throw new EnrollmentException("HTTP " + response.statusCode() + " from " + api + " without a JSON body");
        }
        if (response.statusCode() != expectedStatus) {
            throw new EnrollmentException("HTTP " + response.statusCode() + " " + json.path("code").asText() + ": "
                    + json.path("message").asText());
        }
        return json;
    }

    static ObjectNode emptyBody() {
        return JSON.createObjectNode();
    }

    /** Writes the CA (root), key (0600) and certificate (leaf + issuing CA) files, each atomically. */
    static void write(Enrolled enrolled, String privateKeyPem, Path certFile, Path keyFile, Path caFile) throws IOException {
        CertificateAuthority.writeAtomically(caFile, enrolled.rootFile(), false);
        CertificateAuthority.writeAtomically(keyFile, privateKeyPem, true);
        CertificateAuthority.writeAtomically(certFile, enrolled.certificateFile(), false);
    }
}
