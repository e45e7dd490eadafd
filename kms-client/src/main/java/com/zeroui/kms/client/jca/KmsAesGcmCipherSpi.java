package com.zeroui.kms.client.jca;

import com.zeroui.kms.client.KmsApiException;
import com.zeroui.kms.client.KmsClientException;
import com.zeroui.kms.client.model.EncryptResult;
import java.io.ByteArrayOutputStream;
import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.InvalidAlgorithmParameterException;
import java.security.InvalidKeyException;
import java.security.Key;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.security.spec.AlgorithmParameterSpec;
import java.security.spec.InvalidParameterSpecException;
import javax.crypto.AEADBadTagException;
import javax.crypto.BadPaddingException;
import javax.crypto.Cipher;
import javax.crypto.CipherSpi;
import javax.crypto.IllegalBlockSizeException;
import javax.crypto.NoSuchPaddingException;
import javax.crypto.ShortBufferException;
import javax.crypto.spec.GCMParameterSpec;

/**
 * {@code AES/GCM/NoPadding} with a KMS key: one service call at {@code doFinal}. The service picks the
 * 96-bit nonce, so an encrypting Cipher takes no IV and reports it through {@code getIV()} after
 * {@code doFinal}; decryption needs that IV as a {@link GCMParameterSpec} (128-bit tag). The output is
 * ciphertext || tag, as the JDK's own AES/GCM writes it. Input is buffered: GCM's tag covers it all.
 */
public final class KmsAesGcmCipherSpi extends CipherSpi {
    private static final int TAG_BITS = 128;
    private final ByteArrayOutputStream input = new ByteArrayOutputStream();
    private final ByteArrayOutputStream aad = new ByteArrayOutputStream();
    private KmsSecretKey key;
    private int mode;
    private byte[] iv;

    @Override
    protected void engineSetMode(String m) throws NoSuchAlgorithmException {
        if (!"GCM".equalsIgnoreCase(m)) {
            throw new NoSuchAlgorithmException("only GCM");
        }
    }

    @Override
    protected void engineSetPadding(String padding) throws NoSuchPaddingException {
        if (!"NoPadding".equalsIgnoreCase(padding)) {
            throw new NoSuchPaddingException("only NoPadding");
        }
    }

    @Override
    protected int engineGetBlockSize() {
        return 16;
    }

    @Override
    protected int engineGetOutputSize(int inputLen) {
        int total = input.size() + inputLen;
        return mode == Cipher.DECRYPT_MODE ? Math.max(0, total - TAG_BITS / 8) : total + TAG_BITS / 8;
    }

    @Override
    protected byte[] engineGetIV() {
        return iv == null ? null : iv.clone();
    }

    @Override
    protected AlgorithmParameters engineGetParameters() {
        if (iv == null) {
            return null;
        }
        try {
            AlgorithmParameters p = AlgorithmParameters.getInstance("GCM");
            p.init(new GCMParameterSpec(TAG_BITS, iv));
            return p;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK has no GCM parameters", e);
        }
    }

    @Override
    protected void engineInit(int opmode, Key k, SecureRandom random) throws InvalidKeyException {
        if (opmode == Cipher.DECRYPT_MODE || opmode == Cipher.UNWRAP_MODE) {
            throw new InvalidKeyException("decryption needs the IV of the encryption: init with a GCMParameterSpec");
        }
        start(opmode, k, null);
    }

    @Override
    protected void engineInit(int opmode, Key k, AlgorithmParameterSpec params, SecureRandom random)
            throws InvalidKeyException, InvalidAlgorithmParameterException {
        if (params == null) {
            engineInit(opmode, k, random);
            return;
        }
        if (!(params instanceof GCMParameterSpec gcm) || gcm.getTLen() != TAG_BITS) {
            throw new InvalidAlgorithmParameterException("a GCMParameterSpec with a 128-bit tag is needed");
        }
        if (opmode == Cipher.ENCRYPT_MODE || opmode == Cipher.WRAP_MODE) {
            throw new InvalidAlgorithmParameterException("the KMS chooses the nonce of each encryption: init without an IV");
        }
        start(opmode, k, gcm.getIV());
    }

    @Override
    protected void engineInit(int opmode, Key k, AlgorithmParameters params, SecureRandom random)
            throws InvalidKeyException, InvalidAlgorithmParameterException {
        try {
            engineInit(opmode, k, params == null ? null : params.getParameterSpec(GCMParameterSpec.class), random);
        } catch (InvalidParameterSpecException e) {
            throw new InvalidAlgorithmParameterException(e.getMessage(), e);
        }
    }

    private void start(int opmode, Key k, byte[] decryptIv) throws InvalidKeyException {
        if (!(k instanceof KmsSecretKey handle) || !"AES".equalsIgnoreCase(handle.getAlgorithm())) {
            throw new InvalidKeyException("the KMS provider encrypts only with KMS AES keys (KmsSecretKey)");
        }
        if (opmode != Cipher.ENCRYPT_MODE && opmode != Cipher.DECRYPT_MODE) {
            throw new InvalidKeyException("only ENCRYPT_MODE and DECRYPT_MODE");
        }
        this.key = handle;
        this.mode = opmode;
        this.iv = decryptIv == null ? null : decryptIv.clone();
        input.reset();
        aad.reset();
    }

    @Override
    protected void engineUpdateAAD(byte[] src, int offset, int len) {
        aad.write(src, offset, len);
    }

    @Override
    protected byte[] engineUpdate(byte[] in, int off, int len) {
        if (in != null) {
            input.write(in, off, len);
        }
        return new byte[0];
    }

    @Override
    protected int engineUpdate(byte[] in, int off, int len, byte[] out, int outOff) {
        engineUpdate(in, off, len);
        return 0;
    }

    @Override
    protected byte[] engineDoFinal(byte[] in, int off, int len) throws IllegalBlockSizeException, BadPaddingException {
        if (key == null) {
            throw new IllegalStateException("Cipher not initialized");
        }
        engineUpdate(in, off, len);
        byte[] data = input.toByteArray();
        byte[] associated = aad.size() == 0 ? null : aad.toByteArray();
        input.reset();
        aad.reset();
        try {
            if (mode == Cipher.ENCRYPT_MODE) {
                EncryptResult r = key.client().crypto().encrypt(key.keyId(), data, associated, "AES-256-GCM");
                iv = r.iv();
                return r.ciphertext();
            }
            return key.client().crypto().decrypt(key.keyId(), data, iv, associated, "AES-256-GCM").plaintext();
        } catch (KmsApiException e) {
            if (mode == Cipher.DECRYPT_MODE && e.status() == 400) {
                // the service answers every authentication failure with one constant message
                AEADBadTagException bad = new AEADBadTagException(KmsSignatureSpi.message(e));
                bad.initCause(e);
                throw bad;
            }
            throw new IllegalStateException(KmsSignatureSpi.message(e), e);
        } catch (KmsClientException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    @Override
    protected int engineDoFinal(byte[] in, int off, int len, byte[] out, int outOff)
            throws ShortBufferException, IllegalBlockSizeException, BadPaddingException {
        if (out.length - outOff < engineGetOutputSize(len)) {
            throw new ShortBufferException("output buffer too short");
        }
        byte[] result = engineDoFinal(in, off, len);
        System.arraycopy(result, 0, out, outOff, result.length);
        return result.length;
    }
}
