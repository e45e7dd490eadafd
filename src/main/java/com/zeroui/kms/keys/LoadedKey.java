package com.zeroui.kms.keys;

import java.security.PrivateKey;
import java.security.PublicKey;
import javax.crypto.SecretKey;

/** Usable key objects for one key, held only in the bounded in-memory cache. */
record LoadedKey(PrivateKey privateKey, PublicKey publicKey, SecretKey aesKey, SecretKey chachaKey) {
    @Override
    public String toString() {
        return "LoadedKey[redacted]";
    }
}
