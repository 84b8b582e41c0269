package io.rowflow.workspace;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import io.rowflow.common.error.InvalidInputException;
import java.util.Locale;

/** A member's role in a workspace, from least to most powerful; each role may do all that the ones before it may. */
public enum Role {
    /** Reads flows, runs, connections' settings and the files flows produce. */
    VIEWER,
    /** Also creates, changes, runs and deletes flows and connections. */
    EDITOR,
    /** Also manages members (not owners), webhooks, and reads the audit log. */
    ADMIN,
    /** Also grants and removes the owner role. */
    OWNER;

    public boolean includes(Role other) {
        return ordinal() >= other.ordinal();
    }

    @JsonValue
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    @JsonCreator
    public static Role of(String id) {
        for (Role role : values()) {
            if (role.id().equals(id)) {
                return role;
            }
        }
        throw InvalidInputException.field("role", "unknown role \"" + id + "\"; use viewer, editor, admin or owner");
    }
}
