package com.zeroui.kms.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zeroui.kms.error.ErrorCode;
import com.zeroui.kms.error.KmsException;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The environment binding rules a bearer token adds, as {@link Tenancy} decides them. */
class TenancyTest {
    static final CallerIdentity UNBOUND = new CallerIdentity("M40", "acme", Set.of(Role.AUDITOR),
            "spiffe://zeroui.local/tenant/acme/module/M40");
    static final CallerIdentity DEV = UNBOUND.boundTo("acme", new TokenBinding("https://iam", "user@acme", "dev"));

    @Test
    void aTokenBoundCallerSeesRecordsOfItsEnvironmentAndTenantWideOnesOnly() {
        assertThat(Tenancy.maySeeFiledIn(DEV, "dev", false)).isTrue();
        assertThat(Tenancy.maySeeFiledIn(DEV, "prod", false)).isFalse();
        assertThat(Tenancy.maySeeFiledIn(DEV, "prod", true)).as("an environment named wins over tenant-wide").isFalse();
        assertThat(Tenancy.maySeeFiledIn(DEV, null, true)).as("applies in every environment").isTrue();
        assertThat(Tenancy.maySeeFiledIn(DEV, null, false)).as("environment unknown: not shown").isFalse();
    }

    @Test
    void anUnboundCallerSeesEveryEnvironment() {
        assertThat(Tenancy.maySeeFiledIn(UNBOUND, "prod", false)).isTrue();
        assertThat(Tenancy.maySeeFiledIn(UNBOUND, null, false)).isTrue();
    }

    @Test
    void whatReachesBeyondTheTokensEnvironmentIsRefusedToATokenBoundCallerOnly() {
        Tenancy.requireUnbound(UNBOUND, "changing acme's trust anchors");
        assertThatThrownBy(() -> Tenancy.requireUnbound(DEV, "changing acme's trust anchors"))
                .isInstanceOfSatisfying(KmsException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.UNAUTHORIZED);
                    assertThat(e.getMessage()).contains("environment dev").contains("changing acme's trust anchors");
                    assertThat(e.details()).containsEntry("token_environment", "dev")
                            .containsEntry("reason", "beyond_token_environment");
                });
    }

    @Test
    void theTokenKeepsTheOtherRolesButNeverAdmin() {
        CallerIdentity admin = new CallerIdentity("kms-admin", "GLOBAL", Set.of(Role.ADMIN), "spiffe://zeroui.local/module/kms-admin")
                .boundTo("acme", new TokenBinding("https://iam", "ops@acme", "dev"));
        assertThat(admin.isAdmin()).isFalse();
        assertThat(DEV.roles()).containsExactly(Role.AUDITOR);
        assertThatThrownBy(() -> Tenancy.requireUnbound(admin, "reading the compliance report"))
                .isInstanceOf(KmsException.class);
    }
}
