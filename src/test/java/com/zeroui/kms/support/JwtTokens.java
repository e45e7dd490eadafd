package com.zeroui.kms.support;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.Ed25519Signer;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.OctetKeyPairGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.Date;

/** Bearer tokens made by nimbus-jose-jwt, independently of the service's own code. */
public final class JwtTokens {
    private JwtTokens() {
    }

    public static RSAKey newRsaKey(String kid) {
        try {
            return new RSAKeyGenerator(2048).keyID(kid).generate();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    public static OctetKeyPair newEd25519Key(String kid) {
        try {
            return new OctetKeyPairGenerator(Curve.Ed25519).keyID(kid).generate();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The audience test services are configured with (--jwt-audience). */
    public static final String AUDIENCE = "kms.zeroui.local";

    /** The claims the service requires, valid for five minutes from {@code now}. */
    public static JWTClaimsSet.Builder claims(String issuer, String moduleId, String tenantId, String environment,
                                              Instant now) {
        return new JWTClaimsSet.Builder().issuer(issuer).audience(AUDIENCE).subject("user-42@" + tenantId)
                .claim("module_id", moduleId).claim("tenant_id", tenantId).claim("environment", environment)
                .issueTime(Date.from(now)).expirationTime(Date.from(now.plusSeconds(300)));
    }

    public static String rs256(RSAKey key, JWTClaimsSet claims) {
        return sign(JWSAlgorithm.RS256, key.getKeyID(), signer(key), claims);
    }

    public static String eddsa(OctetKeyPair key, JWTClaimsSet claims) {
        return sign(JWSAlgorithm.EdDSA, key.getKeyID(), signer(key), claims);
    }

    public static String hs256(byte[] secret, JWTClaimsSet claims) {
        try {
            return sign(JWSAlgorithm.HS256, null, new MACSigner(secret), claims);
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    /** An unsecured JWT: {@code "alg": "none"} and an empty signature. */
    public static String none(JWTClaimsSet claims) {
        return new PlainJWT(claims).serialize();
    }

    public static String sign(JWSAlgorithm algorithm, String kid, JWSSigner signer, JWTClaimsSet claims) {
        return sign(new JWSHeader.Builder(algorithm).keyID(kid).type(JOSEObjectType.JWT).build(), signer, claims);
    }

    public static String sign(JWSHeader header, JWSSigner signer, JWTClaimsSet claims) {
        SignedJWT jwt = new SignedJWT(header, claims);
        try {
            jwt.sign(signer);
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
        return jwt.serialize();
    }

    public static JWSSigner signer(JWK key) {
        try {
            return key instanceof RSAKey rsa ? new RSASSASigner(rsa) : new Ed25519Signer((OctetKeyPair) key);
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Writes the public halves of {@code keys} as a JWK Set file and returns its path. */
    public static Path writeJwks(Path file, JWK... keys) {
        JWKSet set = new JWKSet(Arrays.stream(keys).map(JWK::toPublicJWK).toList());
        try {
            return Files.writeString(file, set.toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
