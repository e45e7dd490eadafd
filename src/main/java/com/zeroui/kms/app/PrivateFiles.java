package com.zeroui.kms.app;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.Set;

/**
 * The data directory holds the master key and every wrapped key: only its owner may read or write
 * it. At start-up a data directory or master key file that others can read or write stops the
 * service with one line saying how to fix it; what the service creates it creates 0700 (directories)
 * and 0600 (files), including the SQLite database, whose -wal and -shm files SQLite creates with the
 * database file's mode. File systems without POSIX permissions are not checked.
 */
final class PrivateFiles {
    static final String DIRECTORY_MODE = "rwx------";
    static final String FILE_MODE = "rw-------";
    private static final Set<PosixFilePermission> OTHERS_READ_WRITE = EnumSet.of(PosixFilePermission.GROUP_READ,
            PosixFilePermission.GROUP_WRITE, PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE);
    private static final Set<PosixFilePermission> NOT_OWNER = EnumSet.of(PosixFilePermission.GROUP_READ,
            PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.OTHERS_READ,
            PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_EXECUTE);

    private PrivateFiles() {
    }

    /** Creates {@code dir} 0700 when missing; refuses one that others may read or write. */
    static void requirePrivateDirectory(Path dir) {
        try {
            if (!Files.isDirectory(dir)) {
                Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString(DIRECTORY_MODE)));
            }
            Set<PosixFilePermission> mode = modeOf(dir);
            if (mode != null && mode.stream().anyMatch(OTHERS_READ_WRITE::contains)) {
                throw new StartupException("the data directory " + dir + " is readable or writable by others (mode "
                        + octal(mode) + "); fix it with: chmod 700 " + dir);
            }
        } catch (IOException e) {
            throw new StartupException("cannot create the data directory " + dir + ": " + e.getMessage(), e);
        }
    }

    /** Refuses a master key file that anyone but its owner may read, write or execute. */
    static void requirePrivateKeyFile(Path file) {
        try {
            Set<PosixFilePermission> mode = Files.exists(file) ? modeOf(file) : null;
            if (mode != null && mode.stream().anyMatch(NOT_OWNER::contains)) {
                throw new StartupException("the master key file " + file + " is accessible by others (mode "
                        + octal(mode) + "); fix it with: chmod 600 " + file);
            }
        } catch (IOException e) {
            throw new StartupException("cannot read the permissions of " + file + ": " + e.getMessage(), e);
        }
    }

    /** The master-key version files a rotation wrote: the directory and every file in it the owner's alone. */
    static void requirePrivateKeyFiles(Path versionsDir) {
        if (!Files.isDirectory(versionsDir)) {
            return;
        }
        try {
            Set<PosixFilePermission> mode = modeOf(versionsDir);
            if (mode != null && mode.stream().anyMatch(NOT_OWNER::contains)) {
                throw new StartupException("the master key directory " + versionsDir + " is accessible by others (mode "
                        + octal(mode) + "); fix it with: chmod 700 " + versionsDir);
            }
            try (var files = Files.list(versionsDir)) {
                for (Path file : files.toList()) {
                    requirePrivateKeyFile(file);
                }
            }
        } catch (IOException e) {
            throw new StartupException("cannot read the permissions of " + versionsDir + ": " + e.getMessage(), e);
        }
    }

    /**
     * Creates the SQLite database file 0600 before SQLite does (SQLite would use the umask, often
     * 0644; its -wal and -shm files then follow this file's mode) and takes group and other access
     * off an existing one and its -wal and -shm files.
     */
    static void privateSqliteFiles(String databaseUrl) {
        String prefix = "jdbc:sqlite:";
        if (!databaseUrl.startsWith(prefix)) {
            return;
        }
        String name = databaseUrl.substring(prefix.length());
        int query = name.indexOf('?');
        name = query < 0 ? name : name.substring(0, query);
        if (name.isEmpty() || name.startsWith(":memory:") || name.startsWith("file:")) {
            return;
        }
        Path db = Path.of(name);
        try {
            try {
                Files.createFile(db, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString(FILE_MODE)));
            } catch (FileAlreadyExistsException existing) {
                // tightened below with its companions
            }
            for (Path file : new Path[] {db, Path.of(name + "-wal"), Path.of(name + "-shm"), Path.of(name + "-journal")}) {
                Set<PosixFilePermission> mode = Files.exists(file) ? modeOf(file) : null;
                if (mode != null && mode.stream().anyMatch(NOT_OWNER::contains)) {
                    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(FILE_MODE));
                }
            }
        } catch (UnsupportedOperationException e) {
            // no POSIX permissions on this file system
        } catch (IOException e) {
            throw new StartupException("cannot create the database file " + db + " with mode 600: " + e.getMessage(), e);
        }
    }

    private static Set<PosixFilePermission> modeOf(Path path) throws IOException {
        try {
            return Files.getPosixFilePermissions(path);
        } catch (UnsupportedOperationException e) {
            return null;
        }
    }

    private static String octal(Set<PosixFilePermission> mode) {
        int bits = 0;
        for (PosixFilePermission p : mode) {
            bits |= 1 << (8 - p.ordinal());
        }
        return String.format("%04o", bits);
    }
}
