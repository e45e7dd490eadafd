package com.zeroui.kms.keystore;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.KeyGenerator;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;

/**
 * The master key inside a PKCS#11 token: an AES-256 token object, sensitive and never extractable,
 * labelled {@code kms-master-key:<id>}. Wrapping is AES-256-GCM run by the token with a 12-byte IV
 * and the caller's associated data; the key's bytes never exist in this JVM.
 *
 * <p>Wrapped blob: {@code 0x02 || len(id) || id (ASCII) || iv(12) || ciphertext || tag(16)}, so a
 * blob names the master-key version that can open it, also after a rotation made another current.
 */
public final class Pkcs11MasterKeyProvider implements MasterKeyProvider {
    public static final String LABEL_PREFIX = "kms-master-key:";
    private static final byte FORMAT_V2 = 2;
    private static final int IV_BYTES = 12;
    private static final int TAG_BITS = 128;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Pkcs11Token token;
    private final Supplier<String> currentVersion;
    private final Map<String, SecretKey> handles = new ConcurrentHashMap<>();
    private volatile Pkcs11Token.Session handlesSession;
    private volatile String overridden;
    private final java.util.Set<String> destroyed = ConcurrentHashMap.newKeySet();

    /**
     * @param currentVersion the version to wrap with (read from where the deployment records it; the
     *                       caller caches it). {@link #useVersion} overrides it in this process.
     */
    public Pkcs11MasterKeyProvider(Pkcs11Token token, Supplier<String> currentVersion) {
        this.token = token;
        this.currentVersion = currentVersion;
    }

    public static String labelOf(String versionId) {
        return LABEL_PREFIX + versionId;
    }

    @Override
    public String keyId() {
        String id = overridden;
        return id != null ? id : currentVersion.get();
    }

    @Override
    public String description() {
        return token.description() + " master key " + keyId();
    }

    public Pkcs11Token token() {
        return token;
    }

    /** True when the token holds the version (so start-up can refuse a token that lacks it). */
    public boolean holds(String versionId) throws MasterKeyException {
        return handle(versionId) != null;
    }

    @Override
    public List<String> versionIds() throws MasterKeyException {
        try {
            return token.labels().stream().filter(l -> l.startsWith(LABEL_PREFIX))
                    .map(l -> l.substring(LABEL_PREFIX.length())).toList();
        } catch (GeneralSecurityException e) {
            throw new MasterKeyException("cannot list the master-key versions in the token: " + Pkcs11Token.reason(e), e);
        }
    }

    @Override
    public String createVersion() throws MasterKeyException {
        byte[] random = new byte[8];
        RANDOM.nextBytes(random);
        String id = "mk-p11-" + HexFormat.of().formatHex(random);
        try {
            token.call(s -> {
                KeyGenerator generator = KeyGenerator.getInstance("AES", s.provider());
                generator.init(256);
                SecretKey key = generator.generateKey();
                s.keyStore().setEntry(labelOf(id), new java.security.KeyStore.SecretKeyEntry(key), null);
                return null;
            });
        } catch (GeneralSecurityException e) {
            throw new MasterKeyException("cannot create a master key in the token: " + Pkcs11Token.reason(e), e);
        }
        return id;
    }

    @Override
    public void useVersion(String versionId) throws MasterKeyException {
        if (!holds(versionId)) {
            throw new MasterKeyException("the token holds no master key " + versionId + " (label " + labelOf(versionId) + ")", null);
        }
        overridden = versionId;
    }

    @Override
    public void destroyVersion(String versionId) throws MasterKeyException {
        try {
            token.destroy(labelOf(versionId));
            handles.remove(versionId);
            destroyed.add(versionId);
        } catch (GeneralSecurityException e) {
            throw new MasterKeyException("cannot destroy master key " + versionId + ": " + Pkcs11Token.reason(e), e);
        }
    }

    @Override
    public String keyIdOf(byte[] wrapped) {
        if (wrapped.length < 2 || wrapped[0] != FORMAT_V2 || wrapped.length < 2 + (wrapped[1] & 0xff)) {
            return keyId();
        }
        return new String(wrapped, 2, wrapped[1] & 0xff, StandardCharsets.US_ASCII);
    }

    @Override
    public byte[] wrap(byte[] plaintext, byte[] associatedData) throws MasterKeyException {
        String id = keyId();
        byte[] iv = new byte[IV_BYTES];
        RANDOM.nextBytes(iv);
        byte[] sealed;
        try {
            sealed = token.call(s -> {
                SecretKey key = require(s, id);
                Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding", s.provider());
                cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, iv));
                cipher.updateAAD(associatedData);
                return cipher.doFinal(plaintext);
            });
        } catch (MasterKeyException e) {
            throw e;
        } catch (GeneralSecurityException e) {
            if (e instanceof MissingVersion) {
                throw missing(id);
            }
            throw new MasterKeyException("wrapping with master key " + id + " failed: " + Pkcs11Token.reason(e), e);
        }
        byte[] idBytes = id.getBytes(StandardCharsets.US_ASCII);
        return ByteBuffer.allocate(2 + idBytes.length + IV_BYTES + sealed.length)
                .put(FORMAT_V2).put((byte) idBytes.length).put(idBytes).put(iv).put(sealed).array();
    }

    @Override
    public byte[] unwrap(byte[] wrapped, byte[] associatedData) throws MasterKeyException {
        if (wrapped.length < 2 || wrapped[0] != FORMAT_V2) {
            throw new MasterKeyException("wrapped key blob has an unknown format", null);
        }
        int idLength = wrapped[1] & 0xff;
        int ivAt = 2 + idLength;
        if (wrapped.length < ivAt + IV_BYTES + TAG_BITS / 8) {
            throw new MasterKeyException("wrapped key blob has an unknown format", null);
        }
        String id = new String(wrapped, 2, idLength, StandardCharsets.US_ASCII);
        try {
            return token.call(s -> {
                SecretKey key = require(s, id);
                Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding", s.provider());
                cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, wrapped, ivAt, IV_BYTES));
                cipher.updateAAD(associatedData);
                return cipher.doFinal(wrapped, ivAt + IV_BYTES, wrapped.length - ivAt - IV_BYTES);
            });
        } catch (MasterKeyException e) {
            throw e;
        } catch (MissingVersion e) {
            throw missing(id);
        } catch (AEADBadTagException e) {
            throw integrity(id);
        } catch (GeneralSecurityException e) {
            throw integrity(id);
        }
    }

    /**
     * A version this process destroyed is gone for good; any other version the database names but the
     * token lacks was lost by the token (an object restore brings it back): unavailable, retryable.
     */
    private MasterKeyException missing(String id) {
        String message = "the PKCS#11 token holds no master key " + id + " (label " + labelOf(id) + ")";
        return destroyed.contains(id) ? new MasterKeyException(message + "; it was destroyed", null)
                : new MasterKeyUnavailableException(message, null);
    }

    private static MasterKeyException integrity(String id) {
        return new MasterKeyException("wrapped key blob does not authenticate under master key " + id
                + " (wrong master key, wrong binding, or tampered data)", null);
    }

    /** Thrown inside a token call when the token lacks a version: not a token failure. */
    private static final class MissingVersion extends GeneralSecurityException {
        MissingVersion(String message) {
            super(message);
        }
    }

    private SecretKey require(Pkcs11Token.Session session, String id) throws GeneralSecurityException {
        SecretKey key = handle(session, id);
        if (key == null) {
            throw new MissingVersion("the PKCS#11 token holds no master key " + id + " (label " + labelOf(id) + ")");
        }
        return key;
    }

    /** The token object of a version, looked up once per connection; null when the token lacks it. */
    private SecretKey handle(Pkcs11Token.Session session, String id) throws GeneralSecurityException {
        if (handlesSession != session) {
            handles.clear();
            handlesSession = session;
        }
        SecretKey cached = handles.get(id);
        if (cached != null) {
            return cached;
        }
        Key found = token.find(session, labelOf(id));
        if (found instanceof SecretKey secret) {
            handles.put(id, secret);
            return secret;
        }
        return null;
    }

    private SecretKey handle(String id) throws MasterKeyException {
        try {
            return token.call(s -> handle(s, id));
        } catch (MasterKeyException e) {
            throw e;
        } catch (GeneralSecurityException e) {
            throw new MasterKeyException("cannot look up master key " + id + ": " + Pkcs11Token.reason(e), e);
        }
    }

    @Override
    public void close() {
        token.close();
    }
}
