package com.zeroui.kms.bench;

import java.lang.management.ManagementFactory;

/**
 * This process's CPU seconds, for the raw side of a pair: CPU per primitive call is what the server's
 * figure is compared with, and unlike a rate it hardly moves when other processes share the cores.
 */
public final class LocalCpu {
    private LocalCpu() {
    }

    public static LoadRunner.WindowProbe probe() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            return () -> os.getProcessCpuTime() / 1e9;
        }
        return LoadRunner.WindowProbe.NONE;
    }
}
