package com.zeroui.kms.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Strict SPIFFE ID parsing (SPIFFE-ID.md §2) and comparison by canonical form. */
class SpiffeIdTest {
    @Test
    void parsesBothShapesIntoTheirParts() {
        assertThat(SpiffeId.parse("spiffe://zeroui.local/tenant/tA/module/appr"))
                .isEqualTo(new SpiffeId("zeroui.local", "tA", "appr"));
        SpiffeId platform = SpiffeId.parse("spiffe://zeroui.local/module/M27");
        assertThat(platform.tenantId()).isNull();
        assertThat(platform.boundTenant()).isEqualTo(CallerIdentity.GLOBAL_TENANT);
        assertThat(platform).hasToString("spiffe://zeroui.local/module/M27");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "spiffe://x@zeroui.local/tenant/tA/module/appr | user info",
            "spiffe://@zeroui.local/module/appr | user info",
            "spiffe://zeroui.local:1/tenant/tA/module/appr | port",
            "spiffe://zeroui.local:/module/appr | port",
            "SPIFFE://zeroui.local/module/appr | starts with spiffe://",
            "Spiffe://zeroui.local/module/appr | starts with spiffe://",
            "spiffe:/zeroui.local/module/appr | starts with spiffe://",
            "spiffe://ZeroUI.local/module/appr | lowercase",
            "spiffe:///module/appr | trust domain is empty",
            "spiffe://zeroui.local | no path",
            "spiffe://zeroui.local/ | empty segment",
            "spiffe://zeroui.local/module/appr/ | empty segment",
            "spiffe://zeroui.local//module/appr | empty segment",
            "spiffe://zeroui.local/tenant/./module/appr | dot segment",
            "spiffe://zeroui.local/tenant/../module/appr | dot segment",
            "spiffe://zeroui.local/module/app%72 | percent-encoding",
            "spiffe://zeroui.local/module/appr?x=1 | query",
            "spiffe://zeroui.local/module/appr#f | fragment",
            "spiffe://zeroui.local/module/ap pr | only letters",
            "spiffe://zeroui.local/module/äppr | only letters",
            "spiffe://zeroui.local/tenant/GLOBAL/module/appr | reserved",
            "spiffe://zeroui.local/tenant/tA/module/appr/x | not /[tenant",
            "spiffe://zeroui.local/Module/appr | not /[tenant",
            "spiffe://zeroui.local/module/-appr | module id must match",
            "spiffe://zeroui.local/module/.appr | module id must match",
            "spiffe://zero+ui.local/module/appr | trust domain must be"})
    void refusesWhatTheSpecificationForbids(String value, String why) {
        assertThatThrownBy(() -> SpiffeId.parse(value)).isInstanceOf(SpiffeId.Invalid.class)
                .hasMessageContaining(why.trim());
        assertThat(SpiffeId.tryParse(value)).isEmpty();
    }

    @Test
    void refusesOverlongIds() {
        String id = "spiffe://" + "a".repeat(2040) + "/module/m";
        assertThatThrownBy(() -> SpiffeId.parse(id)).hasMessageContaining("2048");
    }

    @Test
    void errorMessagesDoNotEchoTheInput() {
        assertThatThrownBy(() -> SpiffeId.parse("spiffe://evil@zeroui.local/module/<script>"))
                .message().doesNotContain("evil").doesNotContain("<script>");
    }

    @ParameterizedTest
    @ValueSource(strings = {"spiffe://x@zeroui.local/tenant/tA/module/appr", "spiffe://zeroui.local:1/tenant/tA/module/appr",
            "spiffe://zeroui.local/tenant/tA/module/appr/", "SPIFFE://zeroui.local/tenant/tA/module/appr"})
    void noOtherSpellingIsTheSameIdentity(String other) {
        String canonical = "spiffe://zeroui.local/tenant/tA/module/appr";
        assertThat(SpiffeId.same(canonical, canonical)).isTrue();
        assertThat(SpiffeId.same(other, canonical)).isFalse();
        assertThat(SpiffeId.same(canonical, other)).isFalse();
        assertThat(SpiffeId.same(other, other)).as("an invalid ID names no one, not even itself").isFalse();
    }

    @Test
    void claimsToBeASpiffeIdWhateverTheSpelling() {
        assertThat(SpiffeId.claimsToBe("SPIFFE://x/module/m")).isTrue();
        assertThat(SpiffeId.claimsToBe("spiffe:opaque")).isTrue();
        assertThat(SpiffeId.claimsToBe("urn:zeroui:kms:role:admin")).isFalse();
        assertThat(SpiffeId.claimsToBe("https://zeroui.local/module/m")).isFalse();
    }
}
