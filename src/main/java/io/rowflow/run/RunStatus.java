package io.rowflow.run;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/**
 * queued → running → succeeded | failed | cancelled; or skipped: a schedule slot that came while the flow was still
 * running (recorded, so every slot has exactly one entry).
 */
public enum RunStatus {
    QUEUED,
    RUNNING,
    SUCCEEDED,
    FAILED,
    CANCELLED,
    SKIPPED;

    public boolean finished() {
        return this != QUEUED && this != RUNNING;
    }

    @JsonValue
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }
}
