package com.zeroui.kms.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.zeroui.kms.client.jca.KmsProvider;
import com.zeroui.kms.client.jca.KmsPublicKey;
import com.zeroui.kms.client.model.NewKey;
import com.zeroui.kms.support.TestNode;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.PublicKey;
import java.security.Security;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PSSParameterSpec;
import java.util.Date;
import java.util.UUID;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Existing Java code on KMS keys through the JCA: a JWT signed by nimbus-jose-jwt through the provider
 * and verified by the JDK alone; Signature, Cipher with KMS key handles; checks the JDK's provider
 * selection picks the KMS only for KMS keys.
 */
class KmsProviderIT {
    static TestNode node;
    static KmsClient kms;
    static final Provider PROVIDER = new KmsProvider();
    static final byte[] DATA = "hello, provider".getBytes(StandardCharsets.UTF_8);

    @BeforeAll
    static void start() {
        node = TestNode.start();
        kms = ClientsForTests.module(node, "M21", "acme", new Scope("acme", "dev", "tenant"));
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    private static String newKey(String type, String... usage) {
        String alias = "jca-" + UUID.randomUUID().toString().substring(0, 8);
        kms.keys().create(NewKey.of(type, usage).alias(alias));
        return "alias/" + alias;
    }

    @Test
    void nimbusSignsAJwtThroughTheProviderAndTheJdkVerifiesIt() throws Exception {
        String key = newKey("RSA-2048", "sign", "verify");
        PrivateKey handle = KmsProvider.privateKey(kms, key);
        PublicKey publicKey = KmsProvider.publicKey(kms, key);
        assertThat(publicKey).isInstanceOf(RSAPublicKey.class);

        for (JWSAlgorithm alg : new JWSAlgorithm[] {JWSAlgorithm.RS256, JWSAlgorithm.PS256}) {
            RSASSASigner signer = new RSASSASigner(handle);
            signer.getJCAContext().setProvider(PROVIDER);
            JWTClaimsSet claims = new JWTClaimsSet.Builder().subject("alice").issuer("https://issuer.example")
                    .expirationTime(new Date(System.currentTimeMillis() + 60_000)).build();
            SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(alg).keyID(key).build(), claims);
            jwt.sign(signer);
            String compact = jwt.serialize();

            // independently: the JDK's own Signature over the JWS signing input, no KMS, no nimbus crypto
            SignedJWT parsed = SignedJWT.parse(compact);
            Signature jdk = Signature.getInstance(alg == JWSAlgorithm.RS256 ? "SHA256withRSA" : "RSASSA-PSS");
            if (alg == JWSAlgorithm.PS256) {
                jdk.setParameter(new PSSParameterSpec("SHA-256", "MGF1", MGF1ParameterSpec.SHA256, 32, 1));
            }
            jdk.initVerify(publicKey);
            jdk.update(parsed.getSigningInput());
            assertThat(jdk.verify(parsed.getSignature().decode())).as(alg.getName()).isTrue();
            assertThat(jdk.getProvider()).isNotInstanceOf(KmsProvider.class);
            // and nimbus's verifier on the JDK's default providers
            assertThat(parsed.verify(new RSASSAVerifier((RSAPublicKey) publicKey))).isTrue();
            assertThat(parsed.getJWTClaimsSet().getSubject()).isEqualTo("alice");
        }
    }

    @Test
    void ed25519SignaturesVerifyLocallyAndAtTheService() throws Exception {
        String key = newKey("Ed25519", "sign", "verify");
        Signature signer = Signature.getInstance("Ed25519", PROVIDER);
        signer.initSign(KmsProvider.privateKey(kms, key));
        signer.update(DATA);
        byte[] signature = signer.sign();
        assertThat(signature).hasSize(64);

        Signature jdk = Signature.getInstance("Ed25519");
        jdk.initVerify(KmsProvider.publicKey(kms, key));
        jdk.update(DATA);
        assertThat(jdk.verify(signature)).isTrue();

        // the provider verifies a JDK public key locally, and a KmsPublicKey at the service
        Signature local = Signature.getInstance("EdDSA", PROVIDER);
        local.initVerify(KmsProvider.publicKey(kms, key));
        local.update(DATA);
        assertThat(local.verify(signature)).isTrue();
        Signature remote = Signature.getInstance("Ed25519", PROVIDER);
        remote.initVerify(new KmsPublicKey(kms, key, "Ed25519", null));
        remote.update("tampered".getBytes(StandardCharsets.UTF_8));
        assertThat(remote.verify(signature)).isFalse();
    }

    @Test
    void nimbusSignsAnEs256JwtThroughTheProviderAndTheJdkVerifiesBothForms() throws Exception {
        String key = newKey("ECDSA-P256", "sign", "verify");
        PrivateKey handle = KmsProvider.privateKey(kms, key);
        PublicKey publicKey = KmsProvider.publicKey(kms, key);
        assertThat(publicKey).isInstanceOf(ECPublicKey.class);

        // nimbus asks the provider for DER SHA256withECDSA and transcodes to JOSE's r‖s itself
        ECDSASigner signer = new ECDSASigner(handle, Curve.P_256);
        signer.getJCAContext().setProvider(PROVIDER);
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(key).build(),
                new JWTClaimsSet.Builder().subject("alice").build());
        jwt.sign(signer);
        SignedJWT parsed = SignedJWT.parse(jwt.serialize());
        assertThat(parsed.getSignature().decode()).hasSize(64);
        Signature jdkRaw = Signature.getInstance("SHA256withECDSAinP1363Format");
        jdkRaw.initVerify(publicKey);
        jdkRaw.update(parsed.getSigningInput());
        assertThat(jdkRaw.verify(parsed.getSignature().decode())).isTrue();
        assertThat(parsed.verify(new ECDSAVerifier((ECPublicKey) publicKey))).isTrue();

        for (String algorithm : new String[] {"SHA256withECDSA", "SHA256withECDSAinP1363Format", "ES256"}) {
            Signature s = Signature.getInstance(algorithm, PROVIDER);
            s.initSign(handle);
            s.update(DATA);
            byte[] signature = s.sign();
            Signature jdk = Signature.getInstance(algorithm.equals("ES256") ? "SHA256withECDSAinP1363Format" : algorithm);
            jdk.initVerify(publicKey);
            jdk.update(DATA);
            assertThat(jdk.verify(signature)).as(algorithm + " verified by the JDK").isTrue();
            // and at the service, through a KmsPublicKey, in the same form
            Signature remote = Signature.getInstance(algorithm, PROVIDER);
            remote.initVerify(new KmsPublicKey(kms, key, "EC", null));
            remote.update(DATA);
            assertThat(remote.verify(signature)).as(algorithm + " verified by the service").isTrue();
            remote.update("tampered".getBytes(StandardCharsets.UTF_8));
            assertThat(remote.verify(signature)).isFalse();
        }
        Signature remoteDer = Signature.getInstance("SHA256withECDSA", PROVIDER);
        remoteDer.initVerify(new KmsPublicKey(kms, key, "EC", null));
        remoteDer.update(DATA);
        assertThat(remoteDer.verify(new byte[] {0x30, 0x06, 0x02, 0x01, 0x01, 0x02, 0x01})).as("malformed DER").isFalse();
        assertThatThrownBy(() -> Signature.getInstance("SHA256withRSA", PROVIDER).initSign(handle))
                .isInstanceOf(InvalidKeyException.class);
    }

    @Test
    void aKeyOfAnotherFamilyOrAJdkKeyIsRefusedForSigning() throws Exception {
        String ed = newKey("Ed25519", "sign", "verify");
        Signature rsa = Signature.getInstance("SHA256withRSA", PROVIDER);
        assertThatThrownBy(() -> rsa.initSign(KmsProvider.privateKey(kms, ed))).isInstanceOf(InvalidKeyException.class)
                .hasMessageContaining("needs a RSA key");
        PrivateKey jdkKey = java.security.KeyPairGenerator.getInstance("Ed25519").generateKeyPair().getPrivate();
        assertThatThrownBy(() -> Signature.getInstance("Ed25519", PROVIDER).initSign(jdkKey)).isInstanceOf(InvalidKeyException.class);
    }

    @Test
    void installedProviderIsChosenOnlyForKmsKeys() throws Exception {
        String key = newKey("Ed25519", "sign", "verify");
        Security.addProvider(PROVIDER);
        try {
            Signature s = Signature.getInstance("Ed25519");
            s.initSign(KmsProvider.privateKey(kms, key));
            assertThat(s.getProvider().getName()).isEqualTo(KmsProvider.NAME);
            s.update(DATA);
            byte[] sig = s.sign();

            Signature v = Signature.getInstance("Ed25519");
            v.initVerify(KmsProvider.publicKey(kms, key));
            assertThat(v.getProvider().getName()).isNotEqualTo(KmsProvider.NAME);
            v.update(DATA);
            assertThat(v.verify(sig)).isTrue();
        } finally {
            Security.removeProvider(KmsProvider.NAME);
        }
    }

    @Test
    void hmacThroughTheProviderVerifiesAtTheService() throws Exception {
        String key = newKey("HMAC-SHA256", "mac", "mac_verify");
        javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256", PROVIDER);
        mac.init(KmsProvider.secretKey(kms, key));
        mac.update(DATA);
        byte[] tag = mac.doFinal();
        assertThat(tag).hasSize(32);
        assertThat(kms.crypto().macVerify(key, DATA, tag).valid()).isTrue();
        assertThat(kms.crypto().macVerify(key, "other".getBytes(StandardCharsets.UTF_8), tag).valid()).isFalse();
    }

    @Test
    void mlDsa65SignaturesVerifyWithBouncyCastleAndAtTheService() throws Exception {
        String key = newKey("ML-DSA-65", "sign", "verify");
        Signature signer = Signature.getInstance("ML-DSA-65", PROVIDER);
        signer.initSign(KmsProvider.privateKey(kms, key));
        signer.update(DATA);
        byte[] signature = signer.sign();
        assertThat(signature).hasSize(3309);

        PublicKey pub = KmsProvider.publicKey(kms, key); // Java 17 cannot parse it: a handle the service verifies with
        Signature remote = Signature.getInstance("ML-DSA-65", PROVIDER);
        remote.initVerify(pub);
        remote.update(DATA);
        assertThat(remote.verify(signature)).isTrue();

        // independently, with Bouncy Castle and the SPKI the service published
        Provider bc = new org.bouncycastle.jce.provider.BouncyCastleProvider();
        PublicKey bcKey = java.security.KeyFactory.getInstance("ML-DSA", bc)
                .generatePublic(new java.security.spec.X509EncodedKeySpec(pub.getEncoded()));
        Signature independent = Signature.getInstance("ML-DSA", bc);
        independent.initVerify(bcKey);
        independent.update(DATA);
        assertThat(independent.verify(signature)).isTrue();
    }

    @Test
    void aesGcmCipherRoundTripWithTheServiceChosenIv() throws Exception {
        String key = newKey("AES-256", "encrypt", "decrypt");
        SecretKey handle = KmsProvider.secretKey(kms, key);
        byte[] aad = "header".getBytes(StandardCharsets.UTF_8);

        Cipher enc = Cipher.getInstance("AES/GCM/NoPadding", PROVIDER);
        enc.init(Cipher.ENCRYPT_MODE, handle);
        enc.updateAAD(aad);
        byte[] part = enc.update(DATA, 0, 5);
        byte[] ciphertext = enc.doFinal(DATA, 5, DATA.length - 5);
        assertThat(part).isEmpty();
        assertThat(ciphertext).hasSize(DATA.length + 16);
        byte[] iv = enc.getIV();
        assertThat(iv).hasSize(12);

        Cipher dec = Cipher.getInstance("AES/GCM/NoPadding", PROVIDER);
        dec.init(Cipher.DECRYPT_MODE, handle, new GCMParameterSpec(128, iv));
        dec.updateAAD(aad);
        assertThat(dec.doFinal(ciphertext)).isEqualTo(DATA);

        dec.init(Cipher.DECRYPT_MODE, handle, new GCMParameterSpec(128, iv));
        dec.updateAAD("other".getBytes(StandardCharsets.UTF_8));
        assertThatThrownBy(() -> dec.doFinal(ciphertext)).isInstanceOf(AEADBadTagException.class);

        // the service picks every nonce: a caller's IV for encryption is refused, not ignored
        assertThatThrownBy(() -> enc.init(Cipher.ENCRYPT_MODE, handle, new GCMParameterSpec(128, new byte[12])))
                .isInstanceOf(java.security.InvalidAlgorithmParameterException.class);
    }
}
