package com.zeroui.kms.trust.validation;

import org.bouncycastle.asn1.x509.KeyPurposeId;

/** What the leaf certificate is about to be used for; selects the extended key usage rule (and, in the webpki profile,
 *  the key usage rule). */
public enum Purpose {
    /** A TLS server: EKU id-kp-serverAuth; webpki: key usage digitalSignature, keyEncipherment or keyAgreement. */
    SERVER_AUTH("server_auth", KeyPurposeId.id_kp_serverAuth),
    /** A TLS client: EKU id-kp-clientAuth; webpki: key usage digitalSignature or keyAgreement. */
    CLIENT_AUTH("client_auth", KeyPurposeId.id_kp_clientAuth),
    /** No purpose-specific checks on the leaf. */
    ANY("any", null);

    private final String wireName;
    private final KeyPurposeId keyPurpose;

    Purpose(String wireName, KeyPurposeId keyPurpose) {
        this.wireName = wireName;
        this.keyPurpose = keyPurpose;
    }

    public String wireName() {
        return wireName;
    }

    /** The EKU this purpose requires, or null for {@link #ANY}. */
    KeyPurposeId keyPurpose() {
        return keyPurpose;
    }

    public static Purpose fromWireName(String name) {
        for (Purpose p : values()) {
            if (p.wireName.equals(name)) {
                return p;
            }
        }
        throw new IllegalArgumentException("purpose must be one of server_auth, client_auth, any: " + name);
    }
}
