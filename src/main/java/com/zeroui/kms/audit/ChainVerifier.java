package com.zeroui.kms.audit;

import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Checks that archives, in log order, optionally followed by an export of the live log, are one
 * consistent log: each file verifies on its own ({@link BundleVerifier}), and each starts where the
 * one before it ends — at the same index, from the very frontier (complete-subtree hashes) that the
 * previous file's receipts produce, naming that file's SHA-256, range and end root as its
 * {@code previous_archive}. The {@value AuditSealer#OPERATION} receipt that each such pointer
 * names must be in the chain and commit to the archive. Only the last file may be an export bundle.
 */
public final class ChainVerifier {
    private final BundleVerifier verifier;

    public ChainVerifier(BundleVerifier verifier) {
        this.verifier = verifier;
    }

    /** One verified file. */
    public record Link(Path file, BundleVerifier.Result result, String sha256) {
    }

    /**
     * The files verified so far; {@code problem} (null when all is well) names the file and where in
     * it the log stops being what was signed, and {@code failedFile} which file that is.
     */
    public record Result(List<Link> links, Path failedFile, String failedKind, String problem, int sealReceiptsPending) {
        public boolean ok() {
            return problem == null;
        }

        public long receipts() {
            return links.stream().mapToLong(l -> l.result().receipts()).sum();
        }

        public int treeHeads() {
            return links.stream().mapToInt(l -> l.result().treeHeads()).sum();
        }

        public int sealReceiptsConfirmed() {
            return links.stream().mapToInt(l -> l.result().segment().sealReceiptsConfirmed()).sum();
        }

        public Set<String> keyIds() {
            Set<String> ids = new TreeSet<>();
            links.forEach(l -> ids.addAll(l.result().keyIds()));
            return ids;
        }

        public long firstIndex() {
            return links.isEmpty() ? 0 : links.get(0).result().segment().firstIndex();
        }

        public long endIndex() {
            return links.isEmpty() ? 0 : links.get(links.size() - 1).result().segment().endIndex();
        }

        /** The recomputed root at the size that was asked for, if a file covers it. */
        public java.util.Optional<byte[]> rootAtProbe() {
            return links.stream().map(l -> l.result().rootAtProbe()).filter(java.util.Objects::nonNull).findFirst();
        }

        /** The receipt keys the files were checked with, by id. */
        public Map<String, PublicKey> keys() {
            Map<String, PublicKey> all = new java.util.LinkedHashMap<>();
            links.forEach(l -> all.putAll(l.result().keys()));
            return all;
        }
    }

    /** Verifies {@code files} in the order given; {@code trustedKeys} as in {@link BundleVerifier#verify}. */
    public Result verify(List<Path> files, Map<String, PublicKey> trustedKeys) throws IOException {
        return verify(files, trustedKeys, -1);
    }

    /** As above, also recording the root of the tree of {@code probeSize} receipts (see {@link Result#rootAtProbe}). */
    public Result verify(List<Path> files, Map<String, PublicKey> trustedKeys, long probeSize) throws IOException {
        List<Link> links = new ArrayList<>();
        Map<Long, BundleVerifier.ExpectedSealReceipt> carried = Map.of();
        for (Path file : files) {
            BundleVerifier.FileResult checked;
            try {
                checked = verifier.verifyFile(file, trustedKeys, carried, probeSize);
            } catch (NoSuchFileException e) {
                throw new NoSuchFileException(file + ": no such file");
            } catch (IOException e) {
                throw new IOException(file + ": " + e.getMessage(), e);
            }
            BundleVerifier.Result result = checked.result();
            String kind = BundleExporter.ARCHIVE_FORMAT.equals(result.segment().format()) ? "archive"
                    : BundleExporter.FORMAT.equals(result.segment().format()) ? "bundle" : "file";
            if (!result.ok()) {
                return new Result(links, file, kind, result.problem().message(), 0);
            }
            if (!links.isEmpty()) {
                String broken = joinProblem(links.get(links.size() - 1), file, checked);
                if (broken != null) {
                    return new Result(links, file, kind, broken, 0);
                }
            }
            links.add(new Link(file, result, checked.sha256()));
            carried = result.segment().pendingSealReceipts();
        }
        return new Result(links, null, null, null, carried.size());
    }

    /** Why {@code next} does not continue {@code previous}, or null when it does. */
    private static String joinProblem(Link previous, Path file, BundleVerifier.FileResult next) {
        BundleVerifier.Segment before = previous.result().segment();
        BundleVerifier.Segment after = next.result().segment();
        String prevName = previous.file().getFileName().toString();
        if (!before.isArchive()) {
            return prevName + " is an export bundle: only the last file of a chain may be one";
        }
        if (after.firstIndex() != before.endIndex()) {
            return "starts at index " + after.firstIndex() + ", but " + prevName + " ends at index " + before.endIndex()
                    + (after.firstIndex() > before.endIndex() ? " (an archive is missing)"
                            : " (the files overlap or are out of order)");
        }
        if (!sameNodes(after.startFrontier(), before.endFrontier())) {
            return "start_frontier differs from the tree that " + prevName + "'s receipts produce at index " + before.endIndex();
        }
        BundleVerifier.PreviousArchive named = after.previous();
        if (named == null) {
            return "names no previous_archive, but follows " + prevName;
        }
        if (!named.sha256().equalsIgnoreCase(previous.sha256())) {
            return "previous_archive has SHA-256 " + named.sha256() + ", but " + prevName + " hashes to " + previous.sha256();
        }
        String endRoot = HexFormat.of().formatHex(MerkleFrontier.fromEdge(before.endIndex(), before.endFrontier()).root());
        if (named.firstIndex() != before.firstIndex() || !named.rootHash().equals(endRoot)) {
            return "previous_archive names indices from " + named.firstIndex() + " with end root " + named.rootHash()
                    + ", but " + prevName + " starts at " + before.firstIndex() + " and ends at root " + endRoot;
        }
        return null;
    }

    private static boolean sameNodes(List<MerkleFrontier.Node> a, List<MerkleFrontier.Node> b) {
        if (a.size() != b.size()) {
            return false;
        }
        for (int i = 0; i < a.size(); i++) {
            MerkleFrontier.Node x = a.get(i);
            MerkleFrontier.Node y = b.get(i);
            if (x.level() != y.level() || x.index() != y.index() || !MessageDigest.isEqual(x.hash(), y.hash())) {
                return false;
            }
        }
        return true;
    }
}
