package io.rowflow.connector.declarative;

import io.rowflow.connector.ConnectorConfig;
import io.rowflow.connector.SourceConnector;
import io.rowflow.connector.json.JsonUrlSource;
import jakarta.inject.Singleton;
import java.net.URI;
import java.util.List;

/** The declarative connectors, loaded and checked once, with their base URLs as this installation configures them. */
@Singleton
public class DeclarativeConnectors {
    private final List<SourceConnector> connectors;

    public DeclarativeConnectors(ConnectorConfig config, JsonUrlSource pages) {
        this.connectors = ManifestLoader.loadAll().stream().<SourceConnector>map(m -> new DeclarativeSource(m,
                config.baseUrl().containsKey(m.id()) ? URI.create(config.baseUrl().get(m.id())) : null, pages))
                .toList();
    }

    public List<SourceConnector> all() {
        return connectors;
    }
}
