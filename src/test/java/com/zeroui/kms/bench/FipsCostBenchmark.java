package com.zeroui.kms.bench;

import com.zeroui.kms.crypto.AeadAlgorithm;
import com.zeroui.kms.crypto.CryptoSuite;
import com.zeroui.kms.crypto.FipsModule;
import com.zeroui.kms.crypto.KeyType;
import com.zeroui.kms.crypto.SignatureAlgorithm;
import java.lang.management.ManagementFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import javax.crypto.SecretKey;

/**
 * The primitives the service runs, in process, on the default suite (ACCP where it loads, else the
 * JDK) and on the FIPS suite (BC-FJA 2.1.2, approved-only, its own class loader), alternating per
 * round in one JVM. Reports process CPU µs per operation (robust when other processes share the
 * cores) and wall ops/s, and the FIPS/default ratio of the CPU cost. Not a test: run by hand (see
 * BENCHMARKS.md "FIPS mode").
 */
public final class FipsCostBenchmark {
    private static final byte[] MESSAGE = new byte[256];
    private static final byte[] PLAINTEXT = new byte[1024];

    private interface Op {
        void run() throws Exception;
    }

    public static void main(String[] args) throws Exception {
        double seconds = args.length > 0 ? Double.parseDouble(args[0]) : 3;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        Map<String, CryptoSuite> suites = new LinkedHashMap<>();
        suites.put("default", CryptoSuite.select(CryptoSuite.Preference.AUTO));
        suites.put("fips", CryptoSuite.fips(FipsModule.isolated()));
        System.out.println("default suite: " + suites.get("default").preferredProvider()
                + "; fips suite: " + suites.get("fips").preferredProvider());
        Map<String, Map<String, List<double[]>>> results = new LinkedHashMap<>();
        for (int round = 1; round <= rounds; round++) {
            for (Map.Entry<String, CryptoSuite> suite : suites.entrySet()) {
                for (Map.Entry<String, Op> op : operations(suite.getValue()).entrySet()) {
                    double[] r = measure(op.getValue(), seconds);
                    results.computeIfAbsent(op.getKey(), k -> new LinkedHashMap<>())
                            .computeIfAbsent(suite.getKey(), k -> new ArrayList<>()).add(r);
                    System.err.printf("round %d %s %s: %.0f ops/s, %.1f CPU µs/op%n", round, suite.getKey(), op.getKey(), r[0], r[1]);
                }
            }
        }
        System.out.println("| operation | default ops/s | default CPU µs/op | FIPS ops/s | FIPS CPU µs/op | FIPS/default CPU per op |");
        System.out.println("|---|--:|--:|--:|--:|--:|");
        results.forEach((op, bySuite) -> {
            double[] d = median(bySuite.get("default"));
            double[] f = median(bySuite.get("fips"));
            System.out.printf("| %s | %.0f | %.1f | %.0f | %.1f | %.2f× |%n", op, d[0], d[1], f[0], f[1], f[1] / d[1]);
        });
    }

    private static Map<String, Op> operations(CryptoSuite suite) {
        Map<String, Op> ops = new LinkedHashMap<>();
        CryptoSuite.GeneratedKey rsa = suite.generate(KeyType.RSA_2048);
        CryptoSuite.GeneratedKey ed = suite.generate(KeyType.ED25519);
        PrivateKey rsaPrivate = suite.privateKey(KeyType.RSA_2048, rsa.material());
        PublicKey rsaPublic = suite.publicKey(KeyType.RSA_2048, rsa.publicKeySpki());
        PrivateKey edPrivate = suite.privateKey(KeyType.ED25519, ed.material());
        PublicKey edPublic = suite.publicKey(KeyType.ED25519, ed.publicKeySpki());
        byte[] rs256 = suite.sign(SignatureAlgorithm.RS256, rsaPrivate, MESSAGE);
        byte[] eddsa = suite.sign(SignatureAlgorithm.EDDSA, edPrivate, MESSAGE);
        SecretKey aes = CryptoSuite.secretKey(suite.generate(KeyType.AES_256).material(), AeadAlgorithm.AES_256_GCM);
        CryptoSuite.Sealed sealed = suite.sealWithFreshNonce(AeadAlgorithm.AES_256_GCM, aes, PLAINTEXT, new byte[0]);
        ops.put("sign RS256", () -> suite.sign(SignatureAlgorithm.RS256, rsaPrivate, MESSAGE));
        ops.put("sign PS256", () -> suite.sign(SignatureAlgorithm.PS256, rsaPrivate, MESSAGE));
        ops.put("sign EdDSA", () -> suite.sign(SignatureAlgorithm.EDDSA, edPrivate, MESSAGE));
        ops.put("verify RS256", () -> check(suite.verify(SignatureAlgorithm.RS256, rsaPublic, MESSAGE, rs256)));
        ops.put("verify EdDSA", () -> check(suite.verify(SignatureAlgorithm.EDDSA, edPublic, MESSAGE, eddsa)));
        ops.put("encrypt AES-256-GCM 1 KiB (fresh IV)",
                () -> suite.sealWithFreshNonce(AeadAlgorithm.AES_256_GCM, aes, PLAINTEXT, new byte[0]));
        ops.put("decrypt AES-256-GCM 1 KiB", () -> suite.open(AeadAlgorithm.AES_256_GCM, aes, sealed.nonce(),
                sealed.ciphertextAndTag(), new byte[0]));
        ops.put("keygen Ed25519", () -> suite.generate(KeyType.ED25519).material().destroy());
        ops.put("keygen AES-256", () -> suite.generate(KeyType.AES_256).material().destroy());
        ops.put("keygen RSA-2048", () -> suite.generate(KeyType.RSA_2048).material().destroy());
        return ops;
    }

    private static void check(boolean verified) {
        if (!verified) {
            throw new IllegalStateException("benchmark signature did not verify");
        }
    }

    /** One thread per core, warm-up then a measured window: {ops/s, process CPU µs/op}. */
    private static double[] measure(Op op, double seconds) throws Exception {
        run(op, seconds / 2); // warm-up
        long cpu0 = processCpuNanos();
        long t0 = System.nanoTime();
        long done = run(op, seconds);
        double wall = (System.nanoTime() - t0) / 1e9;
        double cpuMicros = (processCpuNanos() - cpu0) / 1e3;
        return new double[] {done / wall, cpuMicros / done};
    }

    private static long run(Op op, double seconds) throws InterruptedException {
        int threads = Runtime.getRuntime().availableProcessors();
        long end = System.nanoTime() + (long) (seconds * 1e9);
        AtomicLong count = new AtomicLong();
        List<Thread> workers = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
            Thread t = new Thread(() -> {
                try {
                    while (System.nanoTime() < end) {
                        op.run();
                        count.incrementAndGet();
                    }
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            t.start();
            workers.add(t);
        }
        for (Thread t : workers) {
            t.join();
        }
        return count.get();
    }

    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }

    private static double[] median(List<double[]> runs) {
        double[] ops = runs.stream().mapToDouble(r -> r[0]).sorted().toArray();
        double[] cpu = runs.stream().mapToDouble(r -> r[1]).sorted().toArray();
        return new double[] {ops[ops.length / 2], cpu[cpu.length / 2]};
    }

    private FipsCostBenchmark() {
    }
}
