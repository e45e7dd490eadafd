package com.zeroui.kms.crypto;

import java.security.PrivateKey;

/**
 * How ML-DSA private keys are stored: as the 32-byte seed alone (the PKCS#8 "seed" choice of
 * draft-ietf-lamps-dilithium-certificates). Bouncy Castle encodes seed and expanded key together by
 * default, which ACCP (AWS-LC) cannot read; the seed form is read by both, so a node can change
 * provider without losing its keys. Kept apart from {@link KeyType} so the bcprov interface it
 * names is loaded only when an ML-DSA key is made (the FIPS class path has no bcprov).
 */
final class MlDsaKeys {
    private MlDsaKeys() {
    }

    // reached by name: bc-fips (the FIPS class path) has no MLDSAPrivateKey, and FipsLinkageTest
    // compiles the main sources against it
    private static final String BC_MLDSA_PRIVATE_KEY = "org.bouncycastle.jcajce.interfaces.MLDSAPrivateKey";

    static byte[] seedOnlyPkcs8(PrivateKey key) {
        try {
            Class<?> bcType = Class.forName(BC_MLDSA_PRIVATE_KEY, false, key.getClass().getClassLoader());
            if (bcType.isInstance(key)) {
                PrivateKey seedOnly = (PrivateKey) bcType.getMethod("getPrivateKey", boolean.class).invoke(key, true);
                return seedOnly.getEncoded();
            }
        } catch (ClassNotFoundException notBouncyCastle) {
            // ACCP's key: its class loader does not see bcprov
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("ML-DSA private key could not be re-encoded as its seed", e);
        }
        return key.getEncoded(); // ACCP already encodes the seed alone
    }
}
