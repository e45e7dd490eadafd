package com.zeroui.kms.auth;

import com.zeroui.kms.crypto.SignatureAlgorithm;
import java.security.PublicKey;

/** A public key trusted to verify bearer tokens: its {@code kid} (null when unnamed) and its one algorithm. */
public record VerificationKey(String kid, SignatureAlgorithm algorithm, PublicKey key) {
}
