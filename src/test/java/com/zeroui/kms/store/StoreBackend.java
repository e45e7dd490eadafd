package com.zeroui.kms.store;

import com.zeroui.kms.support.PostgresDatabases;
import com.zeroui.kms.support.TestNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The two engines every storage contract test runs against, each on a fresh, empty store. */
enum StoreBackend {
    SQLITE {
        @Override
        TempStore create(String label) {
            try {
                Path dir = Files.createTempDirectory("kms-store-" + label + "-");
                return new TempStore("jdbc:sqlite:" + dir.resolve("kms.db"), null, null, () -> TestNode.deleteTree(dir));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    },
    POSTGRESQL {
        @Override
        TempStore create(String label) {
            PostgresDatabases.TempDatabase db = PostgresDatabases.create(label);
            return new TempStore(db.url(), db.user(), db.password(), db::close);
        }
    };

    abstract TempStore create(String label);

    /**
     * Closes the pool, then removes the store; null-safe, so a class whose opening failed closes
     * nothing of the previous engine twice.
     */
    static void close(TempStore store, Database database) {
        try {
            if (database != null) {
                database.close();
            }
        } finally {
            if (store != null) {
                store.close();
            }
        }
    }

    /** Where a fresh store lives; {@link #close()} removes it. */
    record TempStore(String url, String user, String password, Runnable remove) implements AutoCloseable {
        Database open() {
            return Database.open(url, user, password);
        }

        @Override
        public void close() {
            remove.run();
        }
    }
}
