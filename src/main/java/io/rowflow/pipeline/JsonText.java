package io.rowflow.pipeline;

/** A value that is JSON text (a nested array), as opposed to a plain string. */
public record JsonText(String json) {
}
