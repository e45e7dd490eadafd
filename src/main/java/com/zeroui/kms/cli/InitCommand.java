package com.zeroui.kms.cli;

import com.zeroui.kms.app.DataDirectory;
import com.zeroui.kms.app.StartupException;
import java.time.Clock;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "init", mixinStandardHelpOptions = true, footer = "%nExample: ./kms init --data-dir kms-data",
        description = "Create or check the data directory (keys, CA, database)")
final class InitCommand implements Callable<Integer> {
    @Mixin
    StoreOptions store;

    @Override
    public Integer call() {
        try (DataDirectory dir = DataDirectory.open(store.toConfig(), Clock.systemUTC())) {
            System.out.println("kms: data directory " + store.toConfig().dataDir() + " ready; master key "
                    + dir.masterKey().keyId() + "; admin credentials in " + store.toConfig().tlsDir());
            return 0;
        } catch (StartupException | IllegalArgumentException e) {
            System.err.println("kms: init failed: " + e.getMessage());
            return 2;
        }
    }
}
