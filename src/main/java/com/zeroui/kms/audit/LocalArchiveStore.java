package com.zeroui.kms.audit;

import java.io.BufferedOutputStream;
import java.io.EOFException;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Optional;

/** Archives as files in one directory: written to a temporary name, fsynced, renamed, directory fsynced. */
public final class LocalArchiveStore implements ArchiveStore {
    private final Path dir;

    public LocalArchiveStore(Path dir) {
        this.dir = dir.toAbsolutePath().normalize();
    }

    public Path directory() {
        return dir;
    }

    @Override
    public void write(String name, Content content) throws IOException {
        Path target = resolve(name);
        if (Files.exists(target)) {
            throw new FileAlreadyExistsException(target.toString(), null, "archives are never rewritten");
        }
        Files.createDirectories(dir);
        Path tmp = target.resolveSibling("." + name + ".tmp");
        try {
            try (FileOutputStream file = new FileOutputStream(tmp.toFile());
                 OutputStream out = new BufferedOutputStream(file)) {
                content.writeTo(out);
                out.flush();
                file.getFD().sync();
            }
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
        syncDirectory();
    }

    @Override
    public InputStream open(String name) throws IOException {
        return Files.newInputStream(resolve(name));
    }

    @Override
    public byte[] read(String name, long offset, int length) throws IOException {
        try (FileChannel channel = FileChannel.open(resolve(name), StandardOpenOption.READ)) {
            ByteBuffer buffer = ByteBuffer.allocate(length);
            long position = offset;
            while (buffer.hasRemaining()) {
                int n = channel.read(buffer, position);
                if (n < 0) {
                    throw new EOFException(location(name) + " ends before byte " + (offset + length));
                }
                position += n;
            }
            return buffer.array();
        }
    }

    @Override
    public boolean exists(String name) {
        return Files.exists(resolve(name));
    }

    @Override
    public long size(String name) throws IOException {
        return Files.size(resolve(name));
    }

    @Override
    public void delete(String name) throws IOException {
        Files.deleteIfExists(resolve(name));
        if (Files.isDirectory(dir)) {
            syncDirectory();
        }
    }

    @Override
    public void setAside(String name, String suffix) throws IOException {
        Files.move(resolve(name), resolve(name + suffix), StandardCopyOption.REPLACE_EXISTING);
    }

    @Override
    public String location(String name) {
        return resolve(name).toString();
    }

    @Override
    public Optional<Path> localPath(String name) {
        return Optional.of(resolve(name));
    }

    /** Only plain names: a name from the database never reaches outside the directory. */
    private Path resolve(String name) {
        if (name.isEmpty() || name.contains("/") || name.contains("\\") || name.startsWith(".")) {
            throw new IllegalArgumentException("not an archive name: '" + name + "'");
        }
        return dir.resolve(name);
    }

    private void syncDirectory() throws IOException {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        }
    }
}
