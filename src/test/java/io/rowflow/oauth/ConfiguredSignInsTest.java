package io.rowflow.oauth;

import static org.assertj.core.api.Assertions.assertThat;

import io.rowflow.connector.ConnectorDescriptor;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A connector's OAuth sign-in is set up exactly when its client is configured; the catalog then says so, and a
 * connector without OAuth is never "set up".
 */
class ConfiguredSignInsTest {
    static OAuthConfig config(Map<String, String> properties) {
        // Quarkus's own reading of durations ("60s"), as the application has it.
        SmallRyeConfig config = new SmallRyeConfigBuilder().withMapping(OAuthConfig.class)
                .withConverter(java.time.Duration.class, 100, new io.quarkus.runtime.configuration.DurationConverter())
                .withSources(new PropertiesConfigSource(properties, "test", 100)).build();
        return config.getConfigMapping(OAuthConfig.class);
    }

    @Test
    void onlyAConfiguredClientIsSetUp() {
        ConfiguredSignIns signIns = new ConfiguredSignIns(config(Map.of("rowflow.oauth.provider.hubspot.client-id", "c",
                "rowflow.oauth.provider.hubspot.client-secret", "s")));
        assertThat(signIns.isSetUp("hubspot")).isTrue();
        assertThat(signIns.isSetUp("google-sheets")).isFalse();

        ConnectorDescriptor sheets = new ConnectorDescriptor("google-sheets", "Google Sheets", "spreadsheets", "oauth",
                null, List.of("rows"), List.of(), true);
        assertThat(sheets.withSignInSetUp(signIns.isSetUp(sheets.id())).oauthSignInSetUp()).isFalse();
        assertThat(sheets.withSignInSetUp(true).oauthSignInSetUp()).isTrue();
        ConnectorDescriptor csv = new ConnectorDescriptor("csv-url", "CSV from URL", "files", "none", null, List.of());
        assertThat(csv.withSignInSetUp(true).oauthSignInSetUp()).isFalse();
    }
}
