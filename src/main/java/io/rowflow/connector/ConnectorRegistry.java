package io.rowflow.connector;

import io.rowflow.common.registry.IdRegistry;
import io.rowflow.connector.declarative.DeclarativeConnectors;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Singleton;
import java.util.ArrayList;
import java.util.List;

/** Every source connector by its id: the Java ones (CDI beans) and the declarative ones (connectors/). */
@Singleton
public class ConnectorRegistry extends IdRegistry<SourceConnector> {
    public ConnectorRegistry(Instance<SourceConnector> connectors, DeclarativeConnectors declarative) {
        super("connector", all(connectors, declarative), c -> c.descriptor().id());
    }

    private static List<SourceConnector> all(Instance<SourceConnector> beans, DeclarativeConnectors declarative) {
        List<SourceConnector> all = new ArrayList<>();
        beans.forEach(all::add);
        all.addAll(declarative.all());
        return all;
    }
}
