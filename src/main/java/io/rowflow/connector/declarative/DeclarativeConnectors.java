package io.rowflow.connector.declarative;

import io.rowflow.connector.ConnectorConfig;
import io.rowflow.connector.SourceConnector;
import jakarta.inject.Singleton;
import java.net.URI;
import java.util.List;

/** The declarative connectors, loaded and checked once, with their base URLs as this installation configures them. */
@Singleton
public class DeclarativeConnectors {
    private final List<SourceConnector> connectors;

    public DeclarativeConnectors(ConnectorConfig config, StreamComponents components) {
        List<Manifest> manifests = ManifestLoader.loadAll();
        for (Manifest manifest : manifests) {
            for (Manifest.Stream stream : manifest.streams()) {
                String component = stream.retriever() != null ? stream.retriever().get("component").asText()
                        : stream.incremental() == null ? null : stream.incremental().path("component").asText(null);
                if (component != null && components.find(component).isEmpty()) {
                    throw new IllegalStateException("connectors/" + manifest.id() + "/manifest.yaml: stream " + stream.name()
                            + " names the component \"" + component + "\", which does not exist; " + components.unknown(component));
                }
            }
        }
        this.connectors = manifests.stream().<SourceConnector>map(m -> new DeclarativeSource(m,
                config.baseUrl().containsKey(m.id()) ? URI.create(config.baseUrl().get(m.id())) : null, components))
                .toList();
    }

    public List<SourceConnector> all() {
        return connectors;
    }
}
