package com.zeroui.kms.app;

import com.zeroui.kms.crypto.CryptoSuite;
import com.zeroui.kms.keys.AeadInvocationBudget;
import com.zeroui.kms.keys.KeyMaterialCache;
import com.zeroui.kms.keys.KeyRecordCache;
import com.zeroui.kms.keys.ServiceKeys;
import com.zeroui.kms.keystore.HsmKeys;
import com.zeroui.kms.keystore.Pkcs11MasterKeyProvider;
import com.zeroui.kms.ops.KmsConfig;
import com.zeroui.kms.store.JdbcKeyRepository;
import java.time.Clock;

/**
 * Keys wiring: the key store behind its record cache, unwrapped key material, the AEAD budget, and
 * the service's own key chains (receipt, approval, trust bundle).
 */
record KeysWiring(JdbcKeyRepository stored, KeyRecordCache keys, KeyMaterialCache material,
                  AeadInvocationBudget budget, ServiceKeyDirectory serviceKeyChains) {

    static KeysWiring start(KmsConfig config, DataDirectory data, CryptoSuite crypto, Clock clock) {
        JdbcKeyRepository storedKeys = new JdbcKeyRepository(data.database());
        // every reader and writer of keys goes through the cache, so this node's writes evict at once
        KeyRecordCache keys = new KeyRecordCache(storedKeys, config.keyCacheSize());
        HsmKeys hsmKeys = data.masterKey() instanceof Pkcs11MasterKeyProvider p11 ? new HsmKeys(p11.token()) : null;
        KeyMaterialCache material = new KeyMaterialCache(data.masterKey(), crypto, config.keyCacheSize(), hsmKeys);
        AeadInvocationBudget budget = new AeadInvocationBudget(keys, config.aeadInvocationLimit());
        ServiceKeys serviceKeys = new ServiceKeys(keys, material, crypto, clock, data.masterKey().keyId());
        // receipt, approval and trust-bundle keys: one chain each, rotated on one schedule with one overlap
        ServiceKeyDirectory serviceKeyChains = new ServiceKeyDirectory(serviceKeys,
                config.lifecycle().serviceKeyRotation(), config.lifecycle().serviceKeyOverlap());
        return new KeysWiring(storedKeys, keys, material, budget, serviceKeyChains);
    }
}
