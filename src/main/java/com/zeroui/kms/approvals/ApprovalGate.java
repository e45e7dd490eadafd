package com.zeroui.kms.approvals;

import com.zeroui.kms.auth.CallerIdentity;
import com.zeroui.kms.auth.Role;
import com.zeroui.kms.auth.SpiffeId;
import com.zeroui.kms.error.ErrorCode;
import com.zeroui.kms.error.KmsException;
import com.zeroui.kms.keys.DualAuthorization;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The two-person rule at the point of use. A gated operation hands over its requester, operation,
 * key, parameters and the {@code approval_token} it received; the gate verifies the token (issuer,
 * signature, expiry), that it approves exactly this operation on this key with these parameters for
 * this requester, by someone else holding the approver role, and then spends it — once, across
 * nodes: our tokens by a conditional update of the approval's row, external ones by recording
 * (issuer, jti). Every refusal is 403 POLICY_VIOLATION with {@code details.reason}.
 */
public final class ApprovalGate implements DualAuthorization {
    private final ApprovalRules rules;
    private final ApprovalTokens tokens;
    private final ApprovalRepository repository;
    private final Clock clock;

    public ApprovalGate(ApprovalRules rules, ApprovalTokens tokens, ApprovalRepository repository, Clock clock) {
        this.rules = rules;
        this.tokens = tokens;
        this.repository = repository;
        this.clock = clock;
    }

    public ApprovalTokens tokens() {
        return tokens;
    }

    public ApprovalRules rules() {
        return rules;
    }

    @Override
    public boolean requiresApproval(String operation, String tenantId, boolean keyRequiresApproval) {
        return rules.requiresApproval(operation, tenantId, keyRequiresApproval);
    }

    @Override
    public void require(CallerIdentity requester, String operation, String keyId, Map<String, Object> parameters,
                        String approvalToken) {
        Map<String, Object> context = new LinkedHashMap<>();
        context.put("operation", operation);
        if (keyId != null) {
            context.put("key_id", keyId);
        }
        if (approvalToken == null || approvalToken.isBlank()) {
            throw refuse("missing_token", operation + (keyId == null ? "" : " on key " + keyId)
                    + " requires dual authorization: send approval_token from an approved request"
                    + " (POST /kms/v1/approvals, then an approver's POST /kms/v1/approvals/{id}/approve)", context);
        }
        Instant now = clock.instant();
        ApprovalToken token;
        try {
            token = tokens.verify(approvalToken, now);
        } catch (ApprovalTokens.Invalid e) {
            throw refuse(e.reason, e.getMessage(), context);
        }
        context.put("approval_id", token.approvalId());
        context.put("issuer", token.issuer());
        if (!operation.equals(token.operation())) {
            context.put("approved_operation", token.operation());
            throw refuse("wrong_operation", "the approval token approves " + token.operation() + ", not " + operation,
                    context);
        }
        if (keyId == null ? token.keyId() != null : !keyId.equals(token.keyId())) {
            context.put("approved_key_id", token.keyId());
            throw refuse("wrong_key", "the approval token approves " + operation + " on key " + token.keyId()
                    + ", not on key " + keyId, context);
        }
        String digest = ApprovalDigest.of("parameters", parameters);
        if (!digest.equals(token.parametersDigest())) {
            context.put("parameters_digest", digest);
            context.put("approved_parameters_digest", token.parametersDigest());
            throw refuse("wrong_parameters", "the approval token approves other parameters for " + operation
                    + " (digest of the canonical parameters differs)", context);
        }
        if (!SpiffeId.same(requester.spiffeId(), token.requestedBy())) {
            context.put("requested_by", token.requestedBy());
            throw refuse("requester_mismatch", "the approval token was requested by " + token.requestedBy()
                    + ", not by " + requester.spiffeId() + "; only the requester may use it", context);
        }
        if (token.approvedBy().equals(token.requestedBy()) || SpiffeId.same(token.approvedBy(), token.requestedBy())) {
            throw refuse("self_approved", "the approval token was approved by its own requester "
                    + token.requestedBy() + "; a second person must approve", context);
        }
        if (!token.approverRoles().contains(Role.APPROVER.apiName())) {
            throw refuse("approver_lacks_role", "the approval token's approver " + token.approvedBy()
                    + " does not hold the approver role", context);
        }
        spend(token, now, context);
    }

    private void spend(ApprovalToken token, Instant now, Map<String, Object> context) {
        if (token.internal()) {
            if (repository.consume(token.approvalId(), now)) {
                return;
            }
            Approval approval = repository.find(token.approvalId()).orElse(null);
            if (approval == null) {
                throw refuse("unknown_approval", "approval " + token.approvalId() + " is not known to this service",
                        context);
            }
            ApprovalStatus status = approval.statusAt(now);
            if (status == ApprovalStatus.EXPIRED) {
                repository.markExpired(token.approvalId(), now);
                throw refuse("expired", "approval " + token.approvalId() + " expired", context);
            }
            throw refuse("replayed", "approval token " + token.approvalId() + " was already used"
                    + (approval.consumedAt() == null ? "" : " at " + approval.consumedAt()) + "; tokens are single-use",
                    context);
        }
        if (!repository.recordExternalUse(token.issuer(), token.approvalId(), token.operation(), token.keyId(), now,
                token.expiresAt())) {
            throw refuse("replayed", "approval token " + token.approvalId() + " of issuer " + token.issuer()
                    + " was already used; tokens are single-use", context);
        }
    }

    static KmsException refuse(String reason, String message, Map<String, Object> context) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("reason", reason);
        details.putAll(context);
        return new KmsException(ErrorCode.POLICY_VIOLATION, "dual authorization refused: " + message, details);
    }
}
