package com.zeroui.kms.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.zeroui.kms.crypto.CryptoSuite;
import com.zeroui.kms.crypto.KeyType;
import com.zeroui.kms.crypto.SignatureAlgorithm;
import com.zeroui.kms.error.ErrorCode;
import com.zeroui.kms.error.KmsException;
import com.zeroui.kms.support.JwtTokens;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class JwtAuthenticatorTest {
    static final String ISSUER = "https://iam.zeroui.local";
    static final Instant NOW = Instant.parse("2030-01-01T12:00:00Z");
    static final Set<String> ENVIRONMENTS = Set.of("dev", "staging", "prod");
    static final CryptoSuite CRYPTO = CryptoSuite.select(CryptoSuite.Preference.JDK);
    static final CallerIdentity M40 = new CallerIdentity("M40", "acme", Set.of(), "spiffe://zeroui.local/tenant/acme/module/M40");
    static final CallerIdentity ADMIN = new CallerIdentity("kms-admin", CallerIdentity.GLOBAL_TENANT,
            Set.of(Role.ADMIN, Role.APPROVER), "spiffe://zeroui.local/module/kms-admin");

    static RSAKey rsa;
    static OctetKeyPair ed25519;

    @TempDir
    static Path dir;
    static Path jwks;

    @BeforeAll
    static void keys() {
        rsa = JwtTokens.newRsaKey("rsa-1");
        ed25519 = JwtTokens.newEd25519Key("ed-1");
        jwks = JwtTokens.writeJwks(dir.resolve("iam.jwks"), rsa, ed25519);
    }

    static JwtSettings settings(boolean required, Set<String> exempt, String... issuers) {
        return new JwtSettings(required, java.util.Arrays.stream(issuers).map(JwtSettings.TrustedIssuer::parse).toList(),
                exempt, Duration.ofSeconds(60), JwtTokens.AUDIENCE);
    }

    static JwtAuthenticator authenticator(JwtSettings settings, IssuerKeyLookup kmsKeys) {
        return JwtAuthenticator.create(settings, kmsKeys, ENVIRONMENTS, CRYPTO, Clock.fixed(NOW, ZoneOffset.UTC));
    }

    static JwtAuthenticator fromFile() {
        return authenticator(settings(true, Set.of(), ISSUER + "=jwks:" + jwks), keyId -> Optional.empty());
    }

    static JWTClaimsSet.Builder claims() {
        return JwtTokens.claims(ISSUER, "M40", "acme", "dev", NOW);
    }

    static void assertRefused(JwtAuthenticator authenticator, CallerIdentity certificate, String token, String reason,
                              String messagePart) {
        assertThatThrownBy(() -> authenticator.authenticate(certificate, token))
                .isInstanceOfSatisfying(KmsException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.UNAUTHENTICATED);
                    assertThat(e.httpStatus()).isEqualTo(401);
                    assertThat(e.details()).containsEntry("reason", reason);
                    assertThat(e.getMessage()).contains(messagePart);
                });
    }

    // ---- accepted ------------------------------------------------------------------------------------

    @Test
    void aValidRs256TokenBindsTheCallerToItsTenantAndEnvironment() {
        CallerIdentity caller = fromFile().authenticate(M40, JwtTokens.rs256(rsa, claims().build()));
        assertThat(caller.moduleId()).isEqualTo("M40");
        assertThat(caller.tenantId()).isEqualTo("acme");
        assertThat(caller.spiffeId()).isEqualTo(M40.spiffeId());
        assertThat(caller.boundEnvironment()).isEqualTo("dev");
        assertThat(caller.token()).isEqualTo(new TokenBinding(ISSUER, "user-42@acme", "dev"));
    }

    @Test
    void aValidEdDsaTokenIsAccepted() {
        CallerIdentity caller = fromFile().authenticate(M40, JwtTokens.eddsa(ed25519, claims().claim("environment", "prod").build()));
        assertThat(caller.boundEnvironment()).isEqualTo("prod");
    }

    @Test
    void aTokenWithoutKidIsCheckedAgainstTheIssuersKeysOfItsAlgorithm() {
        String token = JwtTokens.sign(JWSAlgorithm.RS256, null, JwtTokens.signer(rsa), claims().build());
        assertThat(fromFile().authenticate(M40, token).token()).isNotNull();
    }

    @Test
    void anAdminCertificateIsNarrowedToTheTokensTenantWithoutTheAdminRole() {
        CallerIdentity caller = fromFile().authenticate(ADMIN, JwtTokens.rs256(rsa,
                JwtTokens.claims(ISSUER, "kms-admin", "acme", "staging", NOW).build()));
        assertThat(caller.tenantId()).isEqualTo("acme");
        assertThat(caller.isAdmin()).isFalse();
        assertThat(caller.roles()).containsExactly(Role.APPROVER);
        assertThat(caller.mayActFor("acme")).isTrue();
        assertThat(caller.mayActFor("globex")).isFalse();
    }

    @Test
    void timeClaimsWithinTheClockSkewAreAccepted() {
        JwtAuthenticator authenticator = fromFile();
        authenticator.authenticate(M40, JwtTokens.rs256(rsa, claims().expirationTime(Date.from(NOW.minusSeconds(59))).build()));
        authenticator.authenticate(M40, JwtTokens.rs256(rsa, claims().notBeforeTime(Date.from(NOW.plusSeconds(59))).build()));
    }

    // ---- presence -------------------------------------------------------------------------------------

    @Test
    void withoutATokenTheCertificateIdentityStandsUnlessOneIsRequired() {
        JwtAuthenticator optional = authenticator(settings(false, Set.of(), ISSUER + "=jwks:" + jwks), id -> Optional.empty());
        assertThat(optional.authenticate(M40, null)).isSameAs(M40);
        assertRefused(fromFile(), M40, null, "missing_token", "requires a bearer token");
    }

    @Test
    void exemptCallersNeedNoTokenButATokenTheySendIsStillVerified() {
        JwtAuthenticator authenticator = authenticator(settings(true, Set.of(M40.spiffeId()), ISSUER + "=jwks:" + jwks),
                id -> Optional.empty());
        assertThat(authenticator.authenticate(M40, null)).isSameAs(M40);
        assertRefused(authenticator, M40, "not.a.token", "malformed_token", "not a signed JWT");
    }

    @Test
    void aTokenSentToAServiceThatTrustsNoIssuerIsRefused() {
        JwtAuthenticator none = authenticator(JwtSettings.disabled(), id -> Optional.empty());
        assertThat(none.authenticate(M40, null)).isSameAs(M40);
        assertRefused(none, M40, JwtTokens.rs256(rsa, claims().build()), "jwt_not_configured", "trusts no token issuer");
    }

    // ---- refused tokens ---------------------------------------------------------------------------------

    @Test
    void unsecuredAndMacTokensAreRefused() {
        assertRefused(fromFile(), M40, JwtTokens.none(claims().build()), "malformed_token", "not a signed JWT");
        // a "none" header glued to a real signature is no better
        String rsaToken = JwtTokens.rs256(rsa, claims().build());
        String noneHeader = Base64URL.encode("{\"alg\":\"none\"}").toString();
        assertRefused(fromFile(), M40, noneHeader + rsaToken.substring(rsaToken.indexOf('.')), "malformed_token", "not a signed JWT");
        // HS256 with the RSA public key's bytes as the secret: the classic algorithm-confusion attack
        byte[] secret = rsa.toPublicJWK().toJSONString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
        assertRefused(fromFile(), M40, JwtTokens.hs256(secret, claims().build()), "unsupported_algorithm", "HS256");
    }

    @Test
    void algorithmsOtherThanRs256AndEdDsaAreRefused() throws Exception {
        ECKey ec = new ECKeyGenerator(Curve.P_256).keyID("ec-1").generate();
        String es256 = JwtTokens.sign(JWSAlgorithm.ES256, "ec-1", new com.nimbusds.jose.crypto.ECDSASigner(ec), claims().build());
        assertRefused(fromFile(), M40, es256, "unsupported_algorithm", "only RS256 and EdDSA");
        String ps256 = JwtTokens.sign(JWSAlgorithm.PS256, "rsa-1", JwtTokens.signer(rsa), claims().build());
        assertRefused(fromFile(), M40, ps256, "unsupported_algorithm", "PS256");
    }

    @Test
    void aTokenSignedByAnotherKeyIsRefused() {
        RSAKey impostor = JwtTokens.newRsaKey("rsa-1"); // same kid, different key
        assertRefused(fromFile(), M40, JwtTokens.rs256(impostor, claims().build()), "bad_signature", "does not verify");
        OctetKeyPair otherEd = JwtTokens.newEd25519Key("ed-1");
        assertRefused(fromFile(), M40, JwtTokens.eddsa(otherEd, claims().build()), "bad_signature", "does not verify");
    }

    @Test
    void aTamperedPayloadIsRefused() {
        String token = JwtTokens.rs256(rsa, claims().build());
        String[] parts = token.split("\\.");
        String forged = Base64URL.encode(claims().claim("tenant_id", "globex").build().toString()).toString();
        assertRefused(fromFile(), new CallerIdentity("M40", "globex", Set.of(), "spiffe://zeroui.local/tenant/globex/module/M40"),
                parts[0] + "." + forged + "." + parts[2], "bad_signature", "does not verify");
    }

    @Test
    void aKidTheIssuerDoesNotHaveIsRefused() {
        String token = JwtTokens.sign(JWSAlgorithm.RS256, "rsa-9", JwtTokens.signer(rsa), claims().build());
        assertRefused(fromFile(), M40, token, "unknown_key", "kid rsa-9");
    }

    @Test
    void expiredAndNotYetValidTokensAreRefused() {
        assertRefused(fromFile(), M40, JwtTokens.rs256(rsa, claims().expirationTime(Date.from(NOW.minusSeconds(61))).build()),
                "token_expired", "expired at 2030-01-01T11:58:59Z");
        assertRefused(fromFile(), M40, JwtTokens.rs256(rsa, claims().notBeforeTime(Date.from(NOW.plusSeconds(61))).build()),
                "invalid_claims", "before use time");
    }

    @Test
    void aTokenMustNameThisServiceInItsAudience() {
        assertRefused(fromFile(), M40, JwtTokens.rs256(rsa, claims().audience("payments.zeroui.local").build()),
                "wrong_audience", "payments.zeroui.local");
        assertRefused(fromFile(), M40, JwtTokens.rs256(rsa, claims().audience((String) null).build()),
                "wrong_audience", "does not name this service");
        CallerIdentity caller = fromFile().authenticate(M40, JwtTokens.rs256(rsa, claims()
                .audience(List.of("payments.zeroui.local", JwtTokens.AUDIENCE)).build()));
        assertThat(caller.tenantId()).isEqualTo("acme");
    }

    @ParameterizedTest
    @ValueSource(strings = {"sub", "module_id", "tenant_id", "environment", "exp"})
    void eachRequiredClaimMustBePresent(String claim) {
        JWTClaimsSet.Builder builder = claims().claim(claim, null);
        assertRefused(fromFile(), M40, JwtTokens.rs256(rsa, builder.build()), "invalid_claims", claim);
    }

    @Test
    void claimsMustHaveTheRightTypesAndValues() {
        assertRefused(fromFile(), M40, JwtTokens.rs256(rsa, claims().claim("module_id", 40).build()), "invalid_claims",
                "module_id claim must be a string");
        assertRefused(fromFile(), M40, JwtTokens.rs256(rsa, claims().claim("environment", "qa").build()), "invalid_claims",
                "environment must be one of [dev, prod, staging]");
        assertRefused(fromFile(), M40, JwtTokens.rs256(rsa, claims().claim("tenant_id", "acme/../x").build()), "invalid_claims",
                "tenant_id must match");
    }

    @Test
    void aTokenFromAnIssuerThatIsNotTrustedIsRefused() {
        assertRefused(fromFile(), M40, JwtTokens.rs256(rsa, JwtTokens.claims("https://evil.example", "M40", "acme", "dev", NOW)
                .build()), "untrusted_issuer", "'https://evil.example' is not trusted");
        assertRefused(fromFile(), M40, JwtTokens.rs256(rsa, claims().issuer(null).build()), "invalid_claims", "no iss claim");
    }

    @Test
    void criticalHeaderExtensionsAreRefused() {
        JWSHeader header = new JWSHeader.Builder(JWSAlgorithm.RS256).keyID("rsa-1").criticalParams(Set.of("exp-ext"))
                .customParam("exp-ext", 1).build();
        assertRefused(fromFile(), M40, JwtTokens.sign(header, JwtTokens.signer(rsa), claims().build()), "malformed_token",
                "critical header");
    }

    @Test
    void theTokenMustBelongToTheCertificatesModuleAndTenant() {
        assertRefused(fromFile(), M40, JwtTokens.rs256(rsa, claims().claim("module_id", "M41").build()), "module_mismatch",
                "issued to module M41, but the client certificate is module M40");
        assertRefused(fromFile(), M40, JwtTokens.rs256(rsa, claims().claim("tenant_id", "globex").build()), "tenant_mismatch",
                "names tenant globex, but the client certificate is bound to tenant acme");
    }

    // ---- issuer keys held by the KMS ------------------------------------------------------------------

    @Test
    void anIssuerNamedByKmsKeyIdVerifiesWithThatKeyLookedUpOnEachUse() throws Exception {
        String keyId = "0190a0b1-2c3d-7e4f-8a9b-0c1d2e3f4a5b";
        RSAKey kmsKey = JwtTokens.newRsaKey(keyId);
        VerificationKey held = new VerificationKey(keyId, SignatureAlgorithm.RS256,
                CRYPTO.publicKey(KeyType.RSA_2048, kmsKey.toRSAPublicKey().getEncoded()));
        boolean[] active = {true};
        IssuerKeyLookup lookup = id -> id.equals(keyId) && active[0] ? Optional.of(held) : Optional.empty();
        JwtAuthenticator authenticator = authenticator(settings(true, Set.of(), "iam=key:" + keyId), lookup);
        String token = JwtTokens.rs256(kmsKey, JwtTokens.claims("iam", "M40", "acme", "dev", NOW).build());
        assertThat(authenticator.authenticate(M40, token).token().issuer()).isEqualTo("iam");
        active[0] = false; // revoked, destroyed, …: no longer found
        assertRefused(authenticator, M40, token, "unknown_key", "issuer iam has no usable RS256 key");
    }

    // ---- JWKS files ------------------------------------------------------------------------------------

    @Test
    void unusableJwksFilesStopStartUpNamingTheFileAndKey() throws Exception {
        assertThatThrownBy(() -> authenticator(settings(false, Set.of(), ISSUER + "=jwks:" + dir.resolve("missing.json")),
                id -> Optional.empty())).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("missing.json");
        Path privateFile = Files.writeString(dir.resolve("private.jwks"), new JWKSet(rsa).toString(false));
        assertThatThrownBy(() -> authenticator(settings(false, Set.of(), ISSUER + "=jwks:" + privateFile), id -> Optional.empty()))
                .hasMessageContaining("private.jwks").hasMessageContaining("kid=rsa-1").hasMessageContaining("private key material");
        Path big = JwtTokens.writeJwks(dir.resolve("big.jwks"), new RSAKeyGenerator(3072).keyID("rsa-3072").generate());
        assertThatThrownBy(() -> authenticator(settings(false, Set.of(), ISSUER + "=jwks:" + big), id -> Optional.empty()))
                .hasMessageContaining("3072 bits");
        Path ec = JwtTokens.writeJwks(dir.resolve("ec.jwks"), new ECKeyGenerator(Curve.P_256).keyID("ec").generate());
        assertThatThrownBy(() -> authenticator(settings(false, Set.of(), ISSUER + "=jwks:" + ec), id -> Optional.empty()))
                .hasMessageContaining("kty EC");
        Path empty = Files.writeString(dir.resolve("empty.jwks"), "{\"keys\":[]}");
        assertThatThrownBy(() -> authenticator(settings(false, Set.of(), ISSUER + "=jwks:" + empty), id -> Optional.empty()))
                .hasMessageContaining("holds no keys");
        Path garbage = Files.writeString(dir.resolve("garbage.jwks"), "{\"keys\":");
        assertThatThrownBy(() -> authenticator(settings(false, Set.of(), ISSUER + "=jwks:" + garbage), id -> Optional.empty()))
                .hasMessageContaining("cannot be read as a JWK Set");
    }

    @Test
    void severalEntriesForOneIssuerAreAllTrusted() {
        RSAKey next = JwtTokens.newRsaKey("rsa-2");
        Path nextFile = JwtTokens.writeJwks(dir.resolve("next.jwks"), next);
        JwtAuthenticator authenticator = authenticator(settings(true, Set.of(), ISSUER + "=jwks:" + jwks,
                ISSUER + "=jwks:" + nextFile), id -> Optional.empty());
        authenticator.authenticate(M40, JwtTokens.rs256(rsa, claims().build()));
        authenticator.authenticate(M40, JwtTokens.rs256(next, claims().build()));
        assertThat(List.of(authenticator.settings().issuers().size())).containsExactly(2);
    }
}
