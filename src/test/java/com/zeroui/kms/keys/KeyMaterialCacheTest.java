package com.zeroui.kms.keys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.zeroui.kms.crypto.CryptoSuite;
import com.zeroui.kms.crypto.KeyType;
import com.zeroui.kms.error.ErrorCode;
import com.zeroui.kms.error.KmsException;
import com.zeroui.kms.keystore.MasterKeyException;
import com.zeroui.kms.keystore.MasterKeyProvider;
import com.zeroui.kms.keystore.MasterKeyUnavailableException;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Master-key faults the software key file cannot produce (an HSM session going away) are injected
 * with a fake provider: an unreachable master key is 503 retryable, a blob that fails its integrity
 * check is 500 — neither leaks bytes.
 */
class KeyMaterialCacheTest {
    private static final CryptoSuite CRYPTO = CryptoSuite.select(CryptoSuite.Preference.JDK);

    private static KeyRecord record() {
        return new KeyRecord("k1", new KeyScope("t", Environment.DEV, Plane.TENANT), KeyType.AES_256,
                EnumSet.of(KeyUsage.ENCRYPT), null, KeyState.ACTIVE, Instant.EPOCH, Instant.EPOCH, null, 0,
                new AccessPolicy(List.of("M21"), false, 1), "M21", null, new byte[] {1, 2, 3}, "mk-test");
    }

    private static MasterKeyProvider failing(MasterKeyException failure) {
        return new MasterKeyProvider() {
            @Override
            public String keyId() {
                return "mk-test";
            }

            @Override
            public String description() {
                return "fault-injecting test provider";
            }

            @Override
            public byte[] wrap(byte[] plaintext, byte[] associatedData) throws MasterKeyException {
                throw failure;
            }

            @Override
            public byte[] unwrap(byte[] wrapped, byte[] associatedData) throws MasterKeyException {
                throw failure;
            }
        };
    }

    @Test
    void unreachableMasterKeyIsDependencyUnavailable() {
        KeyMaterialCache cache = new KeyMaterialCache(failing(new MasterKeyUnavailableException("HSM session lost", null)),
                CRYPTO, 10);
        KmsException e = catchThrowableOfType(KmsException.class, () -> cache.load(record()));
        assertThat(e.code()).isEqualTo(ErrorCode.DEPENDENCY_UNAVAILABLE);
        assertThat(e.httpStatus()).isEqualTo(503);
        assertThat(e.code().retryable()).isTrue();
        assertThat(e.details()).containsEntry("dependency", "master_key");
    }

    @Test
    void tamperedMaterialIsAnInternalErrorNamingTheKey() {
        KeyMaterialCache cache = new KeyMaterialCache(failing(new MasterKeyException("does not authenticate", null)), CRYPTO, 10);
        KmsException e = catchThrowableOfType(KmsException.class, () -> cache.load(record()));
        assertThat(e.code()).isEqualTo(ErrorCode.INTERNAL_ERROR);
        assertThat(e.details()).containsEntry("key_id", "k1");
    }
}
