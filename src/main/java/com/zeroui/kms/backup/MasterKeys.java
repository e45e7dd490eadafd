package com.zeroui.kms.backup;

import com.zeroui.kms.keystore.MasterKeyException;
import com.zeroui.kms.keystore.MasterKeyProvider;
import com.zeroui.kms.keystore.Pkcs11MasterKeyProvider;

/** What a backup records about the master key: its kind, and whether it holds a version. */
final class MasterKeys {
    private MasterKeys() {
    }

    static String kind(MasterKeyProvider masterKey) {
        return masterKey instanceof Pkcs11MasterKeyProvider ? "pkcs11" : "software";
    }

    static boolean holds(MasterKeyProvider masterKey, String versionId) {
        try {
            return masterKey.keyId().equals(versionId) || masterKey.versionIds().contains(versionId);
        } catch (MasterKeyException e) {
            throw new BackupException(BackupException.Kind.SOURCE, "cannot list the master key's versions: " + e.getMessage(), e);
        }
    }
}
