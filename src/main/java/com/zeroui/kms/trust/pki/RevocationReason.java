package com.zeroui.kms.trust.pki;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.bouncycastle.asn1.x509.CRLReason;

/** RFC 5280 §5.3.1 CRLReason, by the names the RFC's ASN.1 module gives them. */
public enum RevocationReason {
    UNSPECIFIED("unspecified", CRLReason.unspecified),
    KEY_COMPROMISE("keyCompromise", CRLReason.keyCompromise),
    CA_COMPROMISE("cACompromise", CRLReason.cACompromise),
    AFFILIATION_CHANGED("affiliationChanged", CRLReason.affiliationChanged),
    SUPERSEDED("superseded", CRLReason.superseded),
    CESSATION_OF_OPERATION("cessationOfOperation", CRLReason.cessationOfOperation),
    CERTIFICATE_HOLD("certificateHold", CRLReason.certificateHold),
    REMOVE_FROM_CRL("removeFromCRL", CRLReason.removeFromCRL),
    PRIVILEGE_WITHDRAWN("privilegeWithdrawn", CRLReason.privilegeWithdrawn),
    AA_COMPROMISE("aACompromise", CRLReason.aACompromise);

    /** What a module may give when it revokes its own certificate. */
    public static final List<RevocationReason> SELF_SERVICE = List.of(KEY_COMPROMISE, SUPERSEDED, CESSATION_OF_OPERATION);
    public static final List<String> NAMES = Arrays.stream(values()).map(RevocationReason::apiName).toList();

    private final String apiName;
    private final int code;

    RevocationReason(String apiName, int code) {
        this.apiName = apiName;
        this.code = code;
    }

    public String apiName() {
        return apiName;
    }

    /** The CRLReason enumerated value. */
    public int code() {
        return code;
    }

    public static Optional<RevocationReason> fromApiName(String name) {
        return Arrays.stream(values()).filter(r -> r.apiName.equals(name)).findFirst();
    }
}
