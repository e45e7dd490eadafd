package com.zeroui.kms.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.zeroui.kms.crypto.AeadAlgorithm;
import com.zeroui.kms.crypto.AeadAuthenticationException;
import com.zeroui.kms.crypto.CryptoSuite;
import com.zeroui.kms.crypto.KeyType;
import com.zeroui.kms.crypto.SignatureAlgorithm;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import javax.crypto.SecretKey;

/**
 * The benchmarked operations: each pairs a request to the running service with the same
 * primitive called in-process on {@link CryptoSuite#select} (AUTO), the suite the server picks.
 * Keys are created once, in tenant "bench" (dev, tenant plane), usable by the admin module only.
 */
public final class BenchOperations {
    public static final String TENANT = "bench";
    public static final String ADMIN_MODULE = "kms-admin";
    /** Uses per day of the keys a run creates: far above what a run can do, so the quota never throttles it. */
    static final long BENCH_MAX_USAGE_PER_DAY = 1_000_000_000_000L;
    public static final int MESSAGE_BYTES = 256;
    public static final int PLAINTEXT_BYTES = 1024;

    public static final String SIGN_EDDSA = "sign-eddsa";
    public static final String SIGN_RS256 = "sign-rs256";
    public static final String VERIFY_EDDSA = "verify-eddsa";
    public static final String VERIFY_RS256 = "verify-rs256";
    public static final String ENCRYPT = "encrypt-aes-gcm";
    public static final String DECRYPT = "decrypt-aes-gcm";
    public static final String GET_KEY = "get-key";
    public static final String KEYGEN_ED25519 = "keygen-ed25519";
    public static final String KEYGEN_RSA = "keygen-rsa2048";
    public static final String HEALTH = "health";
    /** Every operation, in the order they run. */
    public static final List<String> ALL = List.of(SIGN_EDDSA, SIGN_RS256, VERIFY_EDDSA, VERIFY_RS256, ENCRYPT, DECRYPT,
            GET_KEY, HEALTH, KEYGEN_ED25519, KEYGEN_RSA);

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final SecureRandom RANDOM = new SecureRandom();

    /** One benchmarked operation; {@code raw} is null where no in-process equivalent exists. */
    public record Definition(String name, String description, Budget budget, boolean keyGeneration,
                             Supplier<LoadRunner.Operation> service, Supplier<LoadRunner.Operation> raw) {
    }

    private BenchOperations() {
    }

    /**
     * Validates a requested list against {@link #ALL}: blanks dropped, duplicates removed, the
     * requested order kept; empty means all.
     */
    public static List<String> select(List<String> requested) {
        Set<String> chosen = new LinkedHashSet<>();
        for (String name : requested) {
            String trimmed = name.trim().toLowerCase(java.util.Locale.ROOT);
            if (trimmed.isEmpty()) {
                continue;
            }
            if (!ALL.contains(trimmed)) {
                throw new IllegalArgumentException("unknown operation '" + name.trim() + "'; known: " + String.join(",", ALL));
            }
            chosen.add(trimmed);
        }
        return chosen.isEmpty() ? ALL : List.copyOf(chosen);
    }

    /** Creates the service-side keys and reference values, then the definitions of {@code names}. */
    public static List<Definition> prepare(BenchClient client, CryptoSuite suite, List<String> names)
            throws IOException, InterruptedException {
        return prepare(client, client, suite, names);
    }

    /** As above; {@code publicClient} (TLS without a client certificate) calls the public health route. */
    public static List<Definition> prepare(BenchClient client, BenchClient publicClient, CryptoSuite suite,
                                           List<String> names) throws IOException, InterruptedException {
        byte[] message = random(MESSAGE_BYTES);
        byte[] plaintext = random(PLAINTEXT_BYTES);
        String ed25519 = createKey(client, "Ed25519", "sign", "verify");
        String rsa = createKey(client, "RSA-2048", "sign", "verify");
        String aes = createKey(client, "AES-256", "encrypt", "decrypt");

        Local local = new Local(suite);
        List<Definition> out = new ArrayList<>();
        for (String name : names) {
            out.add(switch (name) {
                case SIGN_EDDSA -> sign(client, name, ed25519, SignatureAlgorithm.EDDSA, message, local);
                case SIGN_RS256 -> sign(client, name, rsa, SignatureAlgorithm.RS256, message, local);
                case VERIFY_EDDSA -> verify(client, name, ed25519, SignatureAlgorithm.EDDSA, message, local);
                case VERIFY_RS256 -> verify(client, name, rsa, SignatureAlgorithm.RS256, message, local);
                case ENCRYPT -> encrypt(client, aes, plaintext, local);
                case DECRYPT -> decrypt(client, aes, plaintext, local);
                case GET_KEY -> getKey(client, ed25519);
                case HEALTH -> health(publicClient);
                case KEYGEN_ED25519 -> keygen(client, name, KeyType.ED25519, Budget.latency(100), local);
                case KEYGEN_RSA -> keygen(client, name, KeyType.RSA_2048, Budget.latency(1000), local);
                default -> throw new IllegalArgumentException("unknown operation " + name);
            });
        }
        return out;
    }

    // ---- operations ---------------------------------------------------------------------------

    private static Definition sign(BenchClient client, String name, String keyId, SignatureAlgorithm alg, byte[] message,
                                   Local local) {
        BenchClient.Request request = client.postRequest("/sign", json(scoped(keyId)
                .put("data", b64(message)).put("algorithm", alg.apiName())));
        PrivateKey key = local.privateKey(alg.keyType());
        return new Definition(name, alg.apiName() + " over " + MESSAGE_BYTES + " bytes",
                Budget.latencyAndThroughput(50, 1000), false,
                () -> () -> client.require2xx(request),
                () -> () -> local.suite.sign(alg, key, message));
    }

    private static Definition verify(BenchClient client, String name, String keyId, SignatureAlgorithm alg,
                                     byte[] message, Local local) throws IOException, InterruptedException {
        JsonNode signed = JSON.readTree(client.require2xx(client.postRequest("/sign", json(scoped(keyId)
                .put("data", b64(message)).put("algorithm", alg.apiName())))));
        BenchClient.Request request = client.postRequest("/verify", json(scoped(keyId).put("data", b64(message))
                .put("signature", signed.get("signature").asText()).put("algorithm", alg.apiName())));
        PublicKey publicKey = local.publicKey(alg.keyType());
        byte[] localSignature = local.suite.sign(alg, local.privateKey(alg.keyType()), message);
        return new Definition(name, alg.apiName() + " over " + MESSAGE_BYTES + " bytes, valid signature",
                Budget.latencyAndThroughput(10, 2000), false,
                () -> () -> {
                    String body = client.require2xx(request);
                    if (!body.contains("\"valid\":true")) {
                        throw new IOException("verify answered without valid:true: " + body);
                    }
                },
                () -> () -> {
                    if (!local.suite.verify(alg, publicKey, message, localSignature)) {
                        throw new IllegalStateException("in-process " + alg + " signature did not verify");
                    }
                });
    }

    private static Definition encrypt(BenchClient client, String keyId, byte[] plaintext, Local local) {
        BenchClient.Request request = client.postRequest("/encrypt", json(scoped(keyId).put("plaintext", b64(plaintext))
                .put("algorithm", AeadAlgorithm.AES_256_GCM.apiName())));
        SecretKey key = local.aesKey;
        byte[] noAad = new byte[0];
        return new Definition(ENCRYPT, "AES-256-GCM, " + PLAINTEXT_BYTES + "-byte plaintext, random IV", Budget.NONE,
                false,
                () -> () -> client.require2xx(request),
                () -> () -> local.suite.seal(AeadAlgorithm.AES_256_GCM, key, CryptoSuite.randomNonce(), plaintext, noAad));
    }

    private static Definition decrypt(BenchClient client, String keyId, byte[] plaintext, Local local)
            throws IOException, InterruptedException {
        JsonNode sealed = JSON.readTree(client.require2xx(client.postRequest("/encrypt", json(scoped(keyId)
                .put("plaintext", b64(plaintext)).put("algorithm", AeadAlgorithm.AES_256_GCM.apiName())))));
        BenchClient.Request request = client.postRequest("/decrypt", json(scoped(keyId)
                .put("ciphertext", sealed.get("ciphertext").asText()).put("iv", sealed.get("iv").asText())
                .put("algorithm", AeadAlgorithm.AES_256_GCM.apiName())));
        byte[] nonce = CryptoSuite.randomNonce();
        byte[] noAad = new byte[0];
        byte[] localSealed = local.suite.seal(AeadAlgorithm.AES_256_GCM, local.aesKey, nonce, plaintext, noAad);
        return new Definition(DECRYPT, "AES-256-GCM, " + PLAINTEXT_BYTES + "-byte plaintext", Budget.NONE, false,
                () -> () -> client.require2xx(request),
                () -> () -> {
                    try {
                        local.suite.open(AeadAlgorithm.AES_256_GCM, local.aesKey, nonce, localSealed, noAad);
                    } catch (AeadAuthenticationException e) {
                        throw new IllegalStateException("in-process AES-GCM ciphertext did not authenticate", e);
                    }
                });
    }

    private static Definition getKey(BenchClient client, String keyId) {
        BenchClient.Request request = client.getRequest("/keys/" + URLEncoder.encode(keyId, StandardCharsets.UTF_8)
                + "?tenant_id=" + TENANT + "&environment=dev&plane=tenant");
        return new Definition(GET_KEY, "GET /keys/{key_id} (Ed25519 key metadata)", Budget.latency(20), false,
                () -> () -> client.require2xx(request), null);
    }

    /** GET /health as a load balancer calls it: no client certificate, keep-alive. */
    private static Definition health(BenchClient client) {
        BenchClient.Request request = client.getRequest("/health");
        return new Definition(HEALTH, "GET /health (no client certificate)", Budget.NONE, false,
                () -> () -> client.require2xx(request), null);
    }

    private static Definition keygen(BenchClient client, String name, KeyType type, Budget budget, Local local) {
        BenchClient.Request request = client.postRequest("/keys", json(keyRequest(type.apiName(), "sign", "verify")));
        return new Definition(name, "POST /keys " + type.apiName() + " (generate, wrap, durable insert)", budget, true,
                () -> () -> client.require2xx(request),
                () -> () -> local.suite.generate(type).material().destroy());
    }

    // ---- set-up ---------------------------------------------------------------------------------

    /** In-process keys of the same types, from the same suite, for the raw side of each pair. */
    private static final class Local {
        final CryptoSuite suite;
        final Map<KeyType, CryptoSuite.GeneratedKey> pairs;
        final SecretKey aesKey;

        Local(CryptoSuite suite) {
            this.suite = suite;
            this.pairs = Map.of(KeyType.ED25519, suite.generate(KeyType.ED25519),
                    KeyType.RSA_2048, suite.generate(KeyType.RSA_2048));
            CryptoSuite.GeneratedKey aes = suite.generate(KeyType.AES_256);
            this.aesKey = CryptoSuite.secretKey(aes.material(), AeadAlgorithm.AES_256_GCM);
            aes.material().destroy();
        }

        PrivateKey privateKey(KeyType type) {
            return suite.privateKey(type, pairs.get(type).material());
        }

        PublicKey publicKey(KeyType type) {
            return suite.publicKey(type, pairs.get(type).publicKeySpki());
        }
    }

    private static String createKey(BenchClient client, String keyType, String... usage)
            throws IOException, InterruptedException {
        JsonNode created = JSON.readTree(client.require2xx(client.postRequest("/keys", json(keyRequest(keyType, usage)))));
        return created.get("key_id").asText();
    }

    static ObjectNode keyRequest(String keyType, String... usage) {
        ObjectNode body = scope().put("key_type", keyType);
        var usages = body.putArray("key_usage");
        for (String u : usage) {
            usages.add(u);
        }
        ObjectNode policy = body.putObject("access_policy");
        policy.putArray("allowed_modules").add(ADMIN_MODULE);
        // a run drives one key per operation far past the default daily quota (100,000 uses)
        policy.put("max_usage_per_day", BENCH_MAX_USAGE_PER_DAY);
        return body;
    }

    private static ObjectNode scope() {
        return JSON.createObjectNode().put("tenant_id", TENANT).put("environment", "dev").put("plane", "tenant");
    }

    private static ObjectNode scoped(String keyId) {
        return scope().put("key_id", keyId);
    }

    private static String json(ObjectNode node) {
        return node.toString();
    }

    private static String b64(byte[] bytes) {
        return Base64.getEncoder().encodeToString(bytes);
    }

    private static byte[] random(int size) {
        byte[] out = new byte[size];
        RANDOM.nextBytes(out);
        return out;
    }
}
