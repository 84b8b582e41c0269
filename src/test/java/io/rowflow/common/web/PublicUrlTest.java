package io.rowflow.common.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.rowflow.common.error.NotConfiguredException;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The public address comes from configuration, or (embedded default only) localhost; a request never decides it. */
class PublicUrlTest {
    @Test
    void theConfiguredAddressWinsWithoutItsTrailingSlash() {
        PublicUrl url = new PublicUrl(Optional.of(" https://rowflow.example.com/ "), true);
        assertThat(url.base(8080, "x")).isEqualTo("https://rowflow.example.com");
        assertThat(url.configured()).contains("https://rowflow.example.com");
        assertThat(new PublicUrl(Optional.of("https://example.com/rowflow//"), false).base(1, "x"))
                .isEqualTo("https://example.com/rowflow");
    }

    @Test
    void theEmbeddedDefaultFallsBackToLocalhostOnTheConnectionsPort() {
        PublicUrl url = new PublicUrl(Optional.empty(), true);
        assertThat(url.base(8080, "x")).isEqualTo("http://localhost:8080");
        assertThat(url.configured()).isEmpty();
    }

    @Test
    void withoutAddressOrFallbackTheProblemNamesTheSetting() {
        PublicUrl url = new PublicUrl(Optional.of("  "), false);
        assertThatThrownBy(() -> url.base(8080, "a webhook address")).isInstanceOf(NotConfiguredException.class)
                .hasMessage("Rowflow's public address is not configured, and a webhook address needs it: set"
                        + " rowflow.web.public-url (environment variable ROWFLOW_WEB_PUBLIC_URL) to the address browsers"
                        + " reach Rowflow at, e.g. https://rowflow.example.com. Rowflow never builds it from the"
                        + " request's Host header.");
    }

    @Test
    void aBadAddressStopsTheServerAtStartUp() {
        for (String bad : new String[] { "rowflow.example.com", "ftp://rowflow.example.com", "https://x.example?a=1",
                "https:///nohost", "http://bad host" }) {
            assertThatThrownBy(() -> new PublicUrl(Optional.of(bad), true)).as(bad)
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("rowflow.web.public-url");
        }
    }
}
