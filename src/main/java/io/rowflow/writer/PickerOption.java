package io.rowflow.writer;

/** One choice of a destination's picker: the value the setting takes and the words it is shown with. */
public record PickerOption(String value, String label) {
}
