package io.rowflow.connector;

import io.rowflow.common.registry.IdRegistry;
import jakarta.inject.Singleton;
import jakarta.enterprise.inject.Instance;

/** Every source connector by its id. */
@Singleton
public class ConnectorRegistry extends IdRegistry<SourceConnector> {
    public ConnectorRegistry(Instance<SourceConnector> connectors) {
        super("connector", connectors, c -> c.descriptor().id());
    }
}
