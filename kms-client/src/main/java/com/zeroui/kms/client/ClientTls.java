package com.zeroui.kms.client;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/** Mutual TLS from PEM files: the client certificate chain, its PKCS#8 private key and the CA to trust. */
public final class ClientTls {
    private static final Pattern PRIVATE_KEY = Pattern.compile(
            "-----BEGIN PRIVATE KEY-----([A-Za-z0-9+/=\\s]+)-----END PRIVATE KEY-----");
    private static final char[] IN_MEMORY = "kms-client".toCharArray(); // the store never leaves memory
    /** The key types a client certificate's key may have; the PKCS#8 header does not say which without parsing. */
    private static final List<String> KEY_ALGORITHMS = List.of("EC", "RSA", "Ed25519");

    private ClientTls() {
    }

    /** Presents {@code certPem}'s chain with {@code keyPem}'s key and trusts only the certificates in {@code caPem}. */
    public static SSLContext fromPemFiles(Path certPem, Path keyPem, Path caPem) {
        try {
            List<X509Certificate> chain = certificates(Files.readString(certPem));
            if (chain.isEmpty()) {
                throw new KmsClientException("no certificate in " + certPem);
            }
            return context(privateKey(Files.readString(keyPem), keyPem), chain, trusted(caPem));
        } catch (IOException e) {
            throw new KmsClientException("cannot read the TLS files: " + e.getMessage(), e);
        }
    }

    /** No client certificate (only public endpoints such as health answer): trusts only {@code caPem}. */
    public static SSLContext trustOnly(Path caPem) {
        try {
            return context(null, List.of(), trusted(caPem));
        } catch (IOException e) {
            throw new KmsClientException("cannot read " + caPem + ": " + e.getMessage(), e);
        }
    }

    /** The same from objects already in memory. */
    public static SSLContext context(PrivateKey key, List<X509Certificate> chain, List<X509Certificate> trusted) {
        try {
            KeyStore trust = KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            for (int i = 0; i < trusted.size(); i++) {
                trust.setCertificateEntry("ca-" + i, trusted.get(i));
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
            KeyManagerFactory kmf = null;
            if (key != null) {
                KeyStore identity = KeyStore.getInstance("PKCS12");
                identity.load(null, null);
                identity.setKeyEntry("client", key, IN_MEMORY, chain.toArray(Certificate[]::new));
                kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                kmf.init(identity, IN_MEMORY);
            }
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(kmf == null ? null : kmf.getKeyManagers(), tmf.getTrustManagers(), null);
            return context;
        } catch (GeneralSecurityException | IOException e) {
            throw new KmsClientException("cannot build the TLS context: " + e.getMessage(), e);
        }
    }

    private static List<X509Certificate> trusted(Path caPem) throws IOException {
        List<X509Certificate> roots = certificates(Files.readString(caPem));
        if (roots.isEmpty()) {
            throw new KmsClientException("no certificate in " + caPem);
        }
        return roots;
    }

    static List<X509Certificate> certificates(String pem) {
        try {
            List<X509Certificate> out = new ArrayList<>();
            for (Certificate c : CertificateFactory.getInstance("X.509")
                    .generateCertificates(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)))) {
                out.add((X509Certificate) c);
            }
            return out;
        } catch (GeneralSecurityException e) {
            throw new KmsClientException("not PEM certificates: " + e.getMessage(), e);
        }
    }

    static PrivateKey privateKey(String pem, Path source) {
        Matcher m = PRIVATE_KEY.matcher(pem);
        if (!m.find()) {
            throw new KmsClientException(source + " holds no PKCS#8 \"PRIVATE KEY\" block");
        }
        byte[] der = Base64.getMimeDecoder().decode(m.group(1));
        for (String algorithm : KEY_ALGORITHMS) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
            } catch (GeneralSecurityException wrongType) {
                // try the next key type
            }
        }
        throw new KmsClientException(source + " holds a private key that is not EC, RSA or Ed25519");
    }
}
