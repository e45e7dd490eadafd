package com.zeroui.kms.keystore;

import com.zeroui.kms.crypto.AeadAlgorithm;
import com.zeroui.kms.crypto.KeyType;
import com.zeroui.kms.crypto.SignatureAlgorithm;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.SignatureException;
import java.security.cert.Certificate;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.KeyGenerator;
import javax.crypto.SecretKey;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Keys at protection level {@code hsm}: generated inside the token as sensitive, never-extractable
 * objects labelled {@code kms-key:<key id>}, and every operation on them (sign, verify, AES-GCM) runs
 * in the token. The service keeps only the label and, for key pairs, the public key.
 *
 * <p>The JDK's PKCS#11 key store keeps a private key only beside a certificate, so a key pair (RSA,
 * EC) is stored with a self-signed placeholder certificate (signed by the key itself with its type's
 * default algorithm, inside the token); it is not used for anything else.
 */
public final class HsmKeys {
    public static final String LABEL_PREFIX = "kms-key:";
    private static final Date PLACEHOLDER_NOT_AFTER = new Date(253402300799000L); // 9999-12-31

    private final Pkcs11Token token;
    private final Map<String, Key> handles = new ConcurrentHashMap<>();
    private volatile Pkcs11Token.Session handlesSession;

    public HsmKeys(Pkcs11Token token) {
        this.token = token;
    }

    public static String labelOf(String keyId) {
        return LABEL_PREFIX + keyId;
    }

    /** Generates {@code type} in the token under the key's label; returns the SPKI public key (null for AES). */
    public byte[] generate(KeyType type, String keyId) throws MasterKeyException {
        if (!ProtectionLevel.HSM.supports(type)) {
            throw new IllegalArgumentException(ProtectionLevel.HSM.refusal(type));
        }
        String label = labelOf(keyId);
        return call("generate " + type + " key " + keyId, s -> {
            if (type == KeyType.AES_256) {
                KeyGenerator generator = KeyGenerator.getInstance("AES", s.provider());
                generator.init(256);
                s.keyStore().setEntry(label, new java.security.KeyStore.SecretKeyEntry(generator.generateKey()), null);
                return null;
            }
            KeyPairGenerator generator = KeyPairGenerator.getInstance(type.jcaAlgorithm(), s.provider());
            if (type.generationParameters() != null) {
                generator.initialize(type.generationParameters());
            }
            KeyPair pair = generator.generateKeyPair();
            s.keyStore().setKeyEntry(label, pair.getPrivate(), null,
                    new Certificate[] {placeholder(label, pair, SignatureAlgorithm.defaultFor(type), s)});
            return pair.getPublic().getEncoded();
        });
    }

    private static Certificate placeholder(String label, KeyPair pair, SignatureAlgorithm algorithm, Pkcs11Token.Session s)
            throws GeneralSecurityException {
        X500Name name = new X500Name("CN=" + label.replace(',', '_'));
        try {
            return new JcaX509CertificateConverter().getCertificate(new JcaX509v3CertificateBuilder(name, BigInteger.ONE,
                    new Date(0), PLACEHOLDER_NOT_AFTER, name, pair.getPublic())
                    .build(new JcaContentSignerBuilder(algorithm.jcaName()).setProvider(s.provider()).build(pair.getPrivate())));
        } catch (OperatorCreationException e) {
            throw new GeneralSecurityException("cannot sign the placeholder certificate in the token", e);
        }
    }

    public byte[] sign(String keyId, SignatureAlgorithm algorithm, byte[] data) throws MasterKeyException {
        return call("sign with key " + keyId, s -> {
            Signature signature = signature(algorithm, s);
            signature.initSign((PrivateKey) require(s, keyId));
            signature.update(data);
            return algorithm.encoding().toWire(signature.sign());
        });
    }

    /** True only for a signature of the algorithm's length that verifies (checked by the token). */
    public boolean verify(PublicKey publicKey, SignatureAlgorithm algorithm, byte[] data, byte[] signature)
            throws MasterKeyException {
        if (signature.length != algorithm.signatureLength()) {
            return false;
        }
        return call("verify", s -> {
            Signature verifier = signature(algorithm, s);
            verifier.initVerify(publicKey);
            verifier.update(data);
            try {
                return verifier.verify(algorithm.encoding().toProvider(signature));
            } catch (SignatureException e) {
                return false;
            }
        });
    }

    private static Signature signature(SignatureAlgorithm algorithm, Pkcs11Token.Session s) throws GeneralSecurityException {
        Signature signature = Signature.getInstance(algorithm.jcaName(), s.provider());
        if (algorithm.parameters() != null) {
            signature.setParameter(algorithm.parameters());
        }
        return signature;
    }

    public byte[] seal(String keyId, byte[] nonce, byte[] plaintext, byte[] aad) throws MasterKeyException {
        return call("encrypt with key " + keyId, s -> {
            Cipher cipher = Cipher.getInstance(AeadAlgorithm.AES_256_GCM.transformation(), s.provider());
            cipher.init(Cipher.ENCRYPT_MODE, require(s, keyId), AeadAlgorithm.AES_256_GCM.parameters(nonce));
            if (aad.length > 0) {
                cipher.updateAAD(aad);
            }
            return cipher.doFinal(plaintext);
        });
    }

    /** Decrypts in the token; null when the ciphertext, nonce, aad or key do not match. */
    public byte[] open(String keyId, byte[] nonce, byte[] sealed, byte[] aad) throws MasterKeyException {
        if (nonce.length != AeadAlgorithm.NONCE_BYTES || sealed.length < AeadAlgorithm.TAG_BYTES) {
            return null;
        }
        try {
            return token.call(s -> {
                Cipher cipher = Cipher.getInstance(AeadAlgorithm.AES_256_GCM.transformation(), s.provider());
                cipher.init(Cipher.DECRYPT_MODE, require(s, keyId), AeadAlgorithm.AES_256_GCM.parameters(nonce));
                if (aad.length > 0) {
                    cipher.updateAAD(aad);
                }
                return cipher.doFinal(sealed);
            });
        } catch (javax.crypto.BadPaddingException e) {
            return null; // AEADBadTagException, or the token's "encrypted data invalid": the same answer
        } catch (MasterKeyException e) {
            throw e;
        } catch (MissingKey e) {
            throw new MasterKeyUnavailableException(e.getMessage(), null);
        } catch (GeneralSecurityException e) {
            throw new MasterKeyException("decrypt with key " + keyId + " in the token failed: " + Pkcs11Token.reason(e), e);
        }
    }

    /** Destroys the key's token objects; false when the token no longer held them. */
    public boolean destroy(String keyId) throws MasterKeyException {
        handles.remove(keyId);
        return call("destroy key " + keyId, s -> {
            String label = labelOf(keyId);
            if (token.find(s, label) == null) {
                return false;
            }
            s.keyStore().deleteEntry(label);
            return true;
        });
    }

    /** Ids of the hsm keys the token holds: what a backup records by reference. */
    public List<String> keyIds() throws MasterKeyException {
        try {
            return token.labels().stream().filter(l -> l.startsWith(LABEL_PREFIX)).map(l -> l.substring(LABEL_PREFIX.length()))
                    .toList();
        } catch (GeneralSecurityException e) {
            throw new MasterKeyException("cannot list the keys in the token: " + Pkcs11Token.reason(e), e);
        }
    }

    public boolean holds(String keyId) throws MasterKeyException {
        return call("look up key " + keyId, s -> token.find(s, labelOf(keyId)) != null);
    }

    /**
     * Thrown inside a token call when the object of a key the database holds as live is not in the
     * token: the token lost it (a restore from the token's backup brings it back), so it is answered as
     * the token being unavailable, retryable, not as the key being broken.
     */
    private static final class MissingKey extends GeneralSecurityException {
        MissingKey(String message) {
            super(message);
        }
    }

    private Key require(Pkcs11Token.Session session, String keyId) throws GeneralSecurityException {
        if (handlesSession != session) {
            handles.clear();
            handlesSession = session;
        }
        Key cached = handles.get(keyId);
        if (cached != null) {
            return cached;
        }
        Key found = token.find(session, labelOf(keyId));
        if (found == null) {
            throw new MissingKey("the token holds no key object labelled " + labelOf(keyId));
        }
        handles.put(keyId, found);
        return found;
    }

    private <T> T call(String what, Pkcs11Token.TokenCall<T> call) throws MasterKeyException {
        try {
            return token.call(call);
        } catch (MasterKeyException e) {
            throw e;
        } catch (MissingKey e) {
            throw new MasterKeyUnavailableException(e.getMessage(), null);
        } catch (GeneralSecurityException e) {
            throw new MasterKeyException(what + " in the token failed: " + Pkcs11Token.reason(e), e);
        }
    }
}
