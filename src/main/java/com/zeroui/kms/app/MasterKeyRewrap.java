package com.zeroui.kms.app;

import com.zeroui.kms.keys.KeyMaterialCache;
import com.zeroui.kms.keystore.MasterKeyException;
import com.zeroui.kms.keystore.MasterKeyProvider;
import com.zeroui.kms.store.JdbcWrappedMaterial;
import com.zeroui.kms.trust.CertificateAuthority;
import com.zeroui.kms.trust.pki.OcspSigningKey;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;

/**
 * Re-wraps every stored blob still wrapped by one master-key version under another, in batches,
 * each row by compare-and-set: safe beside running nodes, and safe to stop at any moment (a row is
 * either still old, and readable by the old version, or new, and readable by the new one).
 */
final class MasterKeyRewrap {
    private final JdbcWrappedMaterial store;
    private final int batchSize;
    private final long nanosPerBlob;

    MasterKeyRewrap(JdbcWrappedMaterial store, int batchSize, double maxBlobsPerSecond) {
        this.store = store;
        this.batchSize = batchSize;
        this.nanosPerBlob = maxBlobsPerSecond > 0 ? (long) (1e9 / maxBlobsPerSecond) : 0;
    }

    /** Re-wraps until nothing names {@code fromId}; returns how many blobs were re-wrapped. */
    long rewrapAll(MasterKeyProvider from, String fromId, MasterKeyProvider to, Consumer<String> progress)
            throws MasterKeyException, InterruptedException {
        return rewrapAll(from, fromId, to, java.util.EnumSet.allOf(JdbcWrappedMaterial.Table.class), progress);
    }

    /** As above, for the blobs of {@code tables} only. */
    long rewrapAll(MasterKeyProvider from, String fromId, MasterKeyProvider to, java.util.Set<JdbcWrappedMaterial.Table> tables,
                   Consumer<String> progress) throws MasterKeyException, InterruptedException {
        long done = 0;
        while (true) {
            List<JdbcWrappedMaterial.Wrapped> batch = store.wrappedBy(fromId, batchSize, tables);
            if (batch.isEmpty()) {
                return done;
            }
            for (JdbcWrappedMaterial.Wrapped blob : batch) {
                long started = System.nanoTime();
                byte[] aad = aad(blob);
                byte[] plain = from.unwrap(blob.blob(), aad);
                try {
                    byte[] rewrapped = to.wrap(plain, aad);
                    if (store.replace(blob, fromId, rewrapped, to.keyIdOf(rewrapped))) {
                        done++;
                    }
                } finally {
                    Arrays.fill(plain, (byte) 0);
                }
                long rest = nanosPerBlob - (System.nanoTime() - started);
                if (rest > 0) {
                    Thread.sleep(rest / 1_000_000, (int) (rest % 1_000_000));
                }
            }
            progress.accept("kms: re-wrapped " + done + " blobs; " + store.countWrappedBy(fromId) + " still under " + fromId);
        }
    }

    /** The new blob for each row, not yet stored (for a caller that stores them in one transaction). */
    List<JdbcWrappedMaterial.Replacement> rewrapped(List<JdbcWrappedMaterial.Wrapped> rows, MasterKeyProvider from,
                                                    MasterKeyProvider to) throws MasterKeyException {
        List<JdbcWrappedMaterial.Replacement> out = new java.util.ArrayList<>();
        for (JdbcWrappedMaterial.Wrapped row : rows) {
            byte[] aad = aad(row);
            byte[] plain = from.unwrap(row.blob(), aad);
            try {
                byte[] blob = to.wrap(plain, aad);
                out.add(new JdbcWrappedMaterial.Replacement(row, blob, to.keyIdOf(blob)));
            } finally {
                Arrays.fill(plain, (byte) 0);
            }
        }
        return out;
    }

    /** The binding each blob was wrapped with, from the code that wrapped it. */
    static byte[] aad(JdbcWrappedMaterial.Wrapped blob) {
        return switch (blob.table()) {
            case KEYS -> KeyMaterialCache.wrappingAad(blob.tenantId(), blob.id());
            case CA -> CertificateAuthority.aad(blob.id());
            case OCSP_RESPONDERS -> OcspSigningKey.aad(blob.id());
        };
    }
}
