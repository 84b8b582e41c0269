package io.rowflow.connector;

import io.smallrye.config.ConfigMapping;
import java.util.Map;

/** Per-installation settings of connectors. */
@ConfigMapping(prefix = "rowflow.connector")
public interface ConnectorConfig {
    /**
     * A declarative connector's API address, replacing its manifest's {@code base_url} (a self-hosted variant, a
     * regional endpoint, a test fake): {@code rowflow.connector.base-url.hubspot=https://…}.
     */
    Map<String, String> baseUrl();
}
