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
 * <p>What each level supports is derived from the key-type registry ({@link KeyType#notInHsm()},
 * {@link AeadAlgorithm#inHsm()}): software serves every type, hsm what the token can do.
 */
public enum ProtectionLevel {
    SOFTWARE("software"),
    HSM("hsm");

    /** What an hsm key's record names in place of a wrapping master-key version: nothing wraps it. */
    public static final String HSM_RESIDENT = "hsm-resident";

    private final String apiName;

    ProtectionLevel(String apiName) {
        this.apiName = apiName;
    }

    public String apiName() {
        return apiName;
    }

    public Set<KeyType> keyTypes() {
        Set<KeyType> out = EnumSet.noneOf(KeyType.class);
        Arrays.stream(KeyType.values()).filter(this::supports).forEach(out::add);
        return out;
    }

    public boolean supports(KeyType type) {
        return this == SOFTWARE || type.notInHsm().isEmpty();
    }

    public boolean supports(SignatureAlgorithm algorithm) {
        return supports(algorithm.keyType());
    }

    public boolean supports(AeadAlgorithm algorithm) {
        return supports(algorithm.keyType()) && (this == SOFTWARE || algorithm.inHsm());
    }

    /** Why {@code type} is refused at this level, for the 400 answer. */
    public String refusal(KeyType type) {
        String why = this == HSM ? type.notInHsm().map(w -> " (" + w + ")").orElse("") : "";
        return "key_type " + type.apiName() + " is not available at protection_level " + apiName + why + "; supported: "
                + keyTypes().stream().map(KeyType::apiName).toList();
    }

    public static Optional<ProtectionLevel> fromApiName(String name) {
        return Arrays.stream(values()).filter(l -> l.apiName.equals(name)).findFirst();
    }

    @Override
    public String toString() {
        return apiName;
    }
}
