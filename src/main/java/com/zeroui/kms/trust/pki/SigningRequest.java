package com.zeroui.kms.trust.pki;

import com.zeroui.kms.error.KmsException;
import java.io.IOException;
import java.io.StringReader;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.PublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.edec.EdECObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.Attribute;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.sec.SECObjectIdentifiers;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.Extensions;
import org.bouncycastle.asn1.x509.ExtensionsGenerator;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.PKCSException;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;
import org.bouncycastle.util.io.pem.PemObject;
import org.bouncycastle.util.io.pem.PemReader;

/**
 * A PKCS#10 certificate signing request (RFC 2986), checked: exactly one PEM block, a valid
 * self-signature by an accepted signature algorithm, an accepted key (EC P-256/P-384, RSA
 * 2048–8192 bits, Ed25519), and the subject alternative names it asks for (URI, DNS and IP only).
 * The CSR's subject DN and any other requested extension are ignored: the CA decides those.
 */
public record SigningRequest(PublicKey publicKey, String keyAlgorithm, List<String> uris, List<String> dnsNames,
                             List<String> ipAddresses) {
    static final String FIELD = "csr";
    public static final int MAX_PEM_CHARS = 32 * 1024;
    private static final int MIN_RSA_BITS = 2048;
    private static final int MAX_RSA_BITS = 8192;
    private static final int MAX_NAMES = 100;
    /**
     * Signature algorithms a CSR may be signed with: nothing on SHA-1 or MD5. RSASSA-PSS is left
     * out: the JDK verifies it only under a name Bouncy Castle's verifier builder does not ask for.
     */
    private static final Set<ASN1ObjectIdentifier> SIGNATURES = Set.of(
            X9ObjectIdentifiers.ecdsa_with_SHA256, X9ObjectIdentifiers.ecdsa_with_SHA384,
            X9ObjectIdentifiers.ecdsa_with_SHA512, PKCSObjectIdentifiers.sha256WithRSAEncryption,
            PKCSObjectIdentifiers.sha384WithRSAEncryption, PKCSObjectIdentifiers.sha512WithRSAEncryption,
            EdECObjectIdentifiers.id_Ed25519);

    public SigningRequest {
        uris = List.copyOf(uris);
        dnsNames = List.copyOf(dnsNames);
        ipAddresses = List.copyOf(ipAddresses);
    }

    public static SigningRequest parse(String pem) {
        PKCS10CertificationRequest csr = decodePem(pem);
        SubjectPublicKeyInfo spki = csr.getSubjectPublicKeyInfo();
        String keyAlgorithm = acceptedKey(spki);
        PublicKey key = toJca(spki, keyAlgorithm);
        checkSignature(csr, key);
        List<String> uris = new ArrayList<>();
        List<String> dns = new ArrayList<>();
        List<String> ips = new ArrayList<>();
        GeneralNames names = requestedNames(csr);
        if (names != null) {
            if (names.getNames().length > MAX_NAMES) {
                throw invalid("the CSR asks for more than " + MAX_NAMES + " subject alternative names");
            }
            for (GeneralName name : names.getNames()) {
                switch (name.getTagNo()) {
                    case GeneralName.uniformResourceIdentifier -> uris.add(name.getName().toString());
                    case GeneralName.dNSName -> dns.add(name.getName().toString());
                    case GeneralName.iPAddress -> ips.add(ipText(name));
                    default -> throw invalid("the CSR asks for a subject alternative name of type " + name.getTagNo()
                            + "; only URI, DNS and IP names are issued");
                }
            }
        }
        return new SigningRequest(key, keyAlgorithm, uris, dns, ips);
    }

    private static PKCS10CertificationRequest decodePem(String pem) {
        if (pem.length() > MAX_PEM_CHARS) {
            throw invalid("csr must be at most " + MAX_PEM_CHARS + " characters");
        }
        try (PemReader reader = new PemReader(new StringReader(pem))) {
            PemObject block = reader.readPemObject();
            if (block == null || !(block.getType().equals("CERTIFICATE REQUEST") || block.getType().equals("NEW CERTIFICATE REQUEST"))) {
                throw invalid("csr must be one PEM block '-----BEGIN CERTIFICATE REQUEST-----' (PKCS#10)");
            }
            if (reader.readPemObject() != null) {
                throw invalid("csr must hold exactly one PEM block");
            }
            return new PKCS10CertificationRequest(block.getContent()); // throws on anything but PKCS#10
        } catch (IOException | RuntimeException e) {
            if (e instanceof KmsException k) {
                throw k;
            }
            throw invalid("csr is not a well-formed PKCS#10 request");
        }
    }

    /** The key's algorithm name when it is one the CA certifies; a 400 naming what was found otherwise. */
    private static String acceptedKey(SubjectPublicKeyInfo spki) {
        AlgorithmIdentifier algorithm = spki.getAlgorithm();
        ASN1ObjectIdentifier oid = algorithm.getAlgorithm();
        try {
            if (oid.equals(X9ObjectIdentifiers.id_ecPublicKey)) {
                if (SECObjectIdentifiers.secp256r1.equals(algorithm.getParameters())) {
                    return "EC-P256";
                }
                if (SECObjectIdentifiers.secp384r1.equals(algorithm.getParameters())) {
                    return "EC-P384";
                }
                throw weak("an EC key on curve " + algorithm.getParameters() + "; accepted curves are P-256 and P-384");
            }
            if (oid.equals(PKCSObjectIdentifiers.rsaEncryption)) {
                BigInteger modulus = org.bouncycastle.asn1.pkcs.RSAPublicKey.getInstance(spki.parsePublicKey()).getModulus();
                int bits = modulus.bitLength();
                if (bits < MIN_RSA_BITS || bits > MAX_RSA_BITS) {
                    throw weak("an RSA key of " + bits + " bits; accepted are " + MIN_RSA_BITS + " to " + MAX_RSA_BITS);
                }
                return "RSA-" + bits;
            }
            if (oid.equals(EdECObjectIdentifiers.id_Ed25519)) {
                return "Ed25519";
            }
        } catch (IOException | RuntimeException e) {
            if (e instanceof KmsException k) {
                throw k;
            }
            throw invalid("the CSR's public key does not decode");
        }
        throw weak("a key of algorithm " + oid.getId() + "; accepted are EC P-256/P-384, RSA >= 2048 bits and Ed25519");
    }

    private static PublicKey toJca(SubjectPublicKeyInfo spki, String keyAlgorithm) {
        String family = keyAlgorithm.startsWith("EC") ? "EC" : keyAlgorithm.startsWith("RSA") ? "RSA" : "Ed25519";
        try {
            return KeyFactory.getInstance(family).generatePublic(new X509EncodedKeySpec(spki.getEncoded()));
        } catch (GeneralSecurityException | IOException | RuntimeException e) {
            throw invalid("the CSR's " + keyAlgorithm + " public key is not valid");
        }
    }

    private static void checkSignature(PKCS10CertificationRequest csr, PublicKey key) {
        ASN1ObjectIdentifier algorithm = csr.getSignatureAlgorithm().getAlgorithm();
        if (!SIGNATURES.contains(algorithm)) {
            throw invalid("the CSR is signed with algorithm " + algorithm.getId() + "; accepted are ECDSA and RSA "
                    + "(PKCS#1 v1.5) with SHA-256/384/512, and Ed25519");
        }
        boolean valid;
        try {
            valid = csr.isSignatureValid(new JcaContentVerifierProviderBuilder().build(key));
        } catch (OperatorCreationException | PKCSException | RuntimeException e) {
            valid = false;
        }
        if (!valid) {
            throw invalid("the CSR's signature does not verify with its public key");
        }
    }

    private static GeneralNames requestedNames(PKCS10CertificationRequest csr) {
        Attribute[] requests = csr.getAttributes(PKCSObjectIdentifiers.pkcs_9_at_extensionRequest);
        if (requests.length == 0) {
            return null;
        }
        if (requests.length > 1 || requests[0].getAttrValues().size() != 1) {
            throw invalid("the CSR must carry at most one extensionRequest attribute with one value");
        }
        try {
            Extensions extensions = Extensions.getInstance(requests[0].getAttrValues().getObjectAt(0));
            return GeneralNames.fromExtensions(extensions, Extension.subjectAlternativeName);
        } catch (RuntimeException e) {
            throw invalid("the CSR's extensionRequest does not decode");
        }
    }

    private static String ipText(GeneralName name) {
        byte[] octets = DEROctetString.getInstance(name.getName()).getOctets();
        if (octets.length != 4 && octets.length != 16) {
            throw invalid("the CSR asks for an IP address SAN of " + octets.length + " bytes");
        }
        try {
            return InetAddress.getByAddress(octets).getHostAddress();
        } catch (UnknownHostException e) {
            throw invalid("the CSR asks for an IP address SAN that does not decode");
        }
    }

    private static KmsException invalid(String message) {
        return KmsException.invalid(FIELD, message);
    }

    private static KmsException weak(String found) {
        return new KmsException(com.zeroui.kms.error.ErrorCode.INVALID_REQUEST, "the CSR holds " + found,
                Map.of("field", FIELD, "reason", "unsupported_key"));
    }

    /**
     * A CSR in PEM for {@code keys} asking for {@code sans}: what {@code kms cert issue|renew} and
     * tests send. The subject is a placeholder; the CA sets the real one.
     */
    public static String create(KeyPair keys, List<GeneralName> sans) {
        String signature = switch (keys.getPublic().getAlgorithm()) {
            case "EC" -> "SHA256withECDSA";
            case "RSA" -> "SHA256withRSA";
            default -> "Ed25519";
        };
        try {
            JcaPKCS10CertificationRequestBuilder builder = new JcaPKCS10CertificationRequestBuilder(
                    new X500Name("CN=kms-enrollment"), keys.getPublic());
            if (!sans.isEmpty()) {
                ExtensionsGenerator extensions = new ExtensionsGenerator();
                extensions.addExtension(Extension.subjectAlternativeName, false,
                        new GeneralNames(sans.toArray(GeneralName[]::new)));
                builder.addAttribute(PKCSObjectIdentifiers.pkcs_9_at_extensionRequest, extensions.generate());
            }
            PKCS10CertificationRequest csr = builder.build(new JcaContentSignerBuilder(signature).build(keys.getPrivate()));
            return com.zeroui.kms.crypto.Pem.encode("CERTIFICATE REQUEST", csr.getEncoded());
        } catch (OperatorCreationException | IOException e) {
            throw new IllegalStateException("cannot build a CSR: " + e.getMessage(), e);
        }
    }
}
