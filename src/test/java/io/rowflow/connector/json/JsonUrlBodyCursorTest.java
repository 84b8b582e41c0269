package io.rowflow.connector.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.rowflow.common.error.DataException;
import io.rowflow.connector.SourceContext;
import io.rowflow.http.HttpSettings;
import io.rowflow.http.SafeHttpClient;
import io.rowflow.testing.FakeShopifyGraphql;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * JSON from URL pages a GraphQL connection the way the connector DSL does (one paginator family): the cursor goes back
 * in the body's variables, hasNextPage false ends the read, and a later page answered with errors instead of data
 * (Shopify's THROTTLED) fails the read rather than ending it short.
 */
class JsonUrlBodyCursorTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static ObjectNode config(FakeShopifyGraphql shop) {
        ObjectNode config = JSON.createObjectNode();
        config.put("url", shop.root() + FakeShopifyGraphql.PATH);
        config.put("method", "POST");
        config.putObject("headers").put("X-Shopify-Access-Token", FakeShopifyGraphql.TOKEN);
        config.put("body", "{\"query\":\"query($first: Int!, $cursor: String) { products(first: $first, after: $cursor)"
                + " { edges { node { id title } } pageInfo { hasNextPage endCursor } } }\",\"variables\":{\"first\":3}}");
        config.put("recordsPath", "data.products.edges");
        config.putObject("pagination").put("type", "cursor").put("cursorPath", "data.products.pageInfo.endCursor")
                .put("cursorBodyPath", "variables.cursor").put("hasMorePath", "data.products.pageInfo.hasNextPage");
        return config;
    }

    @Test
    void theCursorGoesBackInTheBodyUntilThereIsNoNextPage() {
        AtomicLong nanos = new AtomicLong();
        try (FakeShopifyGraphql shop = new FakeShopifyGraphql(7, 1000, 100, 10, 10, nanos::get);
                SafeHttpClient http = new SafeHttpClient(HttpSettings.defaults()
                        .withAllowedNetworks(List.of("127.0.0.0/8")))) {
            List<Map<String, Object>> records = new ArrayList<>();
            new JsonUrlSource().read(new SourceContext(config(shop), http), records::add);
            assertThat(records).extracting(r -> r.get("node.id")).containsExactly(shop.products().stream()
                    .map(p -> (Object) p.get("id").asText()).toArray());
            assertThat(records).extracting(r -> r.get("node.title")).first().isEqualTo("Tee 1");
            assertThat(shop.requests).hasSize(3);
            assertThat(shop.requests.get(0).path("variables").has("cursor")).isFalse();
            assertThat(shop.requests.get(2).path("variables").path("cursor").asText()).isNotBlank();
        }
    }

    @Test
    void aLaterPageAnsweredWithErrorsFailsTheRead() {
        AtomicLong nanos = new AtomicLong(); // time stands still: the bucket never refills
        try (FakeShopifyGraphql shop = new FakeShopifyGraphql(9, 50, 10, 22, 20, nanos::get);
                SafeHttpClient http = new SafeHttpClient(HttpSettings.defaults()
                        .withAllowedNetworks(List.of("127.0.0.0/8")))) {
            List<Map<String, Object>> records = new ArrayList<>();
            assertThatThrownBy(() -> new JsonUrlSource().read(new SourceContext(config(shop), http), records::add))
                    .isInstanceOf(DataException.class).hasMessageContaining("Page 3 of the response has nothing at"
                            + " \"data.products.edges\"");
            assertThat(shop.throttled()).isEqualTo(1);
            assertThat(records).hasSize(6);
        }
    }
}
