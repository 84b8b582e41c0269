package io.rowflow.pipeline;

import java.util.HashSet;
import java.util.Locale;
import java.util.Set;

/**
 * The one rule that names a source's columns, wherever they come from (a CSV header, JSON fields, a transform's
 * input): a name already taken — compared without regard to case, as DuckDB compares identifiers — gets the first free
 * " (n)" from 2 on. {@code Name, name, Name} becomes {@code Name, name (2), Name (3)}, so that every column can be named
 * exactly, and a filter on one never lands on another.
 */
public final class ColumnNames {
    private final Set<String> taken = new HashSet<>();

    /** Marks a name as taken without naming a column (a hidden column such as a row number). */
    public ColumnNames reserve(String name) {
        taken.add(key(name));
        return this;
    }

    /** {@code name} if it is free, else {@code name (n)} with the smallest free n from 2; either way taken now. */
    public String unique(String name) {
        String candidate = name;
        for (int n = 2; !taken.add(key(candidate)); n++) {
            candidate = name + " (" + n + ")";
        }
        return candidate;
    }

    private static String key(String name) {
        return name.toLowerCase(Locale.ROOT);
    }
}
