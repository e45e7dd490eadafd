package com.zeroui.kms.app;

import com.zeroui.kms.crypto.CryptoSuite;
import com.zeroui.kms.crypto.FipsModule;
import com.zeroui.kms.ops.KmsConfig;
import com.zeroui.kms.trust.InternalCa;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.HexFormat;

/** HTTP wiring: the in-memory TLS key and trust stores (the server certificate is minted at every start). */
final class TlsStores {
    private TlsStores() {
    }

    /** An in-memory key store: BCFKS inside the FIPS module in FIPS mode, else the JDK's PKCS#12. */
    static KeyStore emptyKeyStore(CryptoSuite crypto) throws GeneralSecurityException, java.io.IOException {
        java.util.Optional<FipsModule> fips = crypto.fipsModule();
        KeyStore store = fips.isPresent() ? KeyStore.getInstance("BCFKS", fips.get().provider()) : KeyStore.getInstance("PKCS12");
        store.load(null, null);
        return store;
    }

    static char[] randomPassword() {
        byte[] b = new byte[16];
        new SecureRandom().nextBytes(b);
        return HexFormat.of().formatHex(b).toCharArray();
    }

    static KeyStore serverKeyStore(DataDirectory data, KmsConfig config, CryptoSuite crypto, char[] password)
            throws GeneralSecurityException, java.io.IOException {
        KeyPair keys = InternalCa.newEcKeyPair();
        X509Certificate cert = data.ca().ca().issueServer(keys.getPublic(), config.hostnames(), config.serverCertificateTtl());
        KeyStore store = emptyKeyStore(crypto);
        store.setKeyEntry("server", keys.getPrivate(), password,
                new Certificate[] {cert, data.ca().ca().issuing(), data.ca().ca().root()});
        return store;
    }

    static KeyStore trustStore(DataDirectory data, CryptoSuite crypto)
            throws GeneralSecurityException, java.io.IOException {
        KeyStore store = emptyKeyStore(crypto);
        store.setCertificateEntry("internal-root", data.ca().ca().root());
        return store;
    }
}
