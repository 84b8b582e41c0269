package io.rowflow.common.error;

/** One invalid input: where it is (a dotted path into the request body) and what is wrong with it. */
public record FieldError(String field, String message) {
}
