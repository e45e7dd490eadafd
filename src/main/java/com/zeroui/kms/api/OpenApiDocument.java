package com.zeroui.kms.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.zeroui.kms.crypto.KeyType;
import com.zeroui.kms.crypto.PublicKeyForm;
import com.zeroui.kms.crypto.SignatureAlgorithm;
import com.zeroui.kms.events.EventType;
import com.zeroui.kms.keystore.ProtectionLevel;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The served OpenAPI document: src/main/resources/openapi.json with every {@code "x-kms-enum": name}
 * replaced by {@code "enum": [...]} from the domain's enums, so adding a key type, algorithm, usage
 * or event type updates the document without editing it. An unknown name fails start-up.
 */
final class OpenApiDocument {
    static final String MARKER = "x-kms-enum";

    /** The vocabularies a marker may name; each list is what requests accept or responses carry. */
    static final Map<String, Supplier<List<String>>> VOCABULARIES = Map.ofEntries(
            Map.entry("key_types", () -> Fields.KEY_TYPES),
            Map.entry("public_key_types", () -> Arrays.stream(KeyType.values()).filter(t -> t.publicKeyForm().isPresent())
                    .map(KeyType::apiName).toList()),
            Map.entry("key_usages", () -> Fields.KEY_USAGES),
            Map.entry("signature_algorithms", () -> Fields.SIGNATURE_ALGORITHMS),
            Map.entry("jwk_algorithms", () -> Arrays.stream(KeyType.values()).filter(KeyType::publishedInJwks)
                    .map(t -> SignatureAlgorithm.defaultFor(t).apiName()).toList()),
            Map.entry("jwk_key_types", () -> Arrays.stream(KeyType.values()).flatMap(t -> t.publicKeyForm().stream())
                    .map(PublicKeyForm::kty).distinct().toList()),
            Map.entry("jwk_curves", () -> Arrays.stream(KeyType.values()).flatMap(t -> t.publicKeyForm().stream())
                    .flatMap(f -> f.curve().stream()).distinct().toList()),
            Map.entry("aead_algorithms", () -> Fields.AEAD_ALGORITHMS),
            Map.entry("mac_algorithms", () -> Fields.MAC_ALGORITHMS),
            Map.entry("batch_operations", () -> BatchRoutes.OPERATIONS),
            Map.entry("derived_key_types", () -> DerivationRoutes.STORE_TYPES),
            Map.entry("protection_levels", () -> Arrays.stream(ProtectionLevel.values()).map(ProtectionLevel::apiName).toList()),
            Map.entry("event_types", () -> Arrays.stream(EventType.values()).map(EventType::apiName).toList()));

    private OpenApiDocument() {
    }

    static byte[] load(ObjectMapper mapper) {
        try (InputStream in = OpenApiDocument.class.getResourceAsStream("/openapi.json")) {
            if (in == null) {
                throw new IllegalStateException("openapi.json is missing from the classpath");
            }
            JsonNode document = mapper.readTree(in);
            fill(document);
            return mapper.writeValueAsBytes(document);
        } catch (IOException e) {
            throw new IllegalStateException("openapi.json does not parse", e);
        }
    }

    /** Replaces every marker in place, keeping the key's position. */
    static void fill(JsonNode node) {
        if (node instanceof ObjectNode object) {
            JsonNode marker = object.get(MARKER);
            if (marker != null) {
                Supplier<List<String>> values = VOCABULARIES.get(marker.asText());
                if (values == null) {
                    throw new IllegalStateException("openapi.json names an unknown " + MARKER + ": " + marker);
                }
                ArrayNode array = object.arrayNode();
                values.get().forEach(array::add);
                ObjectNode copy = object.deepCopy();
                object.removeAll();
                copy.fields().forEachRemaining(f -> object.set(f.getKey().equals(MARKER) ? "enum" : f.getKey(),
                        f.getKey().equals(MARKER) ? array : f.getValue()));
            }
            object.forEach(OpenApiDocument::fill);
        } else if (node instanceof ArrayNode array) {
            array.forEach(OpenApiDocument::fill);
        }
    }
}
