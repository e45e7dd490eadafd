package com.zeroui.kms.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;

/**
 * Sign and encrypt over keys chosen uniformly at random from a seeded population (the scale
 * benchmark): every request names a key drawn afresh, so the key cache sees the population's
 * spread instead of one hot key. Keys come from a file {@link KeySeeder} wrote.
 */
public final class RandomKeyOperations {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final List<String> signingKeys;
    private final List<String> encryptionKeys;

    private RandomKeyOperations(List<String> signingKeys, List<String> encryptionKeys) {
        this.signingKeys = signingKeys;
        this.encryptionKeys = encryptionKeys;
    }

    /** Reads {@code KEY_TYPE<TAB>KEY_ID} lines; Ed25519 keys sign, AES-256 keys encrypt. */
    public static RandomKeyOperations load(Path file) throws IOException {
        List<String> signing = new ArrayList<>();
        List<String> encryption = new ArrayList<>();
        try (var lines = Files.lines(file, StandardCharsets.UTF_8)) {
            lines.forEach(line -> {
                int tab = line.indexOf('\t');
                if (tab > 0) {
                    (line.startsWith("Ed25519") ? signing : encryption).add(line.substring(tab + 1).trim());
                }
            });
        }
        if (signing.isEmpty() || encryption.isEmpty()) {
            throw new IOException(file + " needs both Ed25519 and AES-256 keys (bench --create-keys writes them)");
        }
        return new RandomKeyOperations(List.copyOf(signing), List.copyOf(encryption));
    }

    public int size() {
        return signingKeys.size() + encryptionKeys.size();
    }

    /** Sign, then encrypt, each client alternating (a soak mix of two). */
    public List<Supplier<LoadRunner.Operation>> mix(BenchClient client) {
        String message = Base64.getEncoder().encodeToString(new byte[BenchOperations.MESSAGE_BYTES]);
        String plaintext = Base64.getEncoder().encodeToString(new byte[BenchOperations.PLAINTEXT_BYTES]);
        return List.of(
                () -> () -> client.require2xx(client.postRequest("/sign", body(pick(signingKeys))
                        .put("data", message).put("algorithm", "EdDSA").toString())),
                () -> () -> client.require2xx(client.postRequest("/encrypt", body(pick(encryptionKeys))
                        .put("plaintext", plaintext).put("algorithm", "AES-256-GCM").toString())));
    }

    private static String pick(List<String> keys) {
        return keys.get(ThreadLocalRandom.current().nextInt(keys.size()));
    }

    private static ObjectNode body(String keyId) {
        return JSON.createObjectNode().put("tenant_id", BenchOperations.TENANT).put("environment", "dev")
                .put("plane", "tenant").put("key_id", keyId);
    }
}
