package io.rowflow.writer;

import io.rowflow.common.registry.IdRegistry;
import jakarta.inject.Singleton;
import jakarta.enterprise.inject.Instance;

/** Every destination writer by its id. */
@Singleton
public class WriterRegistry extends IdRegistry<DestinationWriter> {
    public WriterRegistry(Instance<DestinationWriter> writers) {
        super("destination", writers, w -> w.descriptor().id());
    }
}
