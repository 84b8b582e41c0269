package io.rowflow.connector.declarative;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.rowflow.common.error.InvalidInputException;
import io.rowflow.connector.SourceContext;
import io.rowflow.http.HttpSettings;
import io.rowflow.http.Origin;
import io.rowflow.http.SafeHttpClient;
import io.rowflow.http.TimeSource;
import io.rowflow.pipeline.ColumnsAnnouncement;
import io.rowflow.testing.FakeShopifyGraphql;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A GraphQL stream declared in YAML only (src/test/resources/test-connectors/shopify-graphql): its query posted as a
 * JSON body, every page read by sending the connection's endCursor back as a variable until hasNextPage is false, and
 * the shop's query-cost bucket kept by waiting for points rather than being throttled. Time is the test's: the waits
 * move a clock the fake refills its bucket by, so nothing sleeps.
 */
class GraphQLConnectorTest {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The test's time: moved only by the engine's waits. */
    private final AtomicLong nanos = new AtomicLong(1_000_000_000L);
    private final List<Duration> waits = new CopyOnWriteArrayList<>();
    private final TimeSource clock = new TimeSource() {
        @Override
        public long nanoTime() {
            return nanos.get();
        }

        @Override
        public java.time.Instant now() {
            return java.time.Instant.ofEpochSecond(1_767_225_600L).plusNanos(nanos.get());
        }

        @Override
        public void sleep(Duration wait) {
            waits.add(wait);
            nanos.addAndGet(wait.toNanos());
        }
    };
    private FakeShopifyGraphql shop;
    private SafeHttpClient http;

    @BeforeEach
    void start() {
        // A bucket of 50 points refilling 10 a second; each query asks 22 and costs 20: the third must wait 1.2 s.
        shop = new FakeShopifyGraphql(8, 50, 10, 22, 20, nanos::get);
        http = new SafeHttpClient(HttpSettings.defaults().withAllowedNetworks(List.of("127.0.0.0/8")));
    }

    @AfterEach
    void stop() {
        shop.close();
        http.close();
    }

    static Manifest manifest() throws IOException {
        return ManifestLoader.load("shopify-graphql", yaml("metadata.yaml"), yaml("manifest.yaml"));
    }

    private static JsonNode yaml(String file) throws IOException {
        try (InputStream in = GraphQLConnectorTest.class.getResourceAsStream("/test-connectors/shopify-graphql/"
                + file)) {
            return YAML.readTree(in);
        }
    }

    private List<Map<String, Object>> read(String token) throws IOException {
        DeclarativeSource source = new DeclarativeSource(manifest(), URI.create(shop.root() + "/admin/api/2025-01"),
                null, clock);
        ObjectNode config = JSON.createObjectNode().put("shop", "acme").put("access_token", token);
        List<Map<String, Object>> records = new ArrayList<>();
        source.read(new SourceContext(config, http).withStream("products"), record -> {
            if (!(record instanceof ColumnsAnnouncement)) {
                records.add(new LinkedHashMap<>(record));
            }
        });
        return records;
    }

    @Test
    void everyPageIsReadBySendingTheEndCursorBackInTheBody() throws IOException {
        List<Map<String, Object>> records = read(FakeShopifyGraphql.TOKEN);

        assertThat(shop.requests).hasSize(3); // 3 + 3 + 2 products; hasNextPage false ends it, no empty page
        assertThat(records).hasSize(8);
        for (int i = 0; i < 8; i++) {
            JsonNode product = shop.products().get(i);
            Map<String, Object> record = records.get(i);
            assertThat(record.get("id")).isEqualTo(product.get("id").asText());
            assertThat(record.get("title")).isEqualTo(product.get("title").asText());
            assertThat(record.get("handle")).isEqualTo(product.get("handle").asText());
            assertThat(record.get("status")).isEqualTo(product.get("status").asText());
            assertThat(record.get("totalInventory")).isEqualTo(product.get("totalInventory").asLong());
            assertThat(record.get("createdAt")).isEqualTo(product.get("createdAt").asText());
            assertThat(record.get("priceRangeV2.minVariantPrice.amount"))
                    .isEqualTo(product.at("/priceRangeV2/minVariantPrice/amount").asText());
            assertThat(record.get("priceRangeV2.minVariantPrice.currencyCode")).isEqualTo("EUR");
        }
        assertThat(records.get(0)).containsEntry("id", "gid://shopify/Product/7000000001")
                .containsEntry("title", "Tee 1").containsEntry("priceRangeV2.minVariantPrice.amount", "11.99");
        assertThat(records.get(2)).containsEntry("title", "Größe \"XL\" Hoodie 3");
        assertThat(records.get(7)).containsEntry("id", "gid://shopify/Product/7000000008")
                .containsEntry("status", "DRAFT").containsEntry("totalInventory", 56L);

        // The query is the manifest's; the first page has no cursor, each next one the previous page's endCursor.
        JsonNode first = shop.requests.get(0);
        assertThat(first.get("query").asText()).startsWith("query Products($first: Int!, $cursor: String)");
        assertThat(first.get("variables").get("first").asInt()).isEqualTo(3);
        assertThat(first.get("variables").has("cursor")).isFalse();
        assertThat(shop.requests.get(1).get("variables").get("cursor").asText())
                .isEqualTo(records.get(2).get("cursor"));
        assertThat(shop.requests.get(2).get("variables").get("cursor").asText())
                .isEqualTo(records.get(5).get("cursor"));
        assertThat(shop.requests.get(2).get("variables").get("first").asInt()).isEqualTo(3);
        assertThat(shop.contentTypes).allMatch(type -> type.startsWith("application/json"));
    }

    @Test
    void aQueryWaitsForItsPointsInsteadOfBeingThrottled() throws IOException {
        read(FakeShopifyGraphql.TOKEN);
        // After two queries 10 points are left; the third asks 22: (22 - 10) / 10 per second = 1.2 s.
        assertThat(shop.throttled()).isZero();
        assertThat(shop.requests).hasSize(3);
        assertThat(waits).containsExactly(Duration.ofMillis(1200));
    }

    @Test
    void aTemplatedHostIsTheConnectionsOriginAndMustBeAnAllowedHost() throws IOException {
        DeclarativeSource source = new DeclarativeSource(manifest(), null, null, clock);
        assertThat(source.origin(JSON.createObjectNode().put("shop", "acme").put("access_token", "x")))
                .contains(Origin.parse("https://acme.myshopify.com").orElseThrow());
        // Settings that would send the token elsewhere lead nowhere: no origin, so no credential goes there.
        assertThat(source.origin(JSON.createObjectNode().put("shop", "evil.example/x?").put("access_token", "x")))
                .isEmpty();
    }

    @Test
    void signInAddressesAreMadeFromTheShopAskedBeforeSignIn() throws IOException {
        DeclarativeSource source = new DeclarativeSource(manifest(), null, null, clock);
        assertThat(source.settingsBeforeSignIn()).containsExactly("shop");
        ObjectNode shop = JSON.createObjectNode().put("shop", "acme");
        assertThat(source.oauthAddress("authorize_url", shop))
                .isEqualTo(URI.create("https://acme.myshopify.com/admin/oauth/authorize"));
        assertThat(source.oauthAddress("token_url", shop))
                .isEqualTo(URI.create("https://acme.myshopify.com/admin/oauth/access_token"));
        // The client secret goes to the token URL: a shop name that would lead it elsewhere is refused first.
        for (String elsewhere : List.of("evil.example/x?", "acme.evil.example#", "")) {
            assertThatThrownBy(() -> source.oauthAddress("token_url", JSON.createObjectNode().put("shop", elsewhere)))
                    .isInstanceOf(InvalidInputException.class);
        }
        assertThatThrownBy(() -> source.oauthAddress("token_url", JSON.createObjectNode()))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("shop");
    }
}
