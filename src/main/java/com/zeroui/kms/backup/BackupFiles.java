package com.zeroui.kms.backup;

import com.zeroui.kms.crypto.CryptoSuite;
import com.zeroui.kms.keystore.MasterKeyProvider;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.SQLException;

/** Backup files on disk: written under a temporary name and renamed when complete, owner-only. */
public final class BackupFiles {
    private BackupFiles() {
    }

    /**
     * Backs up the store {@code connection} reads into {@code out}; a failed or interrupted backup
     * leaves no file under that name (and never replaces a good one with a partial one).
     */
    public static BackupHeader create(BackupCreator creator, Connection connection, MasterKeyProvider masterKey,
                                      Path out) throws IOException, SQLException {
        Path target = out.toAbsolutePath();
        Files.createDirectories(target.getParent());
        Path tmp = target.resolveSibling("." + target.getFileName() + ".partial");
        Files.deleteIfExists(tmp);
        Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        try {
            BackupHeader header;
            try (FileOutputStream file = new FileOutputStream(tmp.toFile());
                 OutputStream os = new BufferedOutputStream(file, 1 << 16)) {
                header = creator.create(connection, masterKey, os);
                os.flush();
                file.getFD().sync(); // durable before it takes the name of a complete backup
            }
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            return header;
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    public static BackupHeader readHeader(Path file) throws IOException {
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file))) {
            return BackupFile.readHeader(in);
        }
    }

    /** Opens {@code file} for reading its body; the caller closes both. */
    public static InputStream in(Path file) throws IOException {
        return new BufferedInputStream(Files.newInputStream(file), 1 << 16);
    }

    public static BackupVerifier.Result verify(Path file, MasterKeyProvider masterKey, CryptoSuite crypto) throws IOException {
        try (InputStream in = in(file); BackupFile.Opened opened = BackupFile.open(in, masterKey, crypto)) {
            return new BackupVerifier().verify(opened);
        }
    }
}
