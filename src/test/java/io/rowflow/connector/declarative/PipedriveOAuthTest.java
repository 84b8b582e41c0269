package io.rowflow.connector.declarative;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import io.rowflow.common.error.UpstreamException;
import io.rowflow.connector.SourceContext;
import io.rowflow.http.HttpSettings;
import io.rowflow.http.Origin;
import io.rowflow.http.SafeHttpClient;
import io.rowflow.testing.FakeHttp;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * Pipedrive's two ways in, as the manifest declares them: an API token on the company's domain sent as
 * {@code x-api-token}, or a sign-in whose token answer names the company's address ({@code api_domain},
 * https://pipedrive.readme.io/docs/marketplace-oauth-authorization), which then is the API's address and the origin
 * the connection's secrets are bound to, with the token sent as Bearer. An address outside Pipedrive's hosts is
 * refused before anything is kept.
 */
class PipedriveOAuthTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static Manifest pipedrive() {
        return ManifestLoader.loadAll().stream().filter(m -> m.id().equals("pipedrive")).findFirst().orElseThrow();
    }

    private static ObjectNode signedIn(String apiDomain) {
        return JSON.createObjectNode().put("access_token", "oauth-access-1").put("refresh_token", "oauth-refresh-1")
                .put("api_domain", apiDomain);
    }

    @Test
    void aSignedInConnectionGoesToTheAddressTheTokenAnswerNamed() {
        DeclarativeSource source = new DeclarativeSource(pipedrive(), null, null);
        assertThat(source.oauth()).isPresent();
        assertThat(source.settingsBeforeSignIn()).isEmpty();
        assertThat(source.origin(signedIn("https://globex-sales.pipedrive.com"))).contains(Origin.of(URI.create(
                "https://globex-sales.pipedrive.com")).orElseThrow());
        assertThat(source.origin(JSON.createObjectNode().put("company", "acme").put("api_token",
                io.rowflow.testing.FakePipedrive.API_TOKEN))).contains(Origin.of(URI.create(
                        "https://acme.pipedrive.com")).orElseThrow());
        assertThat(source.schema().errors(signedIn("https://globex-sales.pipedrive.com"), "config")).isEmpty();
    }

    @Test
    void anAddressOutsidePipedrivesHostsIsRefusedBeforeItIsKept() {
        DeclarativeSource source = new DeclarativeSource(pipedrive(), null, null);
        source.checkSignedIn(signedIn("https://globex-sales.pipedrive.com"));
        for (String elsewhere : List.of("https://pipedrive.example.net", "http://globex-sales.pipedrive.com",
                "https://globex.pipedrive.com.example.net", "https://169.254.169.254")) {
            assertThatThrownBy(() -> source.checkSignedIn(signedIn(elsewhere))).as(elsewhere)
                    .isInstanceOf(UpstreamException.class).hasMessageContaining(elsewhere)
                    .hasMessageContaining("*.pipedrive.com").hasMessageContaining("nothing was connected");
        }
        // A refresh that does not name the address again keeps the one checked at sign-in.
        source.checkSignedIn(JSON.createObjectNode().put("access_token", "oauth-access-2"));
    }

    @Test
    void aSignedInReadSendsBearerAndAnApiTokenReadSendsXApiToken() {
        List<Map<String, String>> seen = new CopyOnWriteArrayList<>();
        HttpServer server = FakeHttp.serve(exchange -> {
            try (exchange) {
                seen.add(Map.of("authorization", String.valueOf(exchange.getRequestHeaders().getFirst("Authorization")),
                        "x-api-token", String.valueOf(exchange.getRequestHeaders().getFirst("x-api-token"))));
                FakeHttp.json(exchange, 200, Map.of("success", true, "data", List.of(Map.of("id", 7, "name",
                        "Ada"))), Map.of());
            }
        });
        try (SafeHttpClient http = new SafeHttpClient(HttpSettings.defaults().withAllowedNetworks(List.of(
                "127.0.0.0/8")))) {
            DeclarativeSource source = new DeclarativeSource(pipedrive(), URI.create(FakeHttp.baseUrl(server)), null);
            List<Map<String, Object>> records = new ArrayList<>();
            source.read(new SourceContext(signedIn("https://globex-sales.pipedrive.com"), http).withStream("users"),
                    records::add);
            source.read(new SourceContext(JSON.createObjectNode().put("company", "acme").put("api_token",
                    io.rowflow.testing.FakePipedrive.API_TOKEN), http).withStream("users"), records::add);
            assertThat(seen).containsExactly(
                    Map.of("authorization", "Bearer oauth-access-1", "x-api-token", "null"),
                    Map.of("authorization", "null", "x-api-token", io.rowflow.testing.FakePipedrive.API_TOKEN));
        } finally {
            server.stop(0);
        }
    }
}
