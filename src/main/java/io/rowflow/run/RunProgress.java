package io.rowflow.run;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A run's progress as a stream: its state and the log lines written since the last event, sent when something changed
 * and ended with the event that shows the run finished. The run is read from the database, so a browser follows a run
 * whichever node of a cluster executes it.
 */
@ApplicationScoped
public class RunProgress {
    /** One event: the run as it is now and the log lines that are new since the previous event. */
    public record Event(RunView run, List<RunView.LogLine> log) {
    }

    private static final Duration POLL = Duration.ofMillis(400);

    private final RunService runs;

    public RunProgress(RunService runs) {
        this.runs = runs;
    }

    /** The caller must be allowed to see the run: this is checked here, in the request, before anything streams. */
    public Multi<Event> follow(UUID runId) {
        runs.get(runId);
        return Multi.createFrom().emitter(emitter -> {
            int[] linesSent = { 0 };
            RunView[] last = { null };
            AtomicReference<ScheduledFuture<?>> task = new AtomicReference<>();
            AtomicBoolean ended = new AtomicBoolean();
            // The first poll may run before the task is known: "ended" stops it whichever comes first.
            Runnable stop = () -> {
                ended.set(true);
                ScheduledFuture<?> scheduled = task.get();
                if (scheduled != null) {
                    scheduled.cancel(false);
                }
            };
            Runnable poll = () -> {
                if (ended.get()) {
                    stop.run();
                    return;
                }
                try {
                    Event event = QuarkusTransaction.requiringNew().call(() -> {
                        RunView run = runs.get(runId);
                        // Only the lines not sent yet are read: a long run's log is not read again at every poll.
                        List<RunView.LogLine> fresh = runs.log(runId, linesSent[0]);
                        linesSent[0] += fresh.size();
                        return new Event(run, fresh);
                    });
                    if (!event.log().isEmpty() || !event.run().equals(last[0])) {
                        last[0] = event.run();
                        emitter.emit(event);
                    }
                    if (event.run().status().finished()) {
                        stop.run();
                        emitter.complete();
                    }
                } catch (RuntimeException e) {
                    stop.run();
                    emitter.fail(e);
                }
            };
            emitter.onTermination(stop);
            task.set(Infrastructure.getDefaultWorkerPool().scheduleWithFixedDelay(poll, 0, POLL.toMillis(),
                    TimeUnit.MILLISECONDS));
            if (ended.get()) {
                task.get().cancel(false);
            }
        });
    }
}
