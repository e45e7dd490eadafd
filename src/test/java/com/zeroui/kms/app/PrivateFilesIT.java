package com.zeroui.kms.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zeroui.kms.ops.KmsConfig;
import com.zeroui.kms.support.TestNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 11 §4: the data directory and master key are the owner's alone, checked at start-up. */
class PrivateFilesIT {
    @TempDir
    Path tmp;

    static String mode(Path path) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
    }

    @Test
    void everyFileTheServiceCreatesIs0600AndEveryDirectory0700() throws IOException {
        Path data = tmp.resolve("data");
        try (TestNode node = TestNode.startIn(data, cfg -> cfg, false)) {
            assertThat(node.admin().createKey("acme", "Ed25519", "sign", "verify").status()).isEqualTo(201);
            assertThat(data.resolve("kms.db-wal")).exists();
            assertThat(data.resolve("kms.db-shm")).exists();
            List<String> wrong = new ArrayList<>();
            try (Stream<Path> all = Files.walk(data)) {
                for (Path p : all.toList()) {
                    String expected = Files.isDirectory(p) ? "rwx------" : "rw-------";
                    if (!mode(p).equals(expected)) {
                        wrong.add(data.relativize(p) + " " + mode(p));
                    }
                }
            }
            assertThat(wrong).as("files and directories with access for others").isEmpty();
        }
    }

    @Test
    void aDataDirectoryOthersCanReadOrWriteStopsStartUp() throws IOException {
        Path data = Files.createDirectory(tmp.resolve("open"), PosixFilePermissions.asFileAttribute(
                PosixFilePermissions.fromString("rwxr-xr-x")));
        Files.setPosixFilePermissions(data, PosixFilePermissions.fromString("rwxrwxrwx"));
        assertThatThrownBy(() -> DataDirectory.open(KmsConfig.defaults(data), Clock.systemUTC()))
                .isInstanceOf(StartupException.class)
                .hasMessageContaining("readable or writable by others (mode 0777)")
                .hasMessageContaining("chmod 700 " + data);
        Files.setPosixFilePermissions(data, PosixFilePermissions.fromString("rwxr-xr-x"));
        assertThatThrownBy(() -> DataDirectory.open(KmsConfig.defaults(data), Clock.systemUTC()))
                .hasMessageContaining("mode 0755");
        assertThat(data.resolve("kms.db")).as("nothing is created before the check").doesNotExist();
    }

    @Test
    void aMasterKeyOthersCanReadStopsStartUp() throws IOException {
        Path data = tmp.resolve("data");
        DataDirectory.open(KmsConfig.defaults(data), Clock.systemUTC()).close();
        Path key = data.resolve("master.key");
        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-r--r--"));
        assertThatThrownBy(() -> DataDirectory.open(KmsConfig.defaults(data), Clock.systemUTC()))
                .isInstanceOf(StartupException.class)
                .hasMessageContaining("master key file " + key + " is accessible by others (mode 0644)")
                .hasMessageContaining("chmod 600 " + key);
        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));
        DataDirectory.open(KmsConfig.defaults(data), Clock.systemUTC()).close();
    }

    @Test
    void anExistingDatabaseIsTightenedTo0600() throws IOException {
        Path data = tmp.resolve("data");
        DataDirectory.open(KmsConfig.defaults(data), Clock.systemUTC()).close();
        Files.setPosixFilePermissions(data.resolve("kms.db"), PosixFilePermissions.fromString("rw-r--r--"));
        DataDirectory.open(KmsConfig.defaults(data), Clock.systemUTC()).close();
        assertThat(mode(data.resolve("kms.db"))).isEqualTo("rw-------");
    }
}
