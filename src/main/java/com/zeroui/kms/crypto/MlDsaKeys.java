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

    static byte[] seedOnlyPkcs8(PrivateKey key) {
        if (key instanceof org.bouncycastle.jcajce.interfaces.MLDSAPrivateKey bc) {
            return bc.getPrivateKey(true).getEncoded();
        }
        return key.getEncoded(); // ACCP already encodes the seed alone
    }
}
