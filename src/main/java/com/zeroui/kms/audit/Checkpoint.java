package com.zeroui.kms.audit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * How far a node has verified the stored log: the tree size and the Merkle frontier (complete
 * subtree hashes) at that size. Kept outside the database, in the node's data directory, so that
 * whoever can rewrite the database cannot also rewrite what the node remembers having verified:
 * a log cut back below it, or changed under it, no longer produces this root.
 */
public record Checkpoint(long treeSize, List<MerkleFrontier.Node> edge, Instant checkedAt) {
    public static final String FORMAT = "kms-audit-checkpoint/v1";
    public static final String FILE_NAME = "audit-checkpoint.json";

    public Checkpoint {
        edge = List.copyOf(edge);
    }

    public byte[] root() {
        return MerkleFrontier.fromEdge(treeSize, edge).root();
    }

    /** Where checkpoints are kept. */
    public interface Store {
        Optional<Checkpoint> load();

        void save(Checkpoint checkpoint);
    }

    /** A store that keeps nothing (command-line tools, tests that do not restart). */
    public static Store none() {
        return new Store() {
            @Override
            public Optional<Checkpoint> load() {
                return Optional.empty();
            }

            @Override
            public void save(Checkpoint checkpoint) {
                // nothing kept
            }
        };
    }

    /** One JSON file, replaced atomically (write, fsync, rename) and readable by the owner only. */
    public static Store file(Path file) {
        return new FileStore(file);
    }

    private record FileStore(Path file) implements Store {
        private static final ObjectMapper JSON = new ObjectMapper();

        @Override
        public Optional<Checkpoint> load() {
            if (!Files.exists(file)) {
                return Optional.empty();
            }
            try {
                JsonNode root = JSON.readTree(file.toFile());
                if (!FORMAT.equals(root.path("format").asText())) {
                    throw new IllegalStateException(file + " is not a " + FORMAT + " file");
                }
                List<MerkleFrontier.Node> edge = new ArrayList<>();
                for (JsonNode n : root.path("frontier")) {
                    edge.add(new MerkleFrontier.Node(n.path("level").asInt(), n.path("index").asLong(),
                            HexFormat.of().parseHex(n.path("hash").asText())));
                }
                Checkpoint checkpoint = new Checkpoint(root.path("tree_size").asLong(), edge,
                        Instant.parse(root.path("checked_at").asText()));
                String recomputed = HexFormat.of().formatHex(checkpoint.root());
                if (!recomputed.equals(root.path("root_hash").asText())) {
                    throw new IllegalStateException(file + ": root_hash does not match its frontier");
                }
                return Optional.of(checkpoint);
            } catch (IOException | RuntimeException e) {
                throw new IllegalStateException("cannot read the audit checkpoint " + file + ": " + e.getMessage()
                        + " (move it away to start without one)", e);
            }
        }

        @Override
        public void save(Checkpoint checkpoint) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("format", FORMAT);
            m.put("tree_size", checkpoint.treeSize());
            m.put("root_hash", HexFormat.of().formatHex(checkpoint.root()));
            m.put("checked_at", checkpoint.checkedAt().toString());
            m.put("frontier", checkpoint.edge().stream().map(n -> Map.of("level", n.level(), "index", n.index(),
                    "hash", HexFormat.of().formatHex(n.hash()))).toList());
            Path tmp = file.resolveSibling("." + file.getFileName() + ".tmp");
            try {
                Files.deleteIfExists(tmp);
                try {
                    Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
                } catch (UnsupportedOperationException | FileAlreadyExistsException e) {
                    Files.createFile(tmp);
                }
                Files.write(tmp, JSON.writeValueAsBytes(m), StandardOpenOption.TRUNCATE_EXISTING);
                try (FileChannel channel = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                    channel.force(true);
                }
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException e) {
                throw new IllegalStateException("cannot write the audit checkpoint " + file + ": " + e.getMessage(), e);
            }
        }
    }
}
