package com.zeroui.kms.trust.anchors;

import com.zeroui.kms.audit.CanonicalJson;
import com.zeroui.kms.keys.Plane;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The effective trust bundle of (tenant, plane), signed. The signature is Ed25519 over the RFC 8785
 * canonical JSON of {@link #content()} — every field of the published bundle except
 * {@code signature} — so a consumer that pinned {@code signing_public_key} can check a bundle it
 * got from anywhere. {@code format} separates these signatures from the service's other ones.
 */
public record TrustBundle(String tenantId, Plane plane, long version, List<TrustAnchor> anchors, Instant generatedAt,
                          String signingKeyId, String signingPublicKey, String signature) {
    public static final String FORMAT = "kms-trust-bundle/v1";

    public TrustBundle {
        anchors = List.copyOf(anchors);
    }

    static TrustBundle sign(String tenantId, Plane plane, long version, List<TrustAnchor> anchors, Instant generatedAt,
                            TrustBundleSigner signer) {
        TrustBundle unsigned = new TrustBundle(tenantId, plane, version, anchors, generatedAt, signer.keyId(),
                signer.publicKeyPem(), null);
        byte[] signature = signer.sign().apply(CanonicalJson.bytes(unsigned.content()));
        return new TrustBundle(tenantId, plane, version, anchors, generatedAt, signer.keyId(), signer.publicKeyPem(),
                Base64.getEncoder().encodeToString(signature));
    }

    /** The signed content: the bundle as published, without {@code signature}. */
    public Map<String, Object> content() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("format", FORMAT);
        m.put("plane", plane.apiName());
        m.put("tenant_id", tenantId);
        m.put("version", Long.toString(version));
        m.put("anchors", anchors.stream().map(TrustBundle::entry).toList());
        m.put("generated_at", generatedAt.toString());
        m.put("signing_key_id", signingKeyId);
        m.put("signing_public_key", signingPublicKey);
        m.put("signature_algorithm", TrustBundleSigner.ALGORITHM);
        return m;
    }

    /** The published bundle: its content and the signature. */
    public Map<String, Object> view() {
        Map<String, Object> m = content();
        m.put("signature", signature);
        return m;
    }

    private static Map<String, Object> entry(TrustAnchor a) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("trust_anchor_id", a.anchorId());
        m.put("anchor_type", a.type().apiName());
        m.put("scope", a.tenantId());
        m.put("certificate_pem", a.certificatePem());
        m.put("fingerprint_sha256", a.fingerprintSha256());
        m.put("not_after", a.notAfter().toString());
        return m;
    }
}
