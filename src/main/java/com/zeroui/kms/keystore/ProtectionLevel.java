package com.zeroui.kms.keystore;

import com.zeroui.kms.crypto.AeadAlgorithm;
import com.zeroui.kms.crypto.KeyType;
import com.zeroui.kms.crypto.SignatureAlgorithm;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;

/**
 * Where a key's material lives and its operations run, per key (as in AWS KMS and Cloud KMS):
 * {@code software} keys are wrapped by the master key and used in this process; {@code hsm} keys are
 * generated inside the PKCS#11 token, never leave it, and every operation on them runs there.
 *
 * <p>The one place that says what each level supports. Ed25519 is software-only: the JDK 17
 * SunPKCS11 provider offers no EdDSA mechanism, so the token cannot be asked for it through it.
 */
public enum ProtectionLevel {
    SOFTWARE("software", EnumSet.allOf(KeyType.class), EnumSet.allOf(SignatureAlgorithm.class),
            EnumSet.allOf(AeadAlgorithm.class)),
    HSM("hsm", EnumSet.of(KeyType.RSA_2048, KeyType.AES_256), EnumSet.of(SignatureAlgorithm.RS256, SignatureAlgorithm.PS256),
            EnumSet.of(AeadAlgorithm.AES_256_GCM));

    /** What an hsm key's record names in place of a wrapping master-key version: nothing wraps it. */
    public static final String HSM_RESIDENT = "hsm-resident";

    private final String apiName;
    private final Set<KeyType> keyTypes;
    private final Set<SignatureAlgorithm> signatures;
    private final Set<AeadAlgorithm> aeads;

    ProtectionLevel(String apiName, Set<KeyType> keyTypes, Set<SignatureAlgorithm> signatures, Set<AeadAlgorithm> aeads) {
        this.apiName = apiName;
        this.keyTypes = keyTypes;
        this.signatures = signatures;
        this.aeads = aeads;
    }

    public String apiName() {
        return apiName;
    }

    public Set<KeyType> keyTypes() {
        return keyTypes;
    }

    public boolean supports(KeyType type) {
        return keyTypes.contains(type);
    }

    public boolean supports(SignatureAlgorithm algorithm) {
        return signatures.contains(algorithm);
    }

    public boolean supports(AeadAlgorithm algorithm) {
        return aeads.contains(algorithm);
    }

    /** Why {@code type} is refused at this level, for the 400 answer. */
    public String refusal(KeyType type) {
        String why = type == KeyType.ED25519 ? " (the JDK's PKCS#11 provider has no EdDSA mechanism)" : "";
        return "key_type " + type.apiName() + " is not available at protection_level " + apiName + why + "; supported: "
                + keyTypes.stream().map(KeyType::apiName).toList();
    }

    public static Optional<ProtectionLevel> fromApiName(String name) {
        return Arrays.stream(values()).filter(l -> l.apiName.equals(name)).findFirst();
    }

    @Override
    public String toString() {
        return apiName;
    }
}
