package com.zeroui.kms.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Bulk key creation through the API (the scale benchmark's population): {@code count} keys,
 * alternately Ed25519 (sign, verify) and AES-256 (encrypt, decrypt), by {@code clients}
 * concurrent clients; each created key is appended to a file as {@code KEY_TYPE<TAB>KEY_ID}, so
 * an interrupted seeding can be continued and the sign/encrypt run can draw from it. Every key
 * is a real one: generated, wrapped under the master key, stored durably, with its receipt.
 */
public final class KeySeeder {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String[] TYPES = {"Ed25519", "AES-256"};

    /** Keys created, failures, the first failure, and the creation rate over the whole run. */
    public record Result(long created, long errors, String firstError, double seconds) {
        public double perSecond() {
            return created / seconds;
        }
    }

    private KeySeeder() {
    }

    public static Result seed(BenchClient client, long count, int clients, Path file, PrintStream progress)
            throws IOException, InterruptedException {
        AtomicLong next = new AtomicLong();
        AtomicLong created = new AtomicLong();
        AtomicLong errors = new AtomicLong();
        AtomicReference<String> firstError = new AtomicReference<>();
        long start = System.nanoTime();
        try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                StandardOpenOption.APPEND)) {
            List<Thread> workers = new ArrayList<>();
            for (int c = 0; c < clients; c++) {
                Thread worker = new Thread(() -> {
                    long n;
                    while ((n = next.getAndIncrement()) < count) {
                        String type = TYPES[(int) (n % 2)];
                        String body = BenchOperations.keyRequest(type, type.equals("AES-256")
                                ? new String[] {"encrypt", "decrypt"} : new String[] {"sign", "verify"}).toString();
                        try {
                            JsonNode reply = JSON.readTree(client.require2xx(client.postRequest("/keys", body)));
                            String line = type + "\t" + reply.get("key_id").asText() + "\n";
                            synchronized (out) {
                                out.write(line);
                            }
                            created.incrementAndGet();
                        } catch (InterruptedException e) {
                            return;
                        } catch (IOException | RuntimeException e) {
                            errors.incrementAndGet();
                            firstError.compareAndSet(null, e.getClass().getSimpleName() + ": " + e.getMessage());
                            if (errors.get() > 100 && created.get() == 0) {
                                return; // nothing works: stop instead of hammering a broken server
                            }
                        }
                    }
                }, "seed-" + c);
                worker.setDaemon(true);
                workers.add(worker);
                worker.start();
            }
            long lastReport = start;
            long lastCount = 0;
            while (workers.stream().anyMatch(Thread::isAlive)) {
                workers.get(0).join(1000);
                long now = System.nanoTime();
                if (now - lastReport >= 10_000_000_000L) {
                    long done = created.get();
                    progress.printf(Locale.ROOT, "kms bench: created %d of %d keys (%.0f/s over the last %.0f s, %d errors)%n",
                            done, count, (done - lastCount) / ((now - lastReport) / 1e9), (now - lastReport) / 1e9,
                            errors.get());
                    synchronized (out) {
                        out.flush();
                    }
                    lastReport = now;
                    lastCount = done;
                }
            }
        }
        return new Result(created.get(), errors.get(), firstError.get(), (System.nanoTime() - start) / 1e9);
    }
}
