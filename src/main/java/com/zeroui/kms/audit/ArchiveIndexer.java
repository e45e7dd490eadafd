package com.zeroui.kms.audit;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Indexes a sealed archive for instant retrieval: one pass over the file records where each receipt
 * lies (byte offset and length) with its searchable fields, and writes the archive's node file
 * ({@link ArchiveNodes}). The pass recomputes the tree from the start frontier and must reach the
 * root the seal recorded, so an archive that changed since it was sealed is not indexed. Entries
 * are written in chunks, then the archive row: a run interrupted midway is simply run again.
 */
public final class ArchiveIndexer {
    static final int CHUNK = 2_000;
    private static final TypeReference<LinkedHashMap<String, Object>> MAP = new TypeReference<>() {
    };

    private final ArchiveIndex index;
    private final ArchiveStore store;
    private final Clock clock;
    private final ObjectMapper mapper = new ObjectMapper();

    public ArchiveIndexer(ArchiveIndex index, ArchiveStore store, Clock clock) {
        this.index = index;
        this.store = store;
        this.clock = clock;
    }

    /** Indexes every recorded seal that has no index yet (those sealed before indexing existed, or interrupted). */
    public int indexMissing(List<AuditRepository.Seal> seals) throws IOException {
        java.util.Set<Long> indexed = new java.util.HashSet<>();
        index.archives().forEach(a -> indexed.add(a.firstIndex()));
        int n = 0;
        for (AuditRepository.Seal seal : seals) {
            if (!indexed.contains(seal.firstIndex()) && store.exists(seal.archiveFile())) {
                index(seal);
                n++;
            }
        }
        return n;
    }

    public ArchiveIndex.Archive index(AuditRepository.Seal seal) throws IOException {
        ArchiveNodes layout = new ArchiveNodes(seal.firstIndex(), seal.endIndex());
        String nodesFile = ArchiveNodes.fileFor(seal.archiveFile());
        Path tmp = Files.createTempFile("kms-archive-nodes-", ".tmp");
        try (FileChannel nodes = FileChannel.open(tmp, StandardOpenOption.WRITE);
             InputStream in = store.open(seal.archiveFile());
             JsonParser p = mapper.getFactory().createParser(in)) {
            Pass pass = new Pass(seal, layout, nodes);
            pass.run(p);
            byte[] root = pass.tree.root();
            if (pass.next != seal.endIndex() || !HexFormat.of().formatHex(root).equals(seal.rootHash())) {
                throw new IOException(store.location(seal.archiveFile()) + " does not recompute to the sealed root "
                        + seal.rootHash() + " at " + seal.endIndex() + ": it changed since it was sealed; not indexed");
            }
            if (pass.endHead == null || !pass.endHead.rootHashHex().equals(seal.rootHash())) {
                throw new IOException(store.location(seal.archiveFile()) + " holds no signed tree head at " + seal.endIndex());
            }
            nodes.force(true);
            if (!store.exists(nodesFile)) {
                store.write(nodesFile, out -> Files.copy(tmp, out));
            } else if (store.size(nodesFile) != layout.fileSize()) {
                throw new IOException(store.location(nodesFile) + " exists with the wrong size; move it away and index again");
            }
            ArchiveIndex.Archive archive = new ArchiveIndex.Archive(seal.firstIndex(), seal.endIndex(), nodesFile,
                    pass.endHead, pass.startFrontier, clock.instant(), null, null);
            index.recordArchive(archive);
            return archive;
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** One streaming pass over the archive. */
    private final class Pass {
        final AuditRepository.Seal seal;
        final ArchiveNodes layout;
        final FileChannel nodes;
        MerkleFrontier tree;
        List<MerkleFrontier.Node> startFrontier = List.of();
        TreeHead endHead;
        long next;
        final List<ArchiveIndex.Entry> pending = new ArrayList<>();

        Pass(AuditRepository.Seal seal, ArchiveNodes layout, FileChannel nodes) {
            this.seal = seal;
            this.layout = layout;
            this.nodes = nodes;
            this.next = seal.firstIndex();
        }

        void run(JsonParser p) throws IOException {
            expect(p.nextToken() == JsonToken.START_OBJECT, "not a JSON object");
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                p.nextToken();
                switch (field) {
                    case "start_frontier" -> startFrontier(p.readValueAsTree());
                    case "tree_heads" -> heads(p.readValueAsTree());
                    case "receipts" -> receipts(p);
                    default -> p.skipChildren();
                }
            }
            flush();
        }

        private void startFrontier(JsonNode array) throws IOException {
            List<MerkleFrontier.Node> edge = new ArrayList<>();
            for (JsonNode n : array) {
                edge.add(new MerkleFrontier.Node(n.get("level").asInt(), n.get("index").asLong(),
                        HexFormat.of().parseHex(n.get("hash").asText())));
            }
            try {
                tree = MerkleFrontier.fromEdge(seal.firstIndex(), edge);
            } catch (IllegalArgumentException e) {
                throw new IOException(store.location(seal.archiveFile()) + ": " + e.getMessage(), e);
            }
            startFrontier = List.copyOf(edge);
        }

        private void heads(JsonNode array) {
            for (JsonNode h : array) {
                if (h.path("tree_size").asLong(-1) == seal.endIndex()) {
                    endHead = new TreeHead(seal.endIndex(), h.path("root_hash").asText(),
                            Instant.parse(h.path("timestamp").asText()), h.path("key_id").asText(),
                            h.path("signature").asText());
                }
            }
        }

        private void receipts(JsonParser p) throws IOException {
            expect(p.currentToken() == JsonToken.START_ARRAY, "receipts is not an array");
            expect(tree != null, "start_frontier must precede the receipts");
            while (p.nextToken() == JsonToken.START_OBJECT) {
                long offset = p.currentTokenLocation().getByteOffset();
                Map<String, Object> receipt = mapper.convertValue(p.readValueAsTree(), MAP);
                long endOffset = p.currentLocation().getByteOffset();
                expect(offset >= 0 && endOffset > offset, "the parser gives no byte offsets");
                expect(Long.valueOf(next).equals(number(receipt.get("log_index"))), "receipt " + next
                        + " does not carry log_index " + next);
                for (MerkleFrontier.Node node : tree.append(MerkleHash.leaf(CanonicalJson.bytes(receipt)))) {
                    if (layout.holds(node.level(), node.index())) {
                        nodes.write(ByteBuffer.wrap(node.hash()), layout.offset(node.level(), node.index()));
                    }
                }
                pending.add(entry(receipt, offset, (int) (endOffset - offset)));
                next++;
                if (pending.size() >= CHUNK) {
                    flush();
                }
            }
        }

        @SuppressWarnings("unchecked")
        private ArchiveIndex.Entry entry(Map<String, Object> r, long offset, int length) {
            Object context = r.get("kms_context");
            Map<String, Object> ctx = context instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
            return new ArchiveIndex.Entry(next, String.valueOf(r.get("receipt_id")), seal.firstIndex(), offset, length,
                    Instant.parse(String.valueOf(r.get("ts"))), String.valueOf(r.get("tenant_id")),
                    ctx.get("key_id") == null ? null : String.valueOf(ctx.get("key_id")), String.valueOf(r.get("operation")),
                    Boolean.TRUE.equals(ctx.get("success")));
        }

        private void flush() {
            if (!pending.isEmpty()) {
                index.addEntries(List.copyOf(pending));
                pending.clear();
            }
        }

        private void expect(boolean condition, String problem) throws IOException {
            if (!condition) {
                throw new IOException(store.location(seal.archiveFile()) + ": " + problem);
            }
        }
    }

    private static Long number(Object value) {
        return value instanceof Number n ? n.longValue() : null;
    }
}
