package com.zeroui.kms.audit;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Where sealed archives (and their node files) are kept, by name. A local directory by default
 * ({@link LocalArchiveStore}); an object store fits the same contract. Names are plain file names.
 * Nothing read from a store is trusted as such: every reader checks it against the SHA-256 or Merkle
 * root the database pinned when the archive was sealed.
 */
public interface ArchiveStore {

    /** Produces an object's bytes. */
    @FunctionalInterface
    interface Content {
        void writeTo(OutputStream out) throws IOException;
    }

    /**
     * Stores {@code name} atomically and durably: a reader sees all of it or nothing, and it
     * survives a crash once this returns. Fails when {@code name} exists (archives are never rewritten).
     */
    void write(String name, Content content) throws IOException;

    /** The whole object, streamed; {@link java.nio.file.NoSuchFileException} when absent. */
    InputStream open(String name) throws IOException;

    /** {@code length} bytes at {@code offset}: one receipt or one node, without reading the rest. */
    byte[] read(String name, long offset, int length) throws IOException;

    boolean exists(String name) throws IOException;

    /** Size in bytes; {@link java.nio.file.NoSuchFileException} when absent. */
    long size(String name) throws IOException;

    /** Removes the object (no error when already absent). */
    void delete(String name) throws IOException;

    /** Moves an object that failed its check out of the way under {@code name + suffix}, for inspection. */
    void setAside(String name, String suffix) throws IOException;

    /** Where the object is, for messages: a path or a URL. */
    String location(String name);

    /** The object as a local file, when the store is a local directory. */
    default Optional<Path> localPath(String name) {
        return Optional.empty();
    }
}
