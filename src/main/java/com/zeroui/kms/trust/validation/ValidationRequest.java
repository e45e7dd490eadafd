package com.zeroui.kms.trust.validation;

import java.io.IOException;
import java.io.StringReader;
import java.net.IDN;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import org.bouncycastle.util.io.pem.PemObject;
import org.bouncycastle.util.io.pem.PemReader;

/**
 * What to validate: the presented chain (leaf first, then intermediates in any order), the trust
 * anchors, the purpose, the time, an optional hostname, CRLs and the revocation mode.
 *
 * <p>The chain is kept as DER so that bytes the JDK would refuse still reach our own parser and get a
 * reason code ({@link ReasonCode#MALFORMED} at worst) instead of an exception. Request-level mistakes
 * (no certificates, no anchors, too many certificates, an unparseable hostname) throw
 * IllegalArgumentException when the request is built.
 */
public final class ValidationRequest {
    /** More certificates than this in one presented chain is refused: nobody needs it and it bounds parsing work. */
    public static final int MAX_CHAIN_CERTIFICATES = 32;

    private final List<CertificateInput> chain;
    private final List<CertificateInput> trustAnchors;
    private final Purpose purpose;
    private final Instant time;
    private final String hostname;
    private final List<X509CRL> crls;
    private final RevocationMode revocationMode;
    private final Profile profile;
    private final Integer maxPathLength;
    private final List<OcspEvidence.Response> ocspResponses;
    private final ResponderStatus responderStatus;
    private final List<RevokedAnchor> revokedAnchors;

    /** A trust anchor revoked in the trust store: a path ending at it (or at its key) fails with ANCHOR_REVOKED. */
    public record RevokedAnchor(byte[] der, String detail) {
        public RevokedAnchor {
            der = der.clone();
            Objects.requireNonNull(detail, "detail");
        }
    }

    /** One certificate as bytes, with the caller's object when there was one (an equal object is returned in the path). */
    record CertificateInput(byte[] der, X509Certificate original) {
    }

    private ValidationRequest(Builder b) {
        if (b.chain.isEmpty()) {
            throw new IllegalArgumentException("chain must hold at least the leaf certificate");
        }
        if (b.chain.size() > MAX_CHAIN_CERTIFICATES) {
            throw new IllegalArgumentException("chain has " + b.chain.size() + " certificates; at most "
                    + MAX_CHAIN_CERTIFICATES + " are accepted");
        }
        if (b.trustAnchors.isEmpty() && b.revokedAnchors.isEmpty()) {
            throw new IllegalArgumentException("at least one trust anchor is needed");
        }
        this.chain = List.copyOf(b.chain);
        this.trustAnchors = List.copyOf(b.trustAnchors);
        this.purpose = Objects.requireNonNull(b.purpose, "purpose");
        this.time = b.time;
        this.hostname = b.hostname == null ? null : normalizeHostname(b.hostname);
        this.crls = List.copyOf(b.crls);
        this.revocationMode = Objects.requireNonNull(b.revocationMode, "revocationMode");
        this.profile = Objects.requireNonNull(b.profile, "profile");
        if (b.maxPathLength != null && b.maxPathLength < 0) {
            throw new IllegalArgumentException("max_path_length must not be negative");
        }
        this.maxPathLength = b.maxPathLength;
        this.ocspResponses = List.copyOf(b.ocspResponses);
        this.responderStatus = b.responderStatus;
        this.revokedAnchors = List.copyOf(b.revokedAnchors);
    }

    public static Builder builder() {
        return new Builder();
    }

    List<CertificateInput> chain() {
        return chain;
    }

    List<CertificateInput> trustAnchors() {
        return trustAnchors;
    }

    public Purpose purpose() {
        return purpose;
    }

    /** The validation time, or null for "now" by the validator's clock. */
    public Instant time() {
        return time;
    }

    /** The hostname in its normalized form (lower case, A-labels, no trailing dot), or null. */
    public String hostname() {
        return hostname;
    }

    public List<X509CRL> crls() {
        return crls;
    }

    public RevocationMode revocationMode() {
        return revocationMode;
    }

    public Profile profile() {
        return profile;
    }

    /** Most intermediates allowed between the leaf and the anchor, or null for no limit beyond path building's. */
    public Integer maxPathLength() {
        return maxPathLength;
    }

    List<OcspEvidence.Response> ocspResponses() {
        return ocspResponses;
    }

    /** The authoritative status of the service's own CAs' certificates, or null. */
    ResponderStatus responderStatus() {
        return responderStatus;
    }

    List<RevokedAnchor> revokedAnchors() {
        return revokedAnchors;
    }

    /**
     * Lower case, trailing dot removed, internationalized labels as A-labels (so they compare with
     * dNSName SANs, which are always ASCII), IPv6 brackets removed.
     */
    public static String normalizeHostname(String hostname) {
        String h = hostname.trim();
        if (h.startsWith("[") && h.endsWith("]")) {
            h = h.substring(1, h.length() - 1);
        }
        if (h.endsWith(".")) {
            h = h.substring(0, h.length() - 1);
        }
        if (h.isEmpty()) {
            throw new IllegalArgumentException("hostname is empty");
        }
        if (HostnameMatcher.isIpLiteral(h)) {
            return h.toLowerCase(Locale.ROOT);
        }
        try {
            h = IDN.toASCII(h, IDN.USE_STD3_ASCII_RULES).toLowerCase(Locale.ROOT);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("hostname is not a valid DNS name: " + hostname);
        }
        if (h.isEmpty() || h.startsWith(".") || h.contains("..") || h.length() > 253) {
            throw new IllegalArgumentException("hostname is not a valid DNS name: " + hostname);
        }
        return h;
    }

    public static final class Builder {
        private final List<CertificateInput> chain = new ArrayList<>();
        private final List<CertificateInput> trustAnchors = new ArrayList<>();
        private Purpose purpose = Purpose.ANY;
        private Instant time;
        private String hostname;
        private final List<X509CRL> crls = new ArrayList<>();
        private RevocationMode revocationMode = RevocationMode.NONE;
        private Profile profile = Profile.RFC5280;
        private Integer maxPathLength;
        private final List<OcspEvidence.Response> ocspResponses = new ArrayList<>();
        private ResponderStatus responderStatus;
        private final List<RevokedAnchor> revokedAnchors = new ArrayList<>();

        private Builder() {
        }

        public Builder profile(Profile profile) {
            this.profile = profile;
            return this;
        }

        /** At most this many intermediates (CA certificates between the leaf and the anchor). */
        public Builder maxPathLength(Integer maxPathLength) {
            this.maxPathLength = maxPathLength;
            return this;
        }

        /**
         * Stapled OCSP responses (DER OCSPResponse). One that does not decode throws
         * IllegalArgumentException; one whose status is not successful says nothing and is ignored.
         */
        public Builder ocspResponses(List<byte[]> responses) {
            for (int i = 0; i < responses.size(); i++) {
                OcspEvidence.Response r = OcspEvidence.parse(responses.get(i), i);
                if (r != null) {
                    ocspResponses.add(r);
                }
            }
            return this;
        }

        /** Where to ask for the status of certificates the service's own CAs issued (as its OCSP responder would answer). */
        public Builder responderStatus(ResponderStatus status) {
            this.responderStatus = status;
            return this;
        }

        public Builder revokedAnchors(List<RevokedAnchor> anchors) {
            this.revokedAnchors.addAll(anchors);
            return this;
        }

        /** Trust anchors as DER: parsed by the validator's own ASN.1 path, so what the JDK refuses still gets a verdict. */
        public Builder trustAnchorsDer(List<byte[]> encodings) {
            encodings.forEach(d -> trustAnchors.add(new CertificateInput(d.clone(), null)));
            return this;
        }

        /** Leaf first, then intermediates in any order (a root in the chain is harmless and ignored unless trusted). */
        public Builder chain(List<X509Certificate> certificates) {
            certificates.forEach(c -> chain.add(input(c)));
            return this;
        }

        public Builder chain(X509Certificate... certificates) {
            return chain(List.of(certificates));
        }

        /** The chain as DER encodings, leaf first. */
        public Builder chainDer(List<byte[]> encodings) {
            encodings.forEach(d -> chain.add(new CertificateInput(d.clone(), null)));
            return this;
        }

        /** The chain as concatenated PEM CERTIFICATE blocks, leaf first. */
        public Builder chainPem(String pem) {
            chainDer(pemCertificates(pem));
            return this;
        }

        public Builder trustAnchors(List<X509Certificate> anchors) {
            anchors.forEach(c -> trustAnchors.add(input(c)));
            return this;
        }

        public Builder trustAnchors(X509Certificate... anchors) {
            return trustAnchors(List.of(anchors));
        }

        public Builder trustAnchorsPem(String pem) {
            pemCertificates(pem).forEach(d -> trustAnchors.add(new CertificateInput(d, null)));
            return this;
        }

        public Builder purpose(Purpose purpose) {
            this.purpose = purpose;
            return this;
        }

        /** Validation time; defaults to the validator's clock. */
        public Builder time(Instant time) {
            this.time = time;
            return this;
        }

        /** Check the leaf against this DNS name or IP literal (RFC 6125). */
        public Builder hostname(String hostname) {
            this.hostname = hostname;
            return this;
        }

        public Builder crls(List<X509CRL> crls) {
            this.crls.addAll(crls);
            return this;
        }

        public Builder revocationMode(RevocationMode mode) {
            this.revocationMode = mode;
            return this;
        }

        public ValidationRequest build() {
            return new ValidationRequest(this);
        }

        private static CertificateInput input(X509Certificate certificate) {
            try {
                return new CertificateInput(certificate.getEncoded(), certificate);
            } catch (CertificateEncodingException e) {
                throw new IllegalArgumentException("certificate cannot be encoded: " + e.getMessage(), e);
            }
        }

        private static List<byte[]> pemCertificates(String pem) {
            List<byte[]> out = new ArrayList<>();
            try (PemReader reader = new PemReader(new StringReader(pem))) {
                PemObject object;
                while ((object = reader.readPemObject()) != null) {
                    if (!"CERTIFICATE".equals(object.getType())) {
                        throw new IllegalArgumentException("expected PEM CERTIFICATE blocks, found " + object.getType());
                    }
                    out.add(object.getContent());
                }
            } catch (IOException e) {
                throw new IllegalArgumentException("PEM does not decode: " + e.getMessage(), e);
            }
            if (out.isEmpty()) {
                throw new IllegalArgumentException("no PEM CERTIFICATE block found");
            }
            return out;
        }
    }
}
