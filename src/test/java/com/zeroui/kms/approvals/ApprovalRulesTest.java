package com.zeroui.kms.approvals;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zeroui.kms.keys.DualAuthorization;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ApprovalRulesTest {
    private final ApprovalRules defaults = new ApprovalRules(ApprovalRules.DEFAULT_ALWAYS, true);

    @Test
    void sensitiveOperationsNeedApprovalOnEveryKey() {
        for (String op : Set.of("emergency_rotate", "schedule_destruction", "update_policy")) {
            assertThat(defaults.requiresApproval(op, "acme", false)).as(op).isTrue();
        }
        for (String op : Set.of("rotate", "revoke", "cancel_destruction", "generate")) {
            assertThat(defaults.requiresApproval(op, "acme", false)).as(op).isFalse();
        }
    }

    @Test
    void everyOperationOnGlobalKeysNeedsApprovalUnlessTurnedOff() {
        for (String op : DualAuthorization.OPERATIONS) {
            assertThat(defaults.requiresApproval(op, "GLOBAL", false)).as(op).isTrue();
        }
        ApprovalRules off = new ApprovalRules(Set.of(), false);
        assertThat(off.requiresApproval("generate", "GLOBAL", false)).isFalse();
        assertThat(off.requiresApproval("revoke", "GLOBAL", false)).isFalse();
    }

    @Test
    void keysThatRequireApprovalGateEveryLifecycleOperation() {
        ApprovalRules none = new ApprovalRules(Set.of(), false);
        for (String op : DualAuthorization.LIFECYCLE_OPERATIONS) {
            assertThat(none.requiresApproval(op, "acme", true)).as(op).isTrue();
            assertThat(none.requiresApproval(op, "acme", false)).as(op).isFalse();
        }
    }

    @Test
    void unknownOperationsAreAProgrammingError() {
        assertThatThrownBy(() -> defaults.requiresApproval("sign", "acme", true)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ApprovalRules(Set.of("sign"), true)).isInstanceOf(IllegalArgumentException.class);
    }
}
