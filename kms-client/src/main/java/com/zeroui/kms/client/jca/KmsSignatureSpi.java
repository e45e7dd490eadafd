package com.zeroui.kms.client.jca;

import com.zeroui.kms.client.KmsApiException;
import com.zeroui.kms.client.KmsClientException;
import java.io.ByteArrayOutputStream;
import java.security.InvalidAlgorithmParameterException;
import java.security.InvalidKeyException;
import java.security.InvalidParameterException;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.PublicKey;
import java.security.Security;
import java.security.Signature;
import java.security.SignatureException;
import java.security.SignatureSpi;
import java.security.spec.AlgorithmParameterSpec;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PSSParameterSpec;

/**
 * {@code Signature} over a KMS key: the data is collected locally and signed by the service in one call
 * at {@code sign()}. Verification takes either a JDK public key (checked locally by another installed
 * provider, so nothing is sent) or a {@link KmsPublicKey} (checked by the service).
 */
public abstract class KmsSignatureSpi extends SignatureSpi {
    /** PS256: the only PSS parameters the service signs with. */
    static final PSSParameterSpec PS256 = new PSSParameterSpec("SHA-256", "MGF1", MGF1ParameterSpec.SHA256, 32, 1);
    private static final String PS256_NAME = "PS256";

    private final String apiAlgorithm;
    private final String jdkAlgorithm;
    private final String keyFamily;
    private final ByteArrayOutputStream data = new ByteArrayOutputStream();
    private KmsKeyHandle kmsKey;
    private Signature local;

    KmsSignatureSpi(String apiAlgorithm, String jdkAlgorithm, String keyFamily) {
        this.apiAlgorithm = apiAlgorithm;
        this.jdkAlgorithm = jdkAlgorithm;
        this.keyFamily = keyFamily;
    }

    @Override
    protected void engineInitSign(PrivateKey key) throws InvalidKeyException {
        if (!(key instanceof KmsPrivateKey handle)) {
            throw new InvalidKeyException("the KMS provider signs only with KMS keys (KmsPrivateKey), not " + describe(key));
        }
        if (!keyFamily.equalsIgnoreCase(handle.getAlgorithm())) {
            throw new InvalidKeyException(apiAlgorithm + " needs a " + keyFamily + " key, " + handle.keyId() + " is " + handle.getAlgorithm());
        }
        reset(handle, null);
    }

    @Override
    protected void engineInitVerify(PublicKey key) throws InvalidKeyException {
        if (key instanceof KmsPublicKey handle) {
            reset(handle, null);
            return;
        }
        if (jdkAlgorithm == null) {
            throw new InvalidKeyException(apiAlgorithm + " is verified by the service here: use a KmsPublicKey");
        }
        try {
            Signature s = localSignature();
            if (PS256_NAME.equals(apiAlgorithm)) {
                s.setParameter(PS256);
            }
            s.initVerify(key);
            reset(null, s);
        } catch (InvalidAlgorithmParameterException e) {
            throw new InvalidKeyException(e.getMessage(), e);
        }
    }

    private void reset(KmsKeyHandle handle, Signature localVerifier) {
        this.kmsKey = handle;
        this.local = localVerifier;
        data.reset();
    }

    /** The same algorithm from an installed provider other than this one (no recursion into the KMS). */
    private Signature localSignature() throws InvalidKeyException {
        for (Provider p : Security.getProviders()) {
            if (p instanceof KmsProvider || p.getService("Signature", jdkAlgorithm) == null) {
                continue;
            }
            try {
                return Signature.getInstance(jdkAlgorithm, p);
            } catch (java.security.NoSuchAlgorithmException e) {
                // try the next provider
            }
        }
        throw new InvalidKeyException("no installed provider verifies " + jdkAlgorithm);
    }

    @Override
    protected void engineUpdate(byte b) throws SignatureException {
        engineUpdate(new byte[] {b}, 0, 1);
    }

    @Override
    protected void engineUpdate(byte[] b, int off, int len) throws SignatureException {
        if (local != null) {
            local.update(b, off, len);
        } else if (kmsKey != null) {
            data.write(b, off, len);
        } else {
            throw new SignatureException("not initialized");
        }
    }

    @Override
    protected byte[] engineSign() throws SignatureException {
        if (!(kmsKey instanceof KmsPrivateKey)) {
            throw new SignatureException("not initialized for signing");
        }
        try {
            return fromService(kmsKey.client().crypto().sign(kmsKey.keyId(), data.toByteArray(), apiAlgorithm).signature());
        } catch (KmsClientException e) {
            throw new SignatureException(message(e), e);
        } finally {
            data.reset();
        }
    }

    @Override
    protected boolean engineVerify(byte[] sigBytes) throws SignatureException {
        if (local != null) {
            return local.verify(sigBytes);
        }
        if (!(kmsKey instanceof KmsPublicKey)) {
            throw new SignatureException("not initialized for verification");
        }
        try {
            byte[] wire = toService(sigBytes);
            return wire != null && kmsKey.client().crypto().verify(kmsKey.keyId(), data.toByteArray(), wire, apiAlgorithm).valid();
        } catch (KmsClientException e) {
            throw new SignatureException(message(e), e);
        } finally {
            data.reset();
        }
    }

    /** This JCA algorithm's form of a signature the service made (the same bytes but for DER ECDSA). */
    byte[] fromService(byte[] signature) {
        return signature;
    }

    /** The service's form of a signature given in this JCA algorithm's form; null when it has none (cannot verify). */
    byte[] toService(byte[] signature) {
        return signature;
    }

    @Override
    protected void engineSetParameter(AlgorithmParameterSpec params) throws InvalidAlgorithmParameterException {
        if (!(PS256_NAME.equals(apiAlgorithm) && params instanceof PSSParameterSpec pss && samePss(pss))) {
            throw new InvalidAlgorithmParameterException("the KMS signs " + apiAlgorithm + " with fixed parameters"
                    + (PS256_NAME.equals(apiAlgorithm) ? " (SHA-256, MGF1-SHA-256, salt 32)" : ""));
        }
    }

    private static boolean samePss(PSSParameterSpec p) {
        return "SHA-256".equalsIgnoreCase(p.getDigestAlgorithm()) && "MGF1".equalsIgnoreCase(p.getMGFAlgorithm())
                && p.getMGFParameters() instanceof MGF1ParameterSpec m && "SHA-256".equalsIgnoreCase(m.getDigestAlgorithm())
                && p.getSaltLength() == 32 && p.getTrailerField() == 1;
    }

    @Override
    protected java.security.AlgorithmParameters engineGetParameters() {
        if (!PS256_NAME.equals(apiAlgorithm)) {
            return null;
        }
        try {
            java.security.AlgorithmParameters p = java.security.AlgorithmParameters.getInstance("RSASSA-PSS");
            p.init(PS256);
            return p;
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException("the JDK has no RSASSA-PSS parameters", e);
        }
    }

    @Override
    @Deprecated
    protected void engineSetParameter(String param, Object value) {
        throw new InvalidParameterException("no such parameter: " + param);
    }

    @Override
    @Deprecated
    protected Object engineGetParameter(String param) {
        throw new InvalidParameterException("no such parameter: " + param);
    }

    static String message(KmsClientException e) {
        return e instanceof KmsApiException api ? api.code() + ": " + api.error().message() : e.getMessage();
    }

    private static String describe(Object key) {
        return key == null ? "null" : key.getClass().getName();
    }

    /** EdDSA over Ed25519 keys. */
    public static final class Ed25519 extends KmsSignatureSpi {
        public Ed25519() {
            super("EdDSA", "Ed25519", "Ed25519");
        }
    }

    /** RS256: RSASSA-PKCS1-v1_5 with SHA-256. */
    public static final class Sha256WithRsa extends KmsSignatureSpi {
        public Sha256WithRsa() {
            super("RS256", "SHA256withRSA", "RSA");
        }
    }

    /** PS256: RSASSA-PSS with SHA-256, MGF1-SHA-256, 32-byte salt. */
    public static final class RsaPss extends KmsSignatureSpi {
        public RsaPss() {
            super("PS256", "RSASSA-PSS", "RSA");
        }
    }

    /** ES256 as JOSE and the service write it: the 64-byte r‖s (IEEE P1363). */
    public static final class Es256 extends KmsSignatureSpi {
        public Es256() {
            super("ES256", "SHA256withECDSAinP1363Format", "EC");
        }
    }

    /**
     * ES256 in the JCA's usual DER form ({@code SHA256withECDSA}, what nimbus-jose-jwt's ECDSASigner asks
     * for): the service's r‖s is re-encoded here ({@link EcdsaDer}).
     */
    public static final class Sha256WithEcdsa extends KmsSignatureSpi {
        public Sha256WithEcdsa() {
            super("ES256", "SHA256withECDSA", "EC");
        }

        @Override
        byte[] fromService(byte[] signature) {
            return EcdsaDer.fromRaw(signature);
        }

        @Override
        byte[] toService(byte[] signature) {
            return EcdsaDer.toRaw(signature, 32);
        }
    }

    /** ML-DSA-65 (FIPS 204); Java 17 has no local verifier, so verification goes to the service. */
    public static final class MlDsa65 extends KmsSignatureSpi {
        public MlDsa65() {
            super("ML-DSA-65", null, "ML-DSA-65");
        }
    }
}
