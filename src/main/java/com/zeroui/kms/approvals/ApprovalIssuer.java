package com.zeroui.kms.approvals;

import com.zeroui.kms.crypto.CryptoSuite;
import com.zeroui.kms.crypto.KeyType;
import com.zeroui.kms.crypto.Pem;
import com.zeroui.kms.crypto.SignatureAlgorithm;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.security.interfaces.RSAPublicKey;
import java.util.Set;
import org.bouncycastle.asn1.edec.EdECObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;

/**
 * A governance system trusted to mint approval tokens (M32 or another), known by its name — the
 * {@code iss} of its tokens — and one public key: Ed25519 (tokens signed EdDSA) or RSA-2048 (RS256
 * or PS256).
 */
public record ApprovalIssuer(String name, PublicKey key, Set<SignatureAlgorithm> algorithms) {
    public ApprovalIssuer {
        algorithms = Set.copyOf(algorithms);
    }

    /**
     * Reads a PEM {@code PUBLIC KEY} file (SPKI).
     *
     * @throws IllegalArgumentException naming the issuer and file when it is unreadable or not an accepted key
     */
    public static ApprovalIssuer load(String name, Path pemFile, CryptoSuite crypto) {
        String where = "approval issuer " + name + ": " + pemFile;
        byte[] spki;
        try {
            spki = Pem.parsePublicKey(Files.readString(pemFile, StandardCharsets.US_ASCII));
        } catch (IOException e) {
            throw new IllegalArgumentException(where + " cannot be read: " + e.getMessage(), e);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(where + ": " + e.getMessage(), e);
        }
        SubjectPublicKeyInfo info;
        try {
            info = SubjectPublicKeyInfo.getInstance(spki);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(where + " does not hold a SubjectPublicKeyInfo", e);
        }
        var oid = info.getAlgorithm().getAlgorithm();
        try {
            if (EdECObjectIdentifiers.id_Ed25519.equals(oid)) {
                return new ApprovalIssuer(name, crypto.publicKey(KeyType.ED25519, spki), Set.of(SignatureAlgorithm.EDDSA));
            }
            if (PKCSObjectIdentifiers.rsaEncryption.equals(oid)) {
                PublicKey key = crypto.publicKey(KeyType.RSA_2048, spki);
                int bits = ((RSAPublicKey) key).getModulus().bitLength();
                if (bits != 2048) {
                    throw new IllegalArgumentException(where + " is an RSA-" + bits + " key; RSA keys must be 2048 bits");
                }
                return new ApprovalIssuer(name, key, Set.of(SignatureAlgorithm.RS256, SignatureAlgorithm.PS256));
            }
        } catch (IllegalStateException e) {
            throw new IllegalArgumentException(where + " does not decode: " + e.getMessage(), e);
        }
        throw new IllegalArgumentException(where + " has key algorithm " + oid + "; accepted: Ed25519, RSA-2048");
    }
}
