package com.zeroui.kms.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zeroui.kms.api.AdmissionGate.Entry;
import com.zeroui.kms.ops.AdmissionConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import org.eclipse.jetty.util.thread.ScheduledExecutorScheduler;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class AdmissionGateTest {
    private final ScheduledExecutorScheduler scheduler = new ScheduledExecutorScheduler("admission-test", false);

    @BeforeEach
    void start() throws Exception {
        scheduler.start();
    }

    @AfterEach
    void stop() throws Exception {
        scheduler.stop();
    }

    @Test
    void admitsUpToTheSlotsThenRefusesWithoutAQueueAndCountsRefusals() {
        AdmissionGate gate = new AdmissionGate(new AdmissionConfig(2, 0, Duration.ZERO));
        Recorder w = new Recorder();
        assertThat(gate.enter(w, scheduler)).isEqualTo(Entry.ADMITTED);
        assertThat(gate.enter(w, scheduler)).isEqualTo(Entry.ADMITTED);
        assertThat(gate.active()).isEqualTo(2);
        assertThat(gate.enter(w, scheduler)).isEqualTo(Entry.REFUSED);
        assertThat(gate.rejected()).isEqualTo(1);
        gate.leave();
        assertThat(gate.enter(w, scheduler)).as("a freed slot is reused").isEqualTo(Entry.ADMITTED);
        assertThat(gate.rejected()).isEqualTo(1);
        assertThat(w.calls).as("no waiter was parked").hasValue(0);
    }

    @Test
    void aLeavingRequestHandsItsSlotToTheOldestWaiterAndTheQueueIsBounded() {
        AdmissionGate gate = new AdmissionGate(new AdmissionConfig(1, 3, Duration.ofSeconds(60)));
        assertThat(gate.enter(new Recorder(), scheduler)).isEqualTo(Entry.ADMITTED);
        ConcurrentLinkedQueue<Integer> order = new ConcurrentLinkedQueue<>();
        List<Recorder> waiters = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            int id = i;
            Recorder waiter = new Recorder(() -> order.add(id));
            waiters.add(waiter);
            assertThat(gate.enter(waiter, scheduler)).isEqualTo(Entry.QUEUED);
        }
        assertThat(gate.enter(new Recorder(), scheduler)).as("the queue holds three").isEqualTo(Entry.REFUSED);
        assertThat(gate.queued()).isEqualTo(3);
        assertThat(order).isEmpty();

        for (int i = 0; i < 3; i++) {
            gate.leave(); // the slot passes on: it is never free in between
            assertThat(gate.free()).isZero();
            assertThat(gate.active()).isEqualTo(1);
        }
        assertThat(order).as("first in, first admitted").containsExactly(0, 1, 2);
        assertThat(waiters).allSatisfy(w -> assertThat(w.admitted).hasValue(1));
        gate.leave();
        assertThat(gate.free()).isEqualTo(1);
        assertThat(gate.rejected()).isEqualTo(1);
        assertThatThrownBy(gate::leave).as("a slot cannot be given back twice").isInstanceOf(IllegalStateException.class);
    }

    @Test
    void aWaiterIsRefusedByTheSchedulerWhenItsWaitRunsOutAndHoldsNoSlot() throws Exception {
        AdmissionGate gate = new AdmissionGate(new AdmissionConfig(1, 5, Duration.ofMillis(20)));
        assertThat(gate.enter(new Recorder(), scheduler)).isEqualTo(Entry.ADMITTED);
        Recorder waiter = new Recorder();
        assertThat(gate.enter(waiter, scheduler)).isEqualTo(Entry.QUEUED);
        assertThat(waiter.done.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(waiter.expired).hasValue(1);
        assertThat(waiter.admitted).hasValue(0);
        assertThat(gate.queued()).isZero();
        assertThat(gate.rejected()).isEqualTo(1);
        gate.leave();
        assertThat(gate.free()).as("the expired waiter took nothing").isEqualTo(1);
    }

    @Test
    void theDefaultRuleIsEightSlotsPerProcessorAtLeastSixteenAsManyWaitersAndFiveMilliseconds() {
        assertThat(AdmissionConfig.forProcessors(2)).isEqualTo(new AdmissionConfig(16, 16, Duration.ofMillis(5)));
        assertThat(AdmissionConfig.forProcessors(16)).isEqualTo(new AdmissionConfig(128, 128, Duration.ofMillis(5)));
        assertThat(AdmissionConfig.forProcessors(1)).as("never fewer than 16 slots").isEqualTo(AdmissionConfig.forProcessors(2));
        assertThat(AdmissionConfig.forProcessors(3).maxConcurrent()).isEqualTo(24);
        assertThat(AdmissionConfig.defaults())
                .isEqualTo(AdmissionConfig.forProcessors(Runtime.getRuntime().availableProcessors()));
        assertThat(AdmissionConfig.DEFAULT_QUEUE_WAIT).as("half of verify's 10 ms p99 budget")
                .isLessThanOrEqualTo(Duration.ofMillis(5));
    }

    @Test
    void aZeroWaitRefusesInsteadOfQueueing() {
        AdmissionGate gate = new AdmissionGate(new AdmissionConfig(1, 5, Duration.ZERO));
        assertThat(gate.enter(new Recorder(), scheduler)).isEqualTo(Entry.ADMITTED);
        assertThat(gate.enter(new Recorder(), scheduler)).isEqualTo(Entry.REFUSED);
        assertThat(gate.queued()).isZero();
    }

    /**
     * Many threads entering and leaving while waits run out: every waiter hears exactly one outcome,
     * every slot comes back once, and at the end free + in use == the slots with nobody queued.
     */
    @Test
    void underRacingEnterLeaveAndExpiryTheSlotAccountingStaysExact() throws Exception {
        int slots = 4;
        AdmissionGate gate = new AdmissionGate(new AdmissionConfig(slots, 16, Duration.ofNanos(300_000)));
        ExecutorService executor = Executors.newFixedThreadPool(8); // stands in for the server's pool
        LongAdder direct = new LongAdder();
        LongAdder refused = new LongAdder();
        ConcurrentLinkedQueue<Recorder> waiters = new ConcurrentLinkedQueue<>();
        int threads = 8;
        int rounds = 5_000;
        CountDownLatch go = new CountDownLatch(1);
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            Thread worker = new Thread(() -> {
                try {
                    go.await();
                } catch (InterruptedException e) {
                    return;
                }
                for (int i = 0; i < rounds; i++) {
                    Recorder waiter = new Recorder(() -> executor.execute(() -> work(gate)));
                    switch (gate.enter(waiter, scheduler)) {
                        case ADMITTED -> {
                            direct.increment();
                            work(gate);
                        }
                        case QUEUED -> waiters.add(waiter);
                        case REFUSED -> refused.increment();
                    }
                }
            });
            workers.add(worker);
            worker.start();
        }
        go.countDown();
        for (Thread worker : workers) {
            worker.join(TimeUnit.MINUTES.toMillis(2));
            assertThat(worker.isAlive()).isFalse();
        }
        for (Recorder waiter : waiters) {
            assertThat(waiter.done.await(30, TimeUnit.SECONDS)).as("every waiter hears back").isTrue();
        }
        executor.shutdown();
        assertThat(executor.awaitTermination(30, TimeUnit.SECONDS)).isTrue();

        long admittedLater = waiters.stream().filter(w -> w.admitted.get() == 1).count();
        long expired = waiters.stream().filter(w -> w.expired.get() == 1).count();
        assertThat(waiters).allSatisfy(w -> assertThat(w.calls).as("exactly one outcome").hasValue(1));
        assertThat(direct.sum() + waiters.size() + refused.sum()).isEqualTo((long) threads * rounds);
        assertThat(admittedLater + expired).isEqualTo(waiters.size());
        assertThat(gate.rejected()).isEqualTo(refused.sum() + expired);
        assertThat(gate.queued()).isZero();
        assertThat(gate.free() + gate.active()).isEqualTo(slots);
        assertThat(gate.free()).as("every slot came back").isEqualTo(slots);
        assertThat(admittedLater).as("the race exercised hand-overs").isPositive();
    }

    @Test
    void offIsNotAGate() {
        assertThatThrownBy(() -> new AdmissionGate(AdmissionConfig.off())).isInstanceOf(IllegalArgumentException.class);
    }

    /** A short piece of work holding a slot, then the slot back. */
    private static void work(AdmissionGate gate) {
        if (ThreadLocalRandom.current().nextInt(4) == 0) {
            Thread.yield();
        }
        gate.leave();
    }

    /** Counts what a waiter is told; {@code onAdmitted} is what it does with its slot. */
    private static final class Recorder implements AdmissionGate.Waiter {
        final AtomicInteger admitted = new AtomicInteger();
        final AtomicInteger expired = new AtomicInteger();
        final AtomicInteger calls = new AtomicInteger();
        final CountDownLatch done = new CountDownLatch(1);
        private final Runnable onAdmitted;

        Recorder() {
            this(() -> { });
        }

        Recorder(Runnable onAdmitted) {
            this.onAdmitted = onAdmitted;
        }

        @Override
        public void admitted() {
            calls.incrementAndGet();
            admitted.incrementAndGet();
            onAdmitted.run();
            done.countDown();
        }

        @Override
        public void expired() {
            calls.incrementAndGet();
            expired.incrementAndGet();
            done.countDown();
        }
    }
}
