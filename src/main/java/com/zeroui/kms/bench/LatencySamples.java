package com.zeroui.kms.bench;

import java.util.Arrays;

/** A growable array of latencies owned by one thread: recording must not allocate per sample or contend. */
final class LatencySamples {
    private long[] values = new long[4096];
    private int size;

    void add(long nanos) {
        if (size == values.length) {
            values = Arrays.copyOf(values, values.length * 2);
        }
        values[size++] = nanos;
    }

    int size() {
        return size;
    }

    /** All samples of several recorders in one new array. */
    static long[] merge(Iterable<LatencySamples> parts) {
        int total = 0;
        for (LatencySamples part : parts) {
            total += part.size;
        }
        long[] out = new long[total];
        int at = 0;
        for (LatencySamples part : parts) {
            System.arraycopy(part.values, 0, out, at, part.size);
            at += part.size;
        }
        return out;
    }
}
