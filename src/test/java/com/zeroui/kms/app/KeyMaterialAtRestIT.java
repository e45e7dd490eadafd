package com.zeroui.kms.app;

import static com.zeroui.kms.support.ErrorResponseAssert.assertError;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.zeroui.kms.crypto.Pem;
import com.zeroui.kms.keystore.SoftwareMasterKeyProvider;
import com.zeroui.kms.support.KmsClient;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.security.KeyFactory;
import java.security.SecureRandom;
import java.security.interfaces.EdECPrivateKey;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sqlite.SQLiteConfig;

/**
 * Private and secret key bytes never reach the disk or the log in the clear. A node in a child JVM
 * generates and uses RSA, Ed25519 and AES keys; the test recovers their plaintext material the way
 * only a holder of master.key can (unwrapping the stored blobs), then searches every other file of
 * the data directory, and the node's whole output, for that material in every usual encoding.
 */
class KeyMaterialAtRestIT {
    private static final String TENANT = "t-rest";
    private static final byte[] PLAINTEXT = "a message for the at-rest test".getBytes(StandardCharsets.UTF_8);

    @TempDir
    static Path tmp;

    static Path data;
    static Path afterCrash;
    static byte[] nodeOutput;
    static final Map<String, Created> created = new LinkedHashMap<>();
    static final Map<String, byte[]> wrapped = new LinkedHashMap<>();
    static final Map<String, byte[]> plaintextMaterial = new LinkedHashMap<>();
    static final LeakSearch search = new LeakSearch();

    /** What the API returned for a key: its type, its public key, and for AES one ciphertext. */
    record Created(String keyId, String type, String publicKeyPem, String ciphertextB64, String ivB64) {
    }

    @BeforeAll
    static void generateUseAndCrash() throws Exception {
        data = tmp.resolve("data");
        Path logConfig = Paths.get(KeyMaterialAtRestIT.class.getResource("/kms-process-logback.xml").toURI());
        try (KmsProcess node = KmsProcess.start(data, tmp.resolve("logs"), List.of("-Dlogback.configurationFile=" + logConfig))) {
            KmsClient admin = node.admin();
            for (String type : List.of("RSA-2048", "RSA-2048", "Ed25519", "Ed25519", "AES-256", "AES-256")) {
                Created key = createAndUse(admin, type);
                created.put(key.keyId(), key);
            }
            // Never used before its blob is damaged, so the node must unwrap it from the store and fail.
            String tampered = create(admin, "Ed25519", "sign", "verify").text("key_id");

            readAndUnwrapStoredMaterial();
            damageWrappedMaterial(tampered);
            var failure = assertError(admin.sign(TENANT, tampered, PLAINTEXT, null), 500, "INTERNAL_ERROR");
            assertThat(failure.path("details").path("incident_id").asText()).isNotEmpty();

            node.kill(); // leaves the WAL and its index as a crash would
            nodeOutput = node.output();
        }
        assertThat(data.resolve("kms.db-wal")).as("the WAL survives the crash, so it is searched").isNotEmptyFile();
        afterCrash = tmp.resolve("after-crash");
        copyTree(data, afterCrash);
        checkpoint(); // now the main database file holds every page

        plaintextMaterial.forEach(KeyMaterialAtRestIT::addSecrets);
    }

    @AfterAll
    static void clear() {
        plaintextMaterial.values().forEach(b -> Arrays.fill(b, (byte) 0));
    }

    private static Created createAndUse(KmsClient admin, String type) throws Exception {
        boolean aes = type.equals("AES-256");
        KmsClient.Response r = aes ? create(admin, type, "encrypt", "decrypt") : create(admin, type, "sign", "verify");
        String keyId = r.text("key_id");
        if (aes) {
            KmsClient.Response enc = null;
            for (String alg : List.of("CHACHA20-POLY1305", "AES-256-GCM")) {
                enc = admin.encrypt(TENANT, keyId, PLAINTEXT, null, alg);
                assertThat(enc.status()).as(enc.body()).isEqualTo(200);
                KmsClient.Response dec = admin.decrypt(TENANT, keyId, enc.text("ciphertext"), enc.text("iv"), null, alg);
                assertThat(dec.status()).as(dec.body()).isEqualTo(200);
            }
            byte[] flipped = Base64.getDecoder().decode(enc.text("ciphertext"));
            flipped[0] ^= 1;
            assertError(admin.decrypt(TENANT, keyId, Base64.getEncoder().encodeToString(flipped), enc.text("iv"), null, null),
                    400, "INVALID_REQUEST");
            assertError(admin.sign(TENANT, keyId, PLAINTEXT, null), 400, "INVALID_REQUEST");
            return new Created(keyId, type, null, enc.text("ciphertext"), enc.text("iv"));
        }
        List<String> algorithms = type.equals("RSA-2048") ? List.of("RS256", "PS256") : List.of("EdDSA");
        for (String alg : algorithms) {
            KmsClient.Response signed = admin.sign(TENANT, keyId, PLAINTEXT, alg);
            assertThat(signed.status()).as(signed.body()).isEqualTo(200);
            assertThat(admin.verify(TENANT, keyId, PLAINTEXT, signed.text("signature"), alg).json().get("valid").asBoolean())
                    .isTrue();
        }
        assertError(admin.sign(TENANT, keyId, PLAINTEXT, type.equals("RSA-2048") ? "EdDSA" : "RS256"), 400, "INVALID_REQUEST");
        assertError(admin.encrypt(TENANT, keyId, PLAINTEXT, null, null), 400, "INVALID_REQUEST");
        return new Created(keyId, type, r.text("public_key"), null, null);
    }

    private static KmsClient.Response create(KmsClient admin, String type, String... usage) {
        ObjectNode body = KmsClient.scope(TENANT, "dev", "tenant").put("key_type", type);
        var array = body.putArray("key_usage");
        for (String u : usage) {
            array.add(u);
        }
        body.putObject("access_policy").putArray("allowed_modules").add(DataDirectory.ADMIN_MODULE);
        KmsClient.Response r = admin.post("/keys", body);
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        return r;
    }

    /** Plain JDBC, read-only, beside the running node: the rows as stored, unwrapped with master.key. */
    private static void readAndUnwrapStoredMaterial() throws Exception {
        SQLiteConfig readOnly = new SQLiteConfig();
        readOnly.setReadOnly(true);
        readOnly.setBusyTimeout(10_000);
        SoftwareMasterKeyProvider masterKey = SoftwareMasterKeyProvider.load(data.resolve("master.key"));
        try (masterKey;
             Connection c = DriverManager.getConnection("jdbc:sqlite:" + data.resolve("kms.db"), readOnly.toProperties());
             PreparedStatement ps = c.prepareStatement(
                     "SELECT key_id, tenant_id, wrapped_material FROM kms_keys WHERE tenant_id = ?")) {
            ps.setString(1, TENANT);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String keyId = rs.getString(1);
                    byte[] blob = rs.getBytes(3);
                    byte[] aad = ("kms/v1/key/" + rs.getString(2) + "/" + keyId).getBytes(StandardCharsets.UTF_8);
                    wrapped.put(keyId, blob);
                    plaintextMaterial.put(keyId, masterKey.unwrap(blob, aad));
                }
            }
        }
        assertThat(plaintextMaterial).hasSize(created.size() + 1);
    }

    private static void damageWrappedMaterial(String keyId) throws Exception {
        SQLiteConfig config = new SQLiteConfig();
        config.setBusyTimeout(10_000);
        byte[] blob = wrapped.get(keyId).clone();
        blob[blob.length - 1] ^= 1; // the GCM tag
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + data.resolve("kms.db"), config.toProperties());
             PreparedStatement ps = c.prepareStatement("UPDATE kms_keys SET wrapped_material = ? WHERE key_id = ?")) {
            ps.setBytes(1, blob);
            ps.setString(2, keyId);
            assertThat(ps.executeUpdate()).isEqualTo(1);
        }
        wrapped.put(keyId, blob); // what the store holds from now on
    }

    private static void checkpoint() throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + data.resolve("kms.db"));
             Statement s = c.createStatement()) {
            s.execute("PRAGMA wal_checkpoint(TRUNCATE)");
        }
    }

    /** The material itself plus the secret numbers inside it: the RSA private exponent and primes, the Ed25519 seed. */
    private static void addSecrets(String keyId, byte[] material) {
        String type = typeOf(keyId);
        try {
            switch (type) {
                case "RSA-2048" -> {
                    search.addSecret(keyId + " PKCS#8", material);
                    RSAPrivateCrtKey key = (RSAPrivateCrtKey) KeyFactory.getInstance("RSA")
                            .generatePrivate(new PKCS8EncodedKeySpec(material));
                    search.addSecret(keyId + " private exponent", unsigned(key.getPrivateExponent()));
                    search.addSecret(keyId + " prime p", unsigned(key.getPrimeP()));
                    search.addSecret(keyId + " prime q", unsigned(key.getPrimeQ()));
                }
                case "Ed25519" -> {
                    search.addSecret(keyId + " PKCS#8", material);
                    search.addSecret(keyId + " seed", ed25519Seed(material));
                }
                case "AES-256" -> search.addSecret(keyId + " secret", material);
                default -> throw new AssertionError(type);
            }
        } catch (java.security.GeneralSecurityException e) {
            throw new AssertionError("stored material of " + keyId + " does not decode", e);
        }
    }

    private static String typeOf(String keyId) {
        Created key = created.get(keyId);
        return key == null ? "Ed25519" : key.type(); // the one not in `created` is the damaged Ed25519 key
    }

    private static byte[] ed25519Seed(byte[] pkcs8) throws java.security.GeneralSecurityException {
        EdECPrivateKey key = (EdECPrivateKey) KeyFactory.getInstance("Ed25519").generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
        return key.getBytes().orElseThrow();
    }

    private static byte[] unsigned(BigInteger n) {
        byte[] b = n.toByteArray();
        return b[0] == 0 ? Arrays.copyOfRange(b, 1, b.length) : b;
    }

    // ---- the tests ------------------------------------------------------------------------------

    /** Without this, finding nothing could mean the test looked at the wrong bytes. */
    @Test
    void unwrappedMaterialIsTheMaterialTheNodeUses() throws Exception {
        for (Created key : created.values()) {
            byte[] material = plaintextMaterial.get(key.keyId());
            switch (key.type()) {
                case "RSA-2048" -> {
                    RSAPrivateCrtKey priv = (RSAPrivateCrtKey) KeyFactory.getInstance("RSA")
                            .generatePrivate(new PKCS8EncodedKeySpec(material));
                    RSAPublicKey pub = (RSAPublicKey) KeyFactory.getInstance("RSA")
                            .generatePublic(new X509EncodedKeySpec(pemBody(key.publicKeyPem())));
                    assertThat(priv.getModulus()).isEqualTo(pub.getModulus());
                }
                case "Ed25519" -> {
                    byte[] seed = ed25519Seed(material);
                    assertThat(seed).hasSize(32);
                    byte[] spki = pemBody(key.publicKeyPem());
                    assertThat(new Ed25519PrivateKeyParameters(seed, 0).generatePublicKey().getEncoded())
                            .isEqualTo(Arrays.copyOfRange(spki, spki.length - 32, spki.length));
                }
                case "AES-256" -> {
                    assertThat(material).hasSize(32);
                    Cipher gcm = Cipher.getInstance("AES/GCM/NoPadding");
                    gcm.init(Cipher.DECRYPT_MODE, new SecretKeySpec(material, "AES"),
                            new GCMParameterSpec(128, Base64.getDecoder().decode(key.ivB64())));
                    assertThat(gcm.doFinal(Base64.getDecoder().decode(key.ciphertextB64()))).isEqualTo(PLAINTEXT);
                }
                default -> throw new AssertionError(key.type());
            }
        }
    }

    @Test
    void searchFindsKeyMaterialWhereItWasWrittenOnPurpose() throws Exception {
        Path control = Files.createDirectories(tmp.resolve("control"));
        SecureRandom random = new SecureRandom();
        for (var entry : plaintextMaterial.entrySet()) {
            byte[] material = entry.getValue();
            List<Path> planted = new ArrayList<>();
            planted.add(Files.write(control.resolve("raw"), concat(noise(random, 7), material, noise(random, 5))));
            planted.add(Files.writeString(control.resolve("hex.txt"), "k=" + java.util.HexFormat.of().formatHex(material)));
            planted.add(Files.writeString(control.resolve("HEX.txt"),
                    "k=" + java.util.HexFormat.of().withUpperCase().formatHex(material) + "\n"));
            for (int offset = 0; offset < 3; offset++) {
                byte[] embedded = concat(noise(random, offset + 3), material, noise(random, 4));
                planted.add(Files.writeString(control.resolve("b64-" + offset + ".log"),
                        "INFO value=" + Base64.getEncoder().encodeToString(embedded) + " end\n"));
                planted.add(Files.writeString(control.resolve("b64url-" + offset + ".json"),
                        "{\"d\":\"" + Base64.getUrlEncoder().withoutPadding().encodeToString(embedded) + "\"}"));
                planted.add(Files.writeString(control.resolve("mime-" + offset + ".pem"),
                        Pem.encode("PRIVATE KEY", embedded)));
            }
            for (Path file : planted) {
                assertThat(search.findIn(file)).as("the search finds %s planted in %s", entry.getKey(), file.getFileName())
                        .anyMatch(hit -> hit.contains(entry.getKey()));
            }
        }
        // Finer grain: the secrets inside the material are found on their own as well.
        for (Created key : created.values()) {
            if (key.type().equals("RSA-2048")) {
                RSAPrivateCrtKey priv = (RSAPrivateCrtKey) KeyFactory.getInstance("RSA")
                        .generatePrivate(new PKCS8EncodedKeySpec(plaintextMaterial.get(key.keyId())));
                Path file = Files.writeString(control.resolve("d.txt"),
                        "d=" + Base64.getEncoder().encodeToString(unsigned(priv.getPrivateExponent())));
                assertThat(search.findIn(file)).contains(file + ": " + key.keyId() + " private exponent (base64, offset 0)");
            } else if (key.type().equals("Ed25519")) {
                Path file = Files.write(control.resolve("seed"), ed25519Seed(plaintextMaterial.get(key.keyId())));
                assertThat(search.findIn(file)).contains(file + ": " + key.keyId() + " seed (raw)");
            }
        }
    }

    @Test
    void noFileInTheDataDirectoryHoldsKeyMaterialRightAfterACrash() {
        List<Path> files = LeakSearch.files(afterCrash, f -> !f.getFileName().toString().equals("master.key"));
        assertThat(files.stream().map(f -> afterCrash.relativize(f).toString()))
                .contains("kms.db", "kms.db-wal", "kms.db-shm", "tls/ca.pem", "tls/admin.pem", "tls/admin.key");
        assertThat(files.stream().flatMap(f -> search.findIn(f).stream())).isEmpty();
        assertStoredBlobsAreAmong(files);
    }

    @Test
    void noFileInTheDataDirectoryHoldsKeyMaterialAfterACheckpoint() {
        List<Path> files = LeakSearch.files(data, f -> !f.getFileName().toString().equals("master.key"));
        assertThat(files.stream().map(f -> data.relativize(f).toString())).contains("kms.db", "tls/admin.key");
        assertThat(files.stream().flatMap(f -> search.findIn(f).stream())).isEmpty();
        assertStoredBlobsAreAmong(List.of(data.resolve("kms.db")));
    }

    @Test
    void nodeOutputHoldsNoKeyMaterial() {
        String output = new String(nodeOutput, StandardCharsets.UTF_8);
        assertThat(output).as("the capture holds the node's output").contains("kms: listening on");
        assertThat(output).as("and its log, including the failed unwrap").contains("incident");
        assertThat(search.findIn("node output", nodeOutput)).isEmpty();
    }

    /** The wrapped blobs are in the searched files: the search looked where the material is kept. */
    private static void assertStoredBlobsAreAmong(List<Path> files) {
        List<byte[]> contents = files.stream().map(KeyMaterialAtRestIT::read).toList();
        List<String> notFound = wrapped.entrySet().stream()
                .filter(blob -> contents.stream().noneMatch(content -> LeakSearch.indexOf(content, blob.getValue()) >= 0))
                .map(Map.Entry::getKey).toList();
        assertThat(notFound).as("keys whose wrapped blob is not in %s", files).isEmpty();
    }

    private static byte[] read(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static byte[] noise(SecureRandom random, int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }

    private static byte[] concat(byte[]... parts) {
        int n = Stream.of(parts).mapToInt(p -> p.length).sum();
        byte[] out = new byte[n];
        int at = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, out, at, p.length);
            at += p.length;
        }
        return out;
    }

    private static byte[] pemBody(String pem) {
        return Base64.getMimeDecoder().decode(pem.replaceAll("-----[A-Z ]+-----", ""));
    }

    private static void copyTree(Path from, Path to) throws java.io.IOException {
        for (Path f : LeakSearch.files(from, p -> true)) {
            Path target = to.resolve(from.relativize(f).toString());
            Files.createDirectories(target.getParent());
            Files.copy(f, target);
        }
    }
}
