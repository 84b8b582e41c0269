package io.rowflow.writer;

import io.rowflow.common.registry.IdRegistry;
import io.rowflow.connector.ConnectionTypeRegistry;
import jakarta.inject.Singleton;
import jakarta.enterprise.inject.Instance;

/** Every destination writer by its id; one naming a connection type that does not exist fails start-up. */
@Singleton
public class WriterRegistry extends IdRegistry<DestinationWriter> {
    public WriterRegistry(Instance<DestinationWriter> writers, ConnectionTypeRegistry types) {
        super("destination", writers, w -> w.descriptor().id());
        for (DestinationWriter writer : all()) {
            String type = writer.descriptor().connectionType();
            if (type != null && types.find(type).isEmpty()) {
                throw new IllegalStateException("The destination " + writer.descriptor().id() + " writes through the"
                        + " connection type \"" + type + "\", which does not exist; " + types.unknown(type));
            }
        }
    }
}
