package io.rowflow.connector;

import io.rowflow.common.registry.IdRegistry;
import jakarta.inject.Singleton;
import java.util.ArrayList;
import java.util.List;

/**
 * Every connection type by its id: each source connector that is its own type, and the types declared in YAML
 * ({@link DeclaredConnectionTypes}). A source or destination naming a type that does not exist fails start-up.
 */
@Singleton
public class ConnectionTypeRegistry extends IdRegistry<ConnectionType> {
    public ConnectionTypeRegistry(ConnectorRegistry connectors) {
        // "connector": what a connection's connectorId names, as the API has always said.
        super("connector", all(connectors), t -> t.descriptor().id());
        for (SourceConnector connector : connectors.all()) {
            if (find(connector.connectionType()).isEmpty()) {
                throw new IllegalStateException("The source " + connector.descriptor().id() + " reads through the"
                        + " connection type \"" + connector.connectionType() + "\", which does not exist; "
                        + unknown(connector.connectionType()));
            }
        }
    }

    private static List<ConnectionType> all(ConnectorRegistry connectors) {
        List<ConnectionType> all = new ArrayList<>();
        connectors.all().stream().filter(c -> c.connectionType().equals(c.descriptor().id())).forEach(all::add);
        all.addAll(DeclaredConnectionTypes.load());
        return all;
    }
}
