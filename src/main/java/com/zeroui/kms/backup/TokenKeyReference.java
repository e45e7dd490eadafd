package com.zeroui.kms.backup;

/** A key whose material never leaves the HSM: the backup names it (key id and the token's label for it) instead of holding it. */
public record TokenKeyReference(String keyId, String tokenLabel) {
}
