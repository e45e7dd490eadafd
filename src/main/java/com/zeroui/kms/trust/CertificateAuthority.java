package com.zeroui.kms.trust;

import com.zeroui.kms.auth.Role;
import com.zeroui.kms.auth.SpiffeIdentities;
import com.zeroui.kms.crypto.Pem;
import com.zeroui.kms.keystore.MasterKeyException;
import com.zeroui.kms.keystore.MasterKeyProvider;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * Loads the internal CA from the store (creating it on first start) and issues client and server
 * certificates from it. CA private keys are stored only wrapped by the master key, bound to the
 * CA id as associated data.
 */
public final class CertificateAuthority {
    private final InternalCa ca;
    private final CaRepository repository;
    private final SpiffeIdentities identities;

    private CertificateAuthority(InternalCa ca, CaRepository repository, SpiffeIdentities identities) {
        this.ca = ca;
        this.repository = repository;
        this.identities = identities;
    }

    public static CertificateAuthority loadOrCreate(CaRepository repository, MasterKeyProvider masterKey,
                                                    SpiffeIdentities identities, Clock clock) {
        var storedRoot = repository.find(InternalCa.ROOT_ID);
        var storedIssuing = repository.find(InternalCa.ISSUING_ID);
        if (storedRoot.isEmpty() && storedIssuing.isEmpty()) {
            InternalCa.Generated generated = InternalCa.generate(identities.trustDomain(), clock);
            boolean won = repository.insertIfAbsent(stored(InternalCa.ROOT_ID, "root", generated.ca().root(),
                    generated.rootKeys(), masterKey, clock))
                    & repository.insertIfAbsent(stored(InternalCa.ISSUING_ID, "issuing", generated.ca().issuing(),
                    generated.issuingKeys(), masterKey, clock));
            if (won) {
                return new CertificateAuthority(generated.ca(), repository, identities);
            }
            // another process bootstrapped concurrently: use what it stored
            storedRoot = repository.find(InternalCa.ROOT_ID);
            storedIssuing = repository.find(InternalCa.ISSUING_ID);
        }
        if (storedRoot.isEmpty() || storedIssuing.isEmpty()) {
            throw new IllegalStateException("internal CA is incomplete in the database (root present: "
                    + storedRoot.isPresent() + ", issuing present: " + storedIssuing.isPresent() + ")");
        }
        X509Certificate root = Pem.parseCertificates(storedRoot.get().certificatePem()).get(0);
        X509Certificate issuing = Pem.parseCertificates(storedIssuing.get().certificatePem()).get(0);
        PrivateKey issuingKey = unwrapKey(storedIssuing.get(), masterKey);
        return new CertificateAuthority(new InternalCa(root, issuing, issuingKey, clock), repository, identities);
    }

    private static CaRepository.StoredCa stored(String id, String role, X509Certificate cert, KeyPair keys,
                                                MasterKeyProvider masterKey, Clock clock) {
        byte[] pkcs8 = keys.getPrivate().getEncoded();
        try {
            return new CaRepository.StoredCa(id, role, Pem.certificate(cert), masterKey.wrap(pkcs8, aad(id)),
                    masterKey.keyId(), clock.instant());
        } catch (MasterKeyException e) {
            throw new IllegalStateException("cannot wrap the CA key " + id + ": " + e.getMessage(), e);
        } finally {
            Arrays.fill(pkcs8, (byte) 0);
        }
    }

    private static PrivateKey unwrapKey(CaRepository.StoredCa stored, MasterKeyProvider masterKey) {
        byte[] pkcs8 = null;
        try {
            pkcs8 = masterKey.unwrap(stored.wrappedPrivateKey(), aad(stored.caId()));
            return KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
        } catch (MasterKeyException e) {
            throw new IllegalStateException("cannot unwrap the CA key " + stored.caId() + " (stored under master key "
                    + stored.masterKeyId() + ", loaded master key " + masterKey.keyId() + "): " + e.getMessage(), e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("stored CA key " + stored.caId() + " does not decode", e);
        } finally {
            if (pkcs8 != null) {
                Arrays.fill(pkcs8, (byte) 0);
            }
        }
    }

    /**
     * A CA's private key, unwrapped from the store, for signing its CRLs. Callers hold it only
     * while they sign: the root key in particular is otherwise never in memory.
     */
    public static PrivateKey loadCaKey(CaRepository repository, MasterKeyProvider masterKey, String caId) {
        return unwrapKey(repository.find(caId).orElseThrow(() -> new IllegalStateException("no CA " + caId + " in the store")),
                masterKey);
    }

    /** Associated data binding a wrapped CA key to its CA id (master-key rotation re-wraps with it). */
    public static byte[] aad(String caId) {
        return ("kms/v1/ca/" + caId).getBytes(StandardCharsets.UTF_8);
    }

    public InternalCa ca() {
        return ca;
    }

    /** Root then issuing CA: what a relying party needs to build a path. */
    public List<X509Certificate> caChain() {
        return List.of(ca.issuing(), ca.root());
    }

    /** A client credential: a fresh P-256 key, its certificate and the chain up to the issuing CA. */
    public record ClientCredential(X509Certificate certificate, PrivateKey privateKey, List<X509Certificate> chain) {
    }

    public ClientCredential issueClient(String moduleId, String tenantId, Set<Role> roles, Duration ttl) {
        List<String> uris = new ArrayList<>();
        uris.add(identities.spiffeId(tenantId, moduleId));
        roles.stream().sorted().forEach(r -> uris.add(r.urn()));
        KeyPair keys = InternalCa.newEcKeyPair();
        X509Certificate cert = ca.issueClient(keys.getPublic(), moduleId, uris, ttl);
        repository.recordIssued(new CaRepository.IssuedCertificate(cert.getSerialNumber().toString(16),
                InternalCa.ISSUING_ID, uris.get(0), "client", cert.getNotBefore().toInstant(),
                cert.getNotAfter().toInstant(), Pem.certificate(cert)));
        return new ClientCredential(cert, keys.getPrivate(), List.of(cert, ca.issuing()));
    }

    /**
     * Writes {@code cert.pem} (leaf then issuing CA), {@code key.pem} (PKCS#8, 0600) and
     * {@code ca.pem} (the root) into {@code dir}, each atomically.
     */
    public void writeCredential(ClientCredential credential, Path certFile, Path keyFile, Path caFile) throws IOException {
        writeAtomically(certFile, Pem.certificates(credential.chain()), false);
        writeAtomically(keyFile, Pem.privateKey(credential.privateKey()), true);
        writeAtomically(caFile, Pem.certificate(ca.root()), false);
    }

    public static void writeAtomically(Path file, String content, boolean secret) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        if (!Files.isDirectory(dir)) { // a directory of credentials: the owner's alone
            Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        }
        Path tmp = Files.createTempFile(dir, ".tmp-", ".pem",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString(secret ? "rw-------" : "rw-r--r--")));
        Files.writeString(tmp, content, StandardCharsets.US_ASCII);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
