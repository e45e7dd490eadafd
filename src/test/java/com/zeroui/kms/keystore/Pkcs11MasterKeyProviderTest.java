package com.zeroui.kms.keystore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zeroui.kms.support.SoftHsm;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.ProviderException;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The token-held master key against a real SoftHSM2 token loaded in this JVM. */
class Pkcs11MasterKeyProviderTest {
    private static final byte[] AAD = "kms/v1/key/t1/k1".getBytes(StandardCharsets.UTF_8);
    private static final byte[] SECRET = "thirty-two bytes of key material".getBytes(StandardCharsets.UTF_8);

    private final AtomicReference<String> current = new AtomicReference<>();
    private Pkcs11Token token;
    private Pkcs11MasterKeyProvider provider;

    @BeforeEach
    void open() throws Exception {
        SoftHsm hsm = SoftHsm.forThisJvm();
        token = Pkcs11Token.open(MasterKeySettings.pkcs11(SoftHsm.LIBRARY, hsm.label(), null, hsm.pinFile()));
        provider = new Pkcs11MasterKeyProvider(token, current::get);
        current.set(provider.createVersion());
    }

    @AfterEach
    void close() throws Exception {
        for (String version : provider.versionIds()) {
            provider.destroyVersion(version);
        }
    }

    @Test
    void wrapsInTheTokenBoundToTheAssociatedDataAndNamesItsVersion() throws Exception {
        byte[] wrapped = provider.wrap(SECRET, AAD);
        assertThat(wrapped[0]).isEqualTo((byte) 2);
        assertThat(provider.keyIdOf(wrapped)).isEqualTo(current.get());
        assertThat(new String(wrapped, StandardCharsets.ISO_8859_1)).doesNotContain("thirty-two");
        assertThat(provider.unwrap(wrapped, AAD)).isEqualTo(SECRET);
        assertThat(provider.wrap(SECRET, AAD)).isNotEqualTo(wrapped);

        byte[] otherAad = "kms/v1/key/t2/k1".getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> provider.unwrap(wrapped, otherAad))
                .isExactlyInstanceOf(MasterKeyException.class).hasMessageContaining("does not authenticate");
        byte[] tampered = wrapped.clone();
        tampered[tampered.length - 1] ^= 1;
        assertThatThrownBy(() -> provider.unwrap(tampered, AAD)).isExactlyInstanceOf(MasterKeyException.class);
        assertThatThrownBy(() -> provider.unwrap(new byte[] {1, 2, 3}, AAD)).isExactlyInstanceOf(MasterKeyException.class);
        provider.selfTest();
    }

    @Test
    void theMasterKeyIsASensitiveTokenObjectWhoseBytesNeverReachTheJvm() throws Exception {
        Key key = token.find(Pkcs11MasterKeyProvider.labelOf(current.get()));
        assertThat(key).isNotNull();
        assertThat(key.getEncoded()).isNull();
        assertThat(key.toString()).contains("token object", "sensitive", "unextractable");
    }

    @Test
    void aNewVersionWrapsWhileOlderBlobsStillOpenUntilTheirVersionIsDestroyed() throws Exception {
        String first = current.get();
        byte[] old = provider.wrap(SECRET, AAD);
        String second = provider.createVersion();
        current.set(second);
        byte[] fresh = provider.wrap(SECRET, AAD);
        assertThat(provider.keyIdOf(fresh)).isEqualTo(second);
        assertThat(provider.versionIds()).contains(first, second);
        assertThat(provider.unwrap(old, AAD)).isEqualTo(SECRET);
        provider.destroyVersion(first);
        assertThat(provider.versionIds()).doesNotContain(first);
        assertThatThrownBy(() -> provider.unwrap(old, AAD)).isExactlyInstanceOf(MasterKeyException.class)
                .hasMessageContaining("holds no master key " + first);
        assertThat(provider.unwrap(fresh, AAD)).isEqualTo(SECRET);
    }

    /** A token that fails every call while {@code down}: a removed device SoftHSM2 cannot simulate. */
    static final class FaultyToken extends Pkcs11Token {
        volatile boolean down;

        FaultyToken(Pkcs11Token real) {
            super(real);
        }

        @Override
        public <T> T call(TokenCall<T> call) throws MasterKeyUnavailableException, GeneralSecurityException {
            return super.call(session -> {
                if (down) {
                    throw new ProviderException("CKR_DEVICE_REMOVED");
                }
                return call.run(session);
            });
        }
    }

    @Test
    void whileTheTokenIsUnusableWrapIsRetryablyUnavailableAndItRecoversByItself() throws Exception {
        FaultyToken faulty = new FaultyToken(token);
        Pkcs11MasterKeyProvider flaky = new Pkcs11MasterKeyProvider(faulty, current::get);
        byte[] wrapped = flaky.wrap(SECRET, AAD);
        int generation = faulty.generation();

        faulty.down = true;
        assertThatThrownBy(() -> flaky.wrap(SECRET, AAD)).isInstanceOf(MasterKeyUnavailableException.class)
                .hasMessageContaining("CKR_DEVICE_REMOVED");
        assertThatThrownBy(() -> flaky.unwrap(wrapped, AAD)).isInstanceOf(MasterKeyUnavailableException.class);
        assertThatThrownBy(flaky::selfTest).isInstanceOf(MasterKeyUnavailableException.class);

        faulty.down = false;
        byte[] opened = null;
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (opened == null && System.nanoTime() < deadline) {
            try {
                opened = flaky.unwrap(wrapped, AAD);
            } catch (MasterKeyUnavailableException e) {
                Thread.sleep(100); // reconnecting at most once a second
            }
        }
        assertThat(opened).isEqualTo(SECRET);
        assertThat(faulty.generation()).as("a new session was opened and logged in").isGreaterThan(generation);
        flaky.selfTest();
    }
}
