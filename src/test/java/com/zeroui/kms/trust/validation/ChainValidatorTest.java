package com.zeroui.kms.trust.validation;

import static com.zeroui.kms.trust.validation.Chains.assertFails;
import static com.zeroui.kms.trust.validation.Chains.assertOk;
import static com.zeroui.kms.trust.validation.Chains.validate;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zeroui.kms.trust.validation.Chains.Standard;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The request/result contract: inputs in every form, the path, defaults. */
class ChainValidatorTest {

    @Test
    void validChainReportsThePathFromLeafToAnchor() {
        Standard pki = Standard.create();
        ValidationResult result = Chains.VALIDATOR.validate(Chains.request(pki.leaf(), List.of(pki.intermediate()), pki.root())
                .purpose(Purpose.SERVER_AUTH).hostname("www.example.com").build());
        assertOk(result);
        assertThat(result.pathSubjects()).containsExactly("CN=www.example.com", "O=Test,CN=Intermediate", "O=Test,CN=Root");
        assertThat(result.failedIndex()).isEqualTo(-1);
        assertThat(result.revocation()).isEqualTo(RevocationStatus.NOT_CHECKED);
    }

    @Test
    void acceptsX509CertificatesPemAndDerAlike() {
        Standard pki = Standard.create();
        ValidationResult fromObjects = Chains.VALIDATOR.validate(ValidationRequest.builder()
                .chain(pki.leaf().cert(), pki.intermediate().cert()).trustAnchors(pki.root().cert())
                .time(TestPki.NOW).build());
        assertOk(fromObjects);
        assertThat(fromObjects.path().get(0)).isEqualTo(pki.leaf().cert());

        ValidationResult fromPem = Chains.VALIDATOR.validate(ValidationRequest.builder()
                .chainPem(pki.leaf().pem() + pki.intermediate().pem()).trustAnchorsPem(pki.root().pem())
                .time(TestPki.NOW).build());
        assertOk(fromPem);
        assertThat(fromPem.path()).hasSize(3);
    }

    @Test
    void validationTimeDefaultsToTheValidatorsClock() {
        Standard pki = Standard.create();
        ValidationRequest request = ValidationRequest.builder().chain(pki.leaf().cert(), pki.intermediate().cert())
                .trustAnchors(pki.root().cert()).build();
        ChainValidator atNow = new ChainValidator(Clock.fixed(TestPki.NOW, ZoneOffset.UTC), PathBuildingLimits.DEFAULT,
                new CrlCache());
        assertOk(atNow.validate(request));
        ChainValidator inTenYears = new ChainValidator(Clock.fixed(TestPki.NOW.plusSeconds(86400L * 3650), ZoneOffset.UTC),
                PathBuildingLimits.DEFAULT, new CrlCache());
        assertFails(inTenYears.validate(request), ReasonCode.EXPIRED);
    }

    @Test
    void garbageBytesAreMalformedNotAnException() {
        Standard pki = Standard.create();
        ValidationResult result = Chains.VALIDATOR.validate(ValidationRequest.builder()
                .chainDer(List.of(new byte[] {0x30, 0x03, 0x02, 0x01, 0x01})).trustAnchors(pki.root().cert()).build());
        assertFails(result, ReasonCode.MALFORMED, 0);
        byte[] truncated = java.util.Arrays.copyOf(pki.leaf().der(), pki.leaf().der().length - 3);
        assertFails(Chains.VALIDATOR.validate(ValidationRequest.builder().chainDer(List.of(truncated))
                .trustAnchors(pki.root().cert()).build()), ReasonCode.MALFORMED);
    }

    @Test
    void requestMistakesAreRefusedWhenBuilt() {
        Standard pki = Standard.create();
        assertThatThrownBy(() -> ValidationRequest.builder().trustAnchors(pki.root().cert()).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("leaf");
        assertThatThrownBy(() -> ValidationRequest.builder().chain(pki.leaf().cert()).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("trust anchor");
        assertThatThrownBy(() -> ValidationRequest.builder().chainPem("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("PRIVATE KEY");
        assertThatThrownBy(() -> ValidationRequest.builder().chain(pki.leaf().cert()).trustAnchors(pki.root().cert())
                .hostname("bad host!").build()).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Purpose.fromWireName("code_signing")).isInstanceOf(IllegalArgumentException.class);
        assertThat(Purpose.fromWireName("server_auth")).isEqualTo(Purpose.SERVER_AUTH);
        assertThat(RevocationMode.fromWireName("best_effort")).isEqualTo(RevocationMode.BEST_EFFORT);
    }

    @Test
    void theLeafMayItselfBeATrustAnchor() {
        Standard pki = Standard.create();
        assertOk(validate(pki.root(), List.of(), pki.root()));
    }
}
