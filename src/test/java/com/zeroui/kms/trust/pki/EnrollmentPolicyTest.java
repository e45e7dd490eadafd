package com.zeroui.kms.trust.pki;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zeroui.kms.auth.CallerIdentity;
import com.zeroui.kms.auth.Role;
import com.zeroui.kms.auth.SpiffeIdentities;
import com.zeroui.kms.auth.TokenBinding;
import com.zeroui.kms.error.ErrorCode;
import com.zeroui.kms.error.KmsException;
import com.zeroui.kms.support.Csrs;
import java.util.List;
import java.util.Set;
import org.bouncycastle.asn1.x509.GeneralName;
import org.junit.jupiter.api.Test;

class EnrollmentPolicyTest {
    private static final SpiffeIdentities IDS = new SpiffeIdentities("zeroui.local");
    private static final EnrollmentPolicy POLICY = new EnrollmentPolicy(IDS);
    private static final CallerIdentity ADMIN = new CallerIdentity("kms-admin", CallerIdentity.GLOBAL_TENANT,
            Set.of(Role.ADMIN), IDS.spiffeId(null, "kms-admin"));
    private static final CallerIdentity M21 = new CallerIdentity("M21", "acme", Set.of(Role.APPROVER), IDS.spiffeId("acme", "M21"));

    private static SigningRequest csr(String... uris) {
        return new SigningRequest(Csrs.ec("secp256r1").getPublic(), "EC-P256", List.of(uris), List.of(), List.of());
    }

    private static ErrorCode refusal(CallerIdentity caller, CertificateProfile profile, SigningRequest csr) {
        try {
            POLICY.decide(caller, profile, csr);
        } catch (KmsException e) {
            return e.code();
        }
        throw new AssertionError("allowed");
    }

    @Test
    void anAdminMayEnrollAnyIdentityWithAnyRoles() {
        EnrollmentPolicy.Enrollment e = POLICY.decide(ADMIN, CertificateProfile.CLIENT,
                csr(Role.ADMIN.urn(), IDS.spiffeId("beta", "M40"), Role.APPROVER.urn()));
        assertThat(e.subject()).isEqualTo("spiffe://zeroui.local/tenant/beta/module/M40");
        assertThat(e.roles()).containsExactlyInAnyOrder(Role.ADMIN, Role.APPROVER);
        assertThat(e.sans()).extracting(n -> n.getName().toString()).containsExactly(IDS.spiffeId("beta", "M40"),
                Role.ADMIN.urn(), Role.APPROVER.urn());
        assertThat(e.subjectDn().toString()).isEqualTo("CN=M40,O=ZeroUI");
    }

    @Test
    void aModuleMayRenewItsOwnIdentityWithRolesItHolds() {
        assertThat(POLICY.decide(M21, CertificateProfile.CLIENT, csr(IDS.spiffeId("acme", "M21"), Role.APPROVER.urn()))
                .subject()).isEqualTo(IDS.spiffeId("acme", "M21"));
        assertThat(POLICY.decide(M21, CertificateProfile.CLIENT, csr(IDS.spiffeId("acme", "M21"))).roles()).isEmpty();
        assertThat(refusal(M21, CertificateProfile.CLIENT, csr(IDS.spiffeId("acme", "M22")))).isEqualTo(ErrorCode.UNAUTHORIZED);
        assertThat(refusal(M21, CertificateProfile.CLIENT, csr(IDS.spiffeId("beta", "M21")))).isEqualTo(ErrorCode.UNAUTHORIZED);
        assertThat(refusal(M21, CertificateProfile.CLIENT, csr(IDS.spiffeId(null, "M21")))).isEqualTo(ErrorCode.UNAUTHORIZED);
        assertThat(refusal(M21, CertificateProfile.CLIENT, csr(IDS.spiffeId("acme", "M21"), Role.ADMIN.urn())))
                .isEqualTo(ErrorCode.UNAUTHORIZED);
    }

    @Test
    void anAdminNarrowedByATokenIsAModule() {
        CallerIdentity narrowed = ADMIN.boundTo("acme", new TokenBinding("iam", "sub", "prod"));
        assertThat(refusal(narrowed, CertificateProfile.CLIENT, csr(IDS.spiffeId("acme", "M21")))).isEqualTo(ErrorCode.UNAUTHORIZED);
        assertThat(POLICY.decide(narrowed, CertificateProfile.CLIENT, csr(IDS.spiffeId(null, "kms-admin"))).roles()).isEmpty();
    }

    @Test
    void serverCertificatesAreForAdminsWithHostNames() {
        SigningRequest names = new SigningRequest(Csrs.ec("secp256r1").getPublic(), "EC-P256", List.of(),
                List.of("A.Example", "*.b.example"), List.of("10.0.0.1"));
        EnrollmentPolicy.Enrollment e = POLICY.decide(ADMIN, CertificateProfile.SERVER, names);
        assertThat(e.subject()).isEqualTo("dns:a.example");
        assertThat(e.sans()).extracting(GeneralName::getTagNo).containsExactly(GeneralName.dNSName, GeneralName.dNSName,
                GeneralName.iPAddress);
        SigningRequest ipOnly = new SigningRequest(names.publicKey(), "EC-P256", List.of(), List.of(), List.of("10.0.0.2"));
        assertThat(POLICY.decide(ADMIN, CertificateProfile.SERVER, ipOnly).subject()).isEqualTo("ip:10.0.0.2");
        assertThat(refusal(M21, CertificateProfile.SERVER, names)).isEqualTo(ErrorCode.UNAUTHORIZED);
        for (String bad : List.of("a..example", "-a.example", "a_b.example", "*", "a.*.example", "x".repeat(64) + ".example")) {
            assertThat(refusal(ADMIN, CertificateProfile.SERVER, new SigningRequest(names.publicKey(), "EC-P256", List.of(),
                    List.of(bad), List.of()))).as(bad).isEqualTo(ErrorCode.INVALID_REQUEST);
        }
        assertThat(refusal(ADMIN, CertificateProfile.SERVER, csr())).isEqualTo(ErrorCode.INVALID_REQUEST);
    }

    @Test
    void requestsForWhatTheCaDoesNotCertifyAreInvalid() {
        assertThat(refusal(ADMIN, CertificateProfile.CLIENT, csr())).isEqualTo(ErrorCode.INVALID_REQUEST);
        assertThat(refusal(ADMIN, CertificateProfile.CLIENT, csr("https://zeroui.local/module/M1"))).isEqualTo(ErrorCode.INVALID_REQUEST);
        assertThat(refusal(ADMIN, CertificateProfile.CLIENT, csr("spiffe://zeroui.local/module/a b"))).isEqualTo(ErrorCode.INVALID_REQUEST);
        assertThat(refusal(ADMIN, CertificateProfile.CLIENT, csr(IDS.spiffeId("a", "M1"), "urn:zeroui:kms:role:owner")))
                .isEqualTo(ErrorCode.INVALID_REQUEST);
        assertThat(refusal(ADMIN, CertificateProfile.SERVER, csr(IDS.spiffeId("a", "M1")))).isEqualTo(ErrorCode.INVALID_REQUEST);
        assertThatThrownBy(() -> POLICY.decide(ADMIN, CertificateProfile.OCSP_SIGNING, csr(IDS.spiffeId("a", "M1"))))
                .isInstanceOf(KmsException.class);
    }
}
