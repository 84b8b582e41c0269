package io.rowflow.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.rowflow.common.cancel.InFlight;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Staging a 16,384-column source stops within 6 s of its thread being stopped (a cancel, a time limit: {@link
 * InFlight#interrupt}) after the source handed over its last row, when what is left is all staging's own work — the
 * helper's appends, type inference in 256 passes and the typed copy — none of which reads the source again.
 * Left alone, that work takes over 30 s here; a stop ends it in about 1.7 s on an idle 2-core machine, and the bound
 * leaves room for a loaded one (a full CI run once saw 2.1 s) while staying far below finishing.
 */
class StagingStopTest {
    static final int COLUMNS = 16_384;
    static final int ROWS = 200;

    @TempDir
    Path dir;

    @Test
    void aStopAfterTheLastRowEndsStagingLongBeforeItWouldFinish() throws Exception {
        List<String> names = new ArrayList<>();
        for (int i = 0; i < COLUMNS; i++) {
            names.add("column " + i);
        }
        CountDownLatch allHandedOver = new CountDownLatch(1);
        AtomicReference<Throwable> outcome = new AtomicReference<>();
        AtomicReference<Instant> ended = new AtomicReference<>();
        Thread staging = new Thread(() -> {
            try (StagingArea area = StagingArea.open(dir, StagingSettings.defaults())) {
                area.stage(TextInference.ALL, sink -> {
                    sink.accept(ColumnsAnnouncement.of(names));
                    for (int r = 0; r < ROWS; r++) {
                        Map<String, Object> row = new LinkedHashMap<>();
                        for (int c = 0; c < COLUMNS; c++) {
                            row.put(names.get(c), c % 3 == 0 ? Integer.toString(r * c) : c % 3 == 1 ? "2026-03-01"
                                    : "text " + r);
                        }
                        sink.accept(row);
                    }
                    allHandedOver.countDown();
                });
                outcome.set(null);
            } catch (Throwable e) {
                outcome.set(e);
            } finally {
                ended.set(Instant.now());
            }
        }, "staging-under-test");
        staging.start();
        assertThat(allHandedOver.await(120, TimeUnit.SECONDS)).as("the source handed over every row").isTrue();
        Instant stopped = Instant.now();
        InFlight.interrupt(staging);
        staging.join(30_000);
        assertThat(staging.isAlive()).as("staging still runs 30 s after the stop").isFalse();
        Duration stopping = Duration.between(stopped, ended.get());
        System.out.printf("staging %d columns x %d rows: stop to end %d ms%n", COLUMNS, ROWS, stopping.toMillis());
        assertThat(outcome.get()).as("staging ended by the stop").isInstanceOf(CancellationException.class);
        assertThat(stopping).isLessThanOrEqualTo(Duration.ofSeconds(6));
    }
}
