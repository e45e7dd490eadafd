package com.zeroui.kms.client.jca;

import com.zeroui.kms.client.KmsClientException;
import java.io.ByteArrayOutputStream;
import java.security.InvalidAlgorithmParameterException;
import java.security.InvalidKeyException;
import java.security.Key;
import java.security.ProviderException;
import java.security.spec.AlgorithmParameterSpec;
import javax.crypto.MacSpi;

/** {@code Mac.getInstance("HmacSHA256", kms)} over a KMS HMAC key: the message is buffered, the tag made by the service. */
public final class KmsHmacSpi extends MacSpi {
    private final ByteArrayOutputStream data = new ByteArrayOutputStream();
    private KmsSecretKey key;

    @Override
    protected int engineGetMacLength() {
        return 32;
    }

    @Override
    protected void engineInit(Key k, AlgorithmParameterSpec params) throws InvalidKeyException, InvalidAlgorithmParameterException {
        if (params != null) {
            throw new InvalidAlgorithmParameterException("HmacSHA256 takes no parameters");
        }
        if (!(k instanceof KmsSecretKey handle) || !"HmacSHA256".equalsIgnoreCase(handle.getAlgorithm())) {
            throw new InvalidKeyException("the KMS provider computes MACs only with KMS HMAC-SHA256 keys (KmsSecretKey)");
        }
        this.key = handle;
        data.reset();
    }

    @Override
    protected void engineUpdate(byte input) {
        data.write(input);
    }

    @Override
    protected void engineUpdate(byte[] input, int offset, int len) {
        data.write(input, offset, len);
    }

    @Override
    protected byte[] engineDoFinal() {
        try {
            return key.client().crypto().mac(key.keyId(), data.toByteArray()).mac();
        } catch (KmsClientException e) {
            throw new ProviderException(KmsSignatureSpi.message(e), e);
        } finally {
            data.reset();
        }
    }

    @Override
    protected void engineReset() {
        data.reset();
    }
}
