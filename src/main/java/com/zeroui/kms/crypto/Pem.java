package com.zeroui.kms.crypto;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.util.io.pem.PemObject;
import org.bouncycastle.util.io.pem.PemReader;
import org.bouncycastle.util.io.pem.PemWriter;

/** PEM encoding and decoding (RFC 7468) through Bouncy Castle's PEM reader and writer. */
public final class Pem {
    private Pem() {
    }

    public static String encode(String type, byte[] der) {
        StringWriter out = new StringWriter();
        try (PemWriter writer = new PemWriter(out)) {
            writer.writeObject(new PemObject(type, der));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return out.toString();
    }

    public static String publicKey(byte[] spki) {
        return encode("PUBLIC KEY", spki);
    }

    public static String privateKey(PrivateKey key) {
        return encode("PRIVATE KEY", key.getEncoded());
    }

    public static String certificate(X509Certificate certificate) {
        try {
            return encode("CERTIFICATE", certificate.getEncoded());
        } catch (java.security.cert.CertificateEncodingException e) {
            throw new IllegalStateException(e);
        }
    }

    public static String certificates(List<X509Certificate> chain) {
        StringBuilder sb = new StringBuilder();
        chain.forEach(c -> sb.append(certificate(c)));
        return sb.toString();
    }

    /** The SPKI DER of the single PUBLIC KEY block in {@code pem}; throws IllegalArgumentException otherwise. */
    public static byte[] parsePublicKey(String pem) {
        try (PemReader reader = new PemReader(new StringReader(pem))) {
            PemObject o = reader.readPemObject();
            if (o == null || !"PUBLIC KEY".equals(o.getType()) || reader.readPemObject() != null) {
                throw new IllegalArgumentException("expected exactly one PEM PUBLIC KEY block");
            }
            return o.getContent();
        } catch (IOException e) {
            throw new IllegalArgumentException("malformed PEM public key: " + e.getMessage(), e);
        }
    }

    public static List<X509Certificate> parseCertificates(String pem) {
        List<X509Certificate> out = new ArrayList<>();
        try (PemReader reader = new PemReader(new StringReader(pem))) {
            CertificateFactory factory = CertificateFactory.getInstance("X.509");
            for (PemObject o = reader.readPemObject(); o != null; o = reader.readPemObject()) {
                if ("CERTIFICATE".equals(o.getType())) {
                    out.add((X509Certificate) factory.generateCertificate(new java.io.ByteArrayInputStream(o.getContent())));
                }
            }
        } catch (IOException | CertificateException e) {
            throw new IllegalArgumentException("malformed PEM certificate: " + e.getMessage(), e);
        }
        return out;
    }
}
