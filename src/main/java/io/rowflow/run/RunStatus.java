package io.rowflow.run;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** queued → running → succeeded | failed | cancelled. */
public enum RunStatus {
    QUEUED,
    RUNNING,
    SUCCEEDED,
    FAILED,
    CANCELLED;

    public boolean finished() {
        return this == SUCCEEDED || this == FAILED || this == CANCELLED;
    }

    @JsonValue
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }
}
