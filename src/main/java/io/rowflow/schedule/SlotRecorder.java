package io.rowflow.schedule;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.rowflow.schedule.SlotFiring.DueSlot;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import org.jboss.logging.Logger;

/**
 * Records slots that come together in one go. Each scheduler thread that fires a slot hands it here and waits; a few
 * recording threads take whatever has gathered meanwhile (a group commit), record the runs of all of it in one
 * transaction and read the flows' schedules in one query. On an idle node a slot is recorded at once, alone; under a
 * burst of thousands the batches grow by themselves, and the database sees a few transactions instead of one a slot.
 */
final class SlotRecorder {
    private static final Logger LOG = Logger.getLogger(SlotRecorder.class);

    /** A slot waiting to be recorded, and what its firing thread waits for: the flow's schedule read afterwards. */
    private record Pending(DueSlot slot, CompletableFuture<Optional<Schedule>> recorded) {
    }

    private final BlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
    private final SlotFiring firing;
    private final FlowSchedules flows;
    private final int maxBatch;
    private final Counter fired;
    private final Timer lateness;
    private final List<Thread> threads = new ArrayList<>();

    SlotRecorder(SlotFiring firing, FlowSchedules flows, int threadCount, int maxBatch, MeterRegistry metrics) {
        this.firing = firing;
        this.flows = flows;
        this.maxBatch = maxBatch;
        // Per node: which share of a cluster's slots it fired, and how late (its time to when its run was recorded).
        this.fired = metrics.counter("rowflow.schedule.slots.fired");
        this.lateness = Timer.builder("rowflow.schedule.slot.lateness").publishPercentiles(0.5, 0.99)
                .register(metrics);
        for (int i = 1; i <= threadCount; i++) {
            Thread thread = new Thread(this::recordUntilStopped, "rowflow-schedule-record-" + i);
            thread.setDaemon(true);
            threads.add(thread);
        }
    }

    void start() {
        threads.forEach(Thread::start);
    }

    /** Records the slot with whatever else came meanwhile; answers the flow's schedule as it is after the recording. */
    Optional<Schedule> record(DueSlot slot) throws InterruptedException {
        Pending pending = new Pending(slot, new CompletableFuture<>());
        queue.add(pending);
        try {
            return pending.recorded().get();
        } catch (java.util.concurrent.ExecutionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        }
    }

    void stop() {
        threads.forEach(Thread::interrupt);
        List<Pending> left = new ArrayList<>();
        queue.drainTo(left);
        left.forEach(p -> p.recorded().completeExceptionally(new IllegalStateException("the node is stopping")));
    }

    private void recordUntilStopped() {
        while (!Thread.currentThread().isInterrupted()) {
            List<Pending> batch = new ArrayList<>();
            try {
                batch.add(queue.take());
            } catch (InterruptedException e) {
                return;
            }
            queue.drainTo(batch, maxBatch - 1);
            record(batch);
        }
    }

    private void record(List<Pending> batch) {
        try {
            firing.fire(batch.stream().map(Pending::slot).toList());
            java.time.Instant recorded = java.time.Instant.now();
            fired.increment(batch.size());
            batch.forEach(p -> lateness.record(java.time.Duration.between(p.slot().slot(), recorded)));
            // Read after the runs are recorded: a schedule changed meanwhile decides the flow's next slot.
            Map<java.util.UUID, Schedule> schedules = flows.of(batch.stream().map(p -> p.slot().flowId()).toList());
            batch.forEach(p -> p.recorded().complete(Optional.ofNullable(schedules.get(p.slot().flowId()))));
        } catch (RuntimeException e) {
            LOG.errorf(e, "Recording %d slot(s) failed", batch.size());
            batch.forEach(p -> p.recorded().completeExceptionally(e));
        }
    }
}
