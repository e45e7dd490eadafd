package com.zeroui.kms.backup;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a backup file says about itself, in the clear but authenticated (it is bound into the
 * wrapping of the data key and into every body chunk): which master key can open it, the schema
 * version and engine it came from, the receipt log's size and root, and the row count of every table.
 * It names no secret and no tenant data.
 *
 * @param masterKeyId       the master-key version that wrapped the data key (a provider with versions names each)
 * @param masterKeyProvider where that master key lives: {@code software} (a key file) or {@code pkcs11} (a token)
 * @param tables           rows per table, in the order the body holds them
 * @param tokenKeys        keys held in an HSM token, recorded by reference only
 */
public record BackupHeader(String format, Instant createdAt, String masterKeyId, String masterKeyProvider,
                           int schemaVersion, String sourceEngine, long logSize, String logRootHex,
                           Map<String, Long> tables, List<TokenKeyReference> tokenKeys) {
    public static final String FORMAT = "kms-backup/v1";
    public static final String CIPHER = "AES-256-GCM, " + (ChunkedAead.CHUNK_BYTES >> 20) + " MiB chunks, deflate";
    private static final ObjectMapper JSON = new ObjectMapper();

    public BackupHeader {
        tables = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(tables));
        tokenKeys = List.copyOf(tokenKeys);
    }

    public long rows(String table) {
        return tables.getOrDefault(table, 0L);
    }

    byte[] toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("format", format);
        m.put("cipher", CIPHER);
        m.put("created_at", createdAt.toString());
        m.put("master_key_id", masterKeyId);
        m.put("master_key_provider", masterKeyProvider);
        m.put("schema_version", schemaVersion);
        m.put("source_engine", sourceEngine);
        m.put("log_size", logSize);
        m.put("log_root", logRootHex);
        m.put("tables", tables);
        List<Map<String, String>> refs = new ArrayList<>();
        for (TokenKeyReference r : tokenKeys) {
            Map<String, String> ref = new LinkedHashMap<>();
            ref.put("key_id", r.keyId());
            ref.put("token_label", r.tokenLabel());
            refs.add(ref);
        }
        m.put("token_keys", refs);
        try {
            return JSON.writeValueAsBytes(m);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    static BackupHeader fromJson(byte[] json) {
        try {
            JsonNode n = JSON.readTree(new String(json, StandardCharsets.UTF_8));
            if (!FORMAT.equals(n.path("format").asText())) {
                throw new BackupException(BackupException.Kind.NOT_A_BACKUP, "unknown backup format '"
                        + n.path("format").asText() + "' (this build reads " + FORMAT + ")");
            }
            Map<String, Long> tables = new LinkedHashMap<>();
            n.path("tables").fields().forEachRemaining(e -> tables.put(e.getKey(), e.getValue().asLong()));
            List<TokenKeyReference> refs = new ArrayList<>();
            n.path("token_keys").forEach(r -> refs.add(new TokenKeyReference(r.path("key_id").asText(),
                    r.path("token_label").asText())));
            return new BackupHeader(FORMAT, Instant.parse(n.path("created_at").asText()), n.path("master_key_id").asText(),
                    n.path("master_key_provider").asText("software"), n.path("schema_version").asInt(),
                    n.path("source_engine").asText(), n.path("log_size").asLong(), n.path("log_root").asText(), tables, refs);
        } catch (JsonProcessingException | RuntimeException e) {
            if (e instanceof BackupException be) {
                throw be;
            }
            throw new BackupException(BackupException.Kind.NOT_A_BACKUP, "the backup header does not parse: " + e.getMessage(), e);
        }
    }

    /** The master key as "id (provider)". */
    public String masterKeyLabel() {
        return masterKeyId + " (" + masterKeyProvider + ")";
    }

    /** Row counts sorted by table name, for printing. */
    public Map<String, Long> sortedTables() {
        return new TreeMap<>(tables);
    }
}
