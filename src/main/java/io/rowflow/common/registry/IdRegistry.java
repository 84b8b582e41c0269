package io.rowflow.common.registry;

import io.rowflow.common.error.InvalidInputException;
import java.util.Collection;
import java.util.Collections;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * Extensions of one kind by their stable id. A duplicate id fails at start-up; an unknown id asked for by a client is
 * a 422 naming the field that held it.
 */
public class IdRegistry<T> {
    private final String kind;
    private final Map<String, T> byId;

    protected IdRegistry(String kind, Iterable<T> extensions, Function<T, String> id) {
        this.kind = kind;
        Map<String, T> map = new TreeMap<>();
        for (T extension : extensions) {
            T previous = map.put(id.apply(extension), extension);
            if (previous != null) {
                throw new IllegalStateException("Two " + kind + "s have the id " + id.apply(extension) + ": "
                        + previous.getClass().getName() + " and " + extension.getClass().getName());
            }
        }
        this.byId = Collections.unmodifiableMap(map);
    }

    public Collection<T> all() {
        return byId.values();
    }

    public Optional<T> find(String id) {
        return Optional.ofNullable(id == null ? null : byId.get(id));
    }

    public T require(String id, String field) {
        return find(id).orElseThrow(() -> InvalidInputException.field(field, unknown(id)));
    }

    /** The message for an id that names no extension, listing the known ones. */
    public String unknown(String id) {
        return "unknown " + kind + " \"" + id + "\"; known: " + byId.keySet();
    }
}
