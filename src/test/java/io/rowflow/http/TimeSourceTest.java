package io.rowflow.http;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The system's time source waits for real, and a cancelled run's thread (interrupted) stops waiting at once. */
class TimeSourceTest {
    @Test
    void anInterruptedThreadDoesNotSitOutAWait() {
        Thread.currentThread().interrupt();
        try {
            assertThatThrownBy(() -> TimeSource.SYSTEM.sleep(Duration.ofHours(1))).isInstanceOf(InterruptedException.class);
            Thread.currentThread().interrupt();
            assertThatThrownBy(() -> TimeSource.SYSTEM.sleep(Duration.ZERO)).isInstanceOf(InterruptedException.class);
        } finally {
            Thread.interrupted();
        }
    }
}
