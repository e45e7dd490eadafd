package com.zeroui.kms.bench;

import com.zeroui.kms.crypto.FipsModule;
import com.zeroui.kms.crypto.Pem;
import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.bouncycastle.util.io.pem.PemObject;
import org.bouncycastle.util.io.pem.PemReader;

/** The client side of mutual TLS from the PEM files the server writes into DATA_DIR/tls. */
public final class ClientTls {
    private static final char[] IN_MEMORY_PASSWORD = "bench".toCharArray(); // protects nothing: the store never leaves memory

    private ClientTls() {
    }

    /** Trusts only {@code caPem}'s root and presents the certificate chain and PKCS#8 EC key given. */
    public static SSLContext fromPemFiles(Path certPem, Path keyPem, Path caPem) throws IOException {
        List<X509Certificate> chain = Pem.parseCertificates(Files.readString(certPem));
        List<X509Certificate> roots = Pem.parseCertificates(Files.readString(caPem));
        if (chain.isEmpty() || roots.isEmpty()) {
            throw new IOException("no certificate in " + (chain.isEmpty() ? certPem : caPem));
        }
        try {
            PrivateKey key = KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(pkcs8(keyPem)));
            // FIPS mode: key stores, key/trust managers and the TLS engine all from the module (BCFKS, BCJSSE)
            java.util.Optional<FipsModule> fips = FipsModule.registered();
            KeyStore trust = emptyKeyStore(fips);
            for (int i = 0; i < roots.size(); i++) {
                trust.setCertificateEntry("ca-" + i, roots.get(i));
            }
            TrustManagerFactory tmf = fips.isPresent() ? TrustManagerFactory.getInstance("PKIX", fips.get().jsseProvider())
                    : TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
            KeyStore identity = emptyKeyStore(fips);
            identity.setKeyEntry("client", key, IN_MEMORY_PASSWORD, chain.toArray(Certificate[]::new));
            KeyManagerFactory kmf = fips.isPresent() ? KeyManagerFactory.getInstance("PKIX", fips.get().jsseProvider())
                    : KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(identity, IN_MEMORY_PASSWORD);
            SSLContext context = fips.isPresent() ? SSLContext.getInstance("TLS", fips.get().jsseProvider())
                    : SSLContext.getInstance("TLS");
            context.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot build the client TLS context from " + certPem + " and " + keyPem + ": "
                    + e.getMessage(), e);
        }
    }

    /** Trusts only {@code caPem}'s root and presents no certificate: a caller of the public routes. */
    public static SSLContext trustOnly(Path caPem) throws IOException {
        List<X509Certificate> roots = Pem.parseCertificates(Files.readString(caPem));
        if (roots.isEmpty()) {
            throw new IOException("no certificate in " + caPem);
        }
        try {
            java.util.Optional<FipsModule> fips = FipsModule.registered();
            KeyStore trust = emptyKeyStore(fips);
            for (int i = 0; i < roots.size(); i++) {
                trust.setCertificateEntry("ca-" + i, roots.get(i));
            }
            TrustManagerFactory tmf = fips.isPresent() ? TrustManagerFactory.getInstance("PKIX", fips.get().jsseProvider())
                    : TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
            SSLContext context = fips.isPresent() ? SSLContext.getInstance("TLS", fips.get().jsseProvider())
                    : SSLContext.getInstance("TLS");
            context.init(null, tmf.getTrustManagers(), null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot build a client TLS context trusting " + caPem + ": " + e.getMessage(), e);
        }
    }

    private static KeyStore emptyKeyStore(java.util.Optional<FipsModule> fips) throws GeneralSecurityException, IOException {
        KeyStore store = fips.isPresent() ? KeyStore.getInstance("BCFKS", fips.get().provider()) : KeyStore.getInstance("PKCS12");
        store.load(null, null);
        return store;
    }

    private static byte[] pkcs8(Path keyPem) throws IOException {
        try (PemReader reader = new PemReader(new StringReader(Files.readString(keyPem)))) {
            for (PemObject o = reader.readPemObject(); o != null; o = reader.readPemObject()) {
                if ("PRIVATE KEY".equals(o.getType())) {
                    return o.getContent();
                }
            }
        }
        throw new IOException(keyPem + " holds no PKCS#8 \"PRIVATE KEY\" block");
    }
}
