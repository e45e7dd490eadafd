package com.zeroui.kms.ops;

import com.sun.management.GarbageCollectionNotificationInfo;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import javax.management.NotificationEmitter;
import javax.management.openmbean.CompositeData;

/**
 * Heap in use right after the most recent garbage collection: the live set plus what that
 * collection left, the figure whose steady growth means a leak (plain heap-used saws with
 * allocation and says nothing). Taken from the collectors' notifications, so reading it is free.
 */
final class HeapAfterGc {
    private final AtomicLong bytes = new AtomicLong(-1);
    private final Set<String> heapPools = ManagementFactory.getMemoryPoolMXBeans().stream()
            .filter(p -> p.getType() == MemoryType.HEAP).map(MemoryPoolMXBean::getName).collect(Collectors.toSet());

    HeapAfterGc() {
        seedFromLastCollection();
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            if (gc instanceof NotificationEmitter emitter) {
                emitter.addNotificationListener((notification, handback) -> {
                    if (GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(notification.getType())) {
                        record(GarbageCollectionNotificationInfo.from((CompositeData) notification.getUserData())
                                .getGcInfo().getMemoryUsageAfterGc());
                    }
                }, null, null);
            }
        }
    }

    /** A collection that ran before this object existed still tells the figure (each pool's usage after it). */
    private void seedFromLastCollection() {
        if (ManagementFactory.getGarbageCollectorMXBeans().stream().mapToLong(GarbageCollectorMXBean::getCollectionCount)
                .sum() <= 0) {
            return;
        }
        long sum = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            MemoryUsage afterGc = pool.getType() == MemoryType.HEAP ? pool.getCollectionUsage() : null;
            if (afterGc != null) {
                sum += afterGc.getUsed();
            }
        }
        bytes.compareAndSet(-1, sum);
    }

    private void record(Map<String, MemoryUsage> afterGc) {
        long sum = 0;
        for (Map.Entry<String, MemoryUsage> pool : afterGc.entrySet()) {
            if (heapPools.contains(pool.getKey())) {
                sum += pool.getValue().getUsed();
            }
        }
        bytes.set(sum);
    }

    /** Bytes, or -1 before the first collection. */
    long bytes() {
        return bytes.get();
    }
}
