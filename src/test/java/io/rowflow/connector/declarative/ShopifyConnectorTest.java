package io.rowflow.connector.declarative;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.rowflow.common.error.UpstreamException;
import io.rowflow.connector.SourceContext;
import io.rowflow.connector.shopify.ShopifyBulkQuery;
import io.rowflow.http.HttpSettings;
import io.rowflow.http.TimeSource;
import io.rowflow.http.SafeHttpClient;
import io.rowflow.pipeline.ColumnsAnnouncement;
import io.rowflow.pipeline.JsonText;
import io.rowflow.pipeline.RecordSink;
import io.rowflow.testing.FakeShopify;
import io.rowflow.testing.StreamReads;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The shipped Shopify manifest (connectors/shopify) against {@link FakeShopify}, a stateful shop written from
 * Shopify's documentation: a large shop's whole read by bulk operation gives the very records the paged query gives;
 * paged reads keep to the bucket of query points (never THROTTLED in steady state) and survive a THROTTLED answer
 * with the documented wait; incremental reads of orders, products and customers get only what changed and, with the
 * first, equal a fresh whole read. Time is the test's: every wait (for points, between
 * polls) moves a virtual clock the fake's bucket and bulk operations run on, so nothing sleeps.
 */
class ShopifyConnectorTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final AtomicLong nanos = new AtomicLong(5_000_000_000L);
    private final List<Duration> costWaits = new CopyOnWriteArrayList<>();
    private final List<Duration> pollWaits = new CopyOnWriteArrayList<>();
    private FakeShopify shop;
    private SafeHttpClient http;

    private TimeSource clock(List<Duration> waits) {
        return new TimeSource() {
            @Override
            public long nanoTime() {
                return nanos.get();
            }

            @Override
            public java.time.Instant now() {
                return java.time.Instant.EPOCH.plusNanos(nanos.get());
            }

            @Override
            public void sleep(Duration wait) {
                waits.add(wait);
                nanos.addAndGet(wait.toNanos());
            }
        };
    }

    private void open(double maximum, double restoreRate, List<String> allowedNetworks) {
        shop = new FakeShopify(nanos::get, maximum, restoreRate);
        http = new SafeHttpClient(HttpSettings.defaults().withAllowedNetworks(allowedNetworks));
    }

    @AfterEach
    void close() {
        shop.close();
        http.close();
    }

    static Manifest manifest() throws IOException {
        return ManifestLoader.loadAll().stream().filter(m -> m.id().equals("shopify")).findFirst().orElseThrow();
    }

    private DeclarativeSource source() throws IOException {
        return new DeclarativeSource(manifest(), URI.create(shop.base()), new StreamComponents(List.of(
                new ShopifyBulkQuery(clock(pollWaits)))), clock(costWaits));
    }

    private SourceContext context() {
        return context("orders");
    }

    private SourceContext context(String stream) {
        ObjectNode config = JSON.createObjectNode().put("shop", "rowflow-demo").put("access_token", FakeShopify.TOKEN);
        return new SourceContext(config, http).withStream(stream);
    }

    private List<Map<String, Object>> read(SourceContext context) throws IOException {
        List<Map<String, Object>> records = new ArrayList<>();
        read(context, records::add);
        return records;
    }

    private void read(SourceContext context, RecordSink sink) throws IOException {
        source().read(context, record -> {
            if (!(record instanceof ColumnsAnnouncement)) {
                sink.accept(new LinkedHashMap<>(record));
            }
        });
    }

    /** Orders 1 to n: currencies with and without cents (JPY), guests, cancellations, none to three line items. */
    private static final Instant OPENED = Instant.parse("2026-01-01T00:00:00Z");

    static ObjectNode order(long i) {
        String currency = i % 3 == 0 ? "JPY" : i % 3 == 1 ? "USD" : "EUR";
        boolean yen = currency.equals("JPY");
        List<FakeShopify.Item> items = new ArrayList<>();
        for (int k = 0; k < (i % 9 == 0 ? 0 : 1 + i % 3); k++) {
            BigDecimal price = yen ? new BigDecimal(1200 + 100 * k) : new BigDecimal((i % 50) + "." + (k == 0 ? "0"
                    : k == 1 ? "99" : "5"));
            items.add(new FakeShopify.Item(14_420_000_000L + i * 4 + k, k == 2 ? null : "SKU-" + (i % 13) + "-" + k,
                    k == 1 ? "Größe \"XL\" hoodie" : "Tee " + k, 1 + (int) ((i + k) % 4), price));
        }
        Instant created = OPENED.plusSeconds(i * 60);
        return FakeShopify.order(5_630_100_000L + i, "#" + (1000 + i), i % 7 == 0 ? null : "buyer" + i + "@example.org",
                created, created.plusSeconds(13 + i % 5), i % 11 == 0, currency,
                i % 6 == 0 ? null : "gid://shopify/Customer/" + (7_410_000_000L + i % 40),
                yen ? new BigDecimal(i % 2 * 100) : new BigDecimal("1.50"), yen ? new BigDecimal(500) : new BigDecimal("4.99"),
                yen ? new BigDecimal(120) : new BigDecimal("0.0" + i % 10), items);
    }

    private void seed(int count) {
        for (long i = 1; i <= count; i++) {
            shop.put(order(i));
        }
    }

    private static long countOf(List<JsonNode> requests, String operation) {
        return requests.stream().filter(r -> r.path("query").asText().contains(operation)).count();
    }

    @Test
    void aLargeShopsWholeReadByBulkOperationEqualsThePagedRead() throws IOException {
        open(1000, 100, List.of("127.0.0.0/8"));
        seed(1_200); // past the manifest's 1,000 orders
        shop.bulkTakes(Duration.ofSeconds(3));

        List<Map<String, Object>> bulk = read(context());
        List<JsonNode> bulkRequests = new ArrayList<>(shop.requests);
        List<Map<String, Object>> paged = read(context().asSample()); // a sample is read by the paged query, in full

        // The whole read: counted, one bulk query, polled until done, one file; no page of orders asked.
        assertThat(countOf(bulkRequests, "ordersCount")).isEqualTo(1);
        assertThat(countOf(bulkRequests, "bulkOperationRunQuery")).isEqualTo(1);
        assertThat(countOf(bulkRequests, "query Orders(")).isZero();
        // CREATED at once, RUNNING after 1 s, COMPLETED at 3 s: polls 1 s, then 2 s apart.
        assertThat(pollWaits).containsExactly(Duration.ofSeconds(1), Duration.ofSeconds(2));
        assertThat(shop.fileRequests).hasSize(1);
        assertThat(shop.fileRequests.get(0).keySet()).noneMatch(h -> h.equalsIgnoreCase("X-Shopify-Access-Token")
                || h.equalsIgnoreCase("Authorization"));
        // A sample (a preview, a Test) starts no export and counts nothing: it pages, here to the end.
        assertThat(countOf(shop.requests, "query Orders(")).isEqualTo(120);
        assertThat(countOf(shop.requests, "ordersCount")).isEqualTo(1);
        assertThat(shop.bulkOperations()).hasSize(1);

        // The same records, field for field, in the same order, with the same columns in the same order.
        assertThat(bulk).hasSize(1_200);
        assertThat(bulk).isEqualTo(paged);
        for (int i = 0; i < bulk.size(); i++) {
            assertThat(new ArrayList<>(bulk.get(i).keySet())).isEqualTo(new ArrayList<>(paged.get(i).keySet()));
        }
        // Order 3: yen have no minor unit; one line item of 4 × 1200 = 4800, less 100, plus 500 shipping, 120 tax.
        Map<String, Object> yen = byId(bulk, "gid://shopify/Order/5630100003");
        assertThat(yen).containsEntry("name", "#1003").containsEntry("currencyCode", "JPY")
                .containsEntry("email", "buyer3@example.org").containsEntry("createdAt", "2026-01-01T00:03:00Z")
                .containsEntry("updatedAt", "2026-01-01T00:03:16Z").containsEntry("cancelledAt", null)
                .containsEntry("customer.id", "gid://shopify/Customer/7410000003");
        assertThat(yen.get("subtotalPriceSet.shopMoney.amount")).isEqualTo(new BigDecimal("4800"));
        assertThat(yen.get("totalPriceSet.shopMoney.amount")).isEqualTo(new BigDecimal("5320"));
        assertThat(yen.get("lineItems.nodes")).isEqualTo(new JsonText("[{\"id\":\"gid://shopify/LineItem/14420000012\","
                + "\"sku\":\"SKU-3-0\",\"title\":\"Tee 0\",\"quantity\":4,\"originalUnitPriceSet\":{\"shopMoney\":"
                + "{\"amount\":\"1200\",\"currencyCode\":\"JPY\"}}}]"));
        // Order 5: euros with cents; 2 × 5.0 + 3 × 5.99 + 4 × 5.5 = 49.97, less 1.50, plus 4.99 and 0.05 = 53.51.
        Map<String, Object> euros = byId(bulk, "gid://shopify/Order/5630100005");
        assertThat(euros.get("subtotalPriceSet.shopMoney.amount")).isEqualTo(new BigDecimal("49.97"));
        assertThat(euros.get("totalDiscountsSet.shopMoney.amount")).isEqualTo(new BigDecimal("1.50"));
        assertThat(euros.get("totalShippingPriceSet.shopMoney.amount")).isEqualTo(new BigDecimal("4.99"));
        assertThat(euros.get("totalTaxSet.shopMoney.amount")).isEqualTo(new BigDecimal("0.05"));
        assertThat(euros.get("totalPriceSet.shopMoney.amount")).isEqualTo(new BigDecimal("53.51"));
        assertThat(euros.get("totalPriceSet.shopMoney.currencyCode")).isEqualTo("EUR");
        assertThat(euros.get("lineItems.nodes")).isEqualTo(new JsonText("[{\"id\":\"gid://shopify/LineItem/14420000020\","
                + "\"sku\":\"SKU-5-0\",\"title\":\"Tee 0\",\"quantity\":2,\"originalUnitPriceSet\":{\"shopMoney\":"
                + "{\"amount\":\"5.0\",\"currencyCode\":\"EUR\"}}},{\"id\":\"gid://shopify/LineItem/14420000021\","
                + "\"sku\":\"SKU-5-1\",\"title\":\"Größe \\\"XL\\\" hoodie\",\"quantity\":3,\"originalUnitPriceSet\":"
                + "{\"shopMoney\":{\"amount\":\"5.99\",\"currencyCode\":\"EUR\"}}},{\"id\":"
                + "\"gid://shopify/LineItem/14420000022\",\"sku\":null,\"title\":\"Tee 2\",\"quantity\":4,"
                + "\"originalUnitPriceSet\":{\"shopMoney\":{\"amount\":\"5.5\",\"currencyCode\":\"EUR\"}}}]"));
        // Order 42: a guest (no customer) without email; order 18: no line items, an empty list, not a missing column.
        Map<String, Object> guest = byId(bulk, "gid://shopify/Order/5630100042");
        assertThat(guest).containsEntry("customer", null).containsEntry("email", null);
        assertThat(guest.get("totalTaxSet.shopMoney.amount")).isEqualTo(new BigDecimal("120"));
        Map<String, Object> empty = byId(bulk, "gid://shopify/Order/5630100018");
        assertThat(empty.get("lineItems.nodes")).isEqualTo(new JsonText("[]"));
        assertThat(empty.get("subtotalPriceSet.shopMoney.amount")).isEqualTo(new BigDecimal("0"));
        // Order 11 was cancelled: its cancellation time is the text Shopify sends, typed as a time when staged.
        assertThat(byId(bulk, "gid://shopify/Order/5630100011")).containsEntry("cancelledAt", "2026-01-01T00:11:14Z")
                .containsEntry("displayFinancialStatus", "VOIDED");
    }

    private static Map<String, Object> byId(List<Map<String, Object>> records, String id) {
        return records.stream().filter(r -> id.equals(r.get("id"))).findFirst().orElseThrow();
    }

    @Test
    void aSmallShopsWholeReadIsPagedAndKeepsToTheBucketWithoutEverBeingThrottled() throws IOException {
        // The older documented figures: a bucket of 1,000 points refilling 50 a second.
        open(1000, 50, List.of("127.0.0.0/8"));
        seed(95);

        List<Map<String, Object>> records = read(context());

        assertThat(countOf(shop.requests, "bulkOperationRunQuery")).isZero();
        assertThat(countOf(shop.requests, "query Orders(")).isEqualTo(10); // 9 pages of 10 and one of 5
        assertThat(records).extracting(r -> r.get("id")).isEqualTo(shop.orders().stream()
                .map(o -> o.get("id").asText()).toList());
        assertThat(shop.throttled()).isZero();
        // Each page asks 742 points and costs about a fifth of that: after the first two, each waits for the points.
        JsonNode first = shop.answers.get(1).path("extensions").path("cost");
        assertThat(first.path("requestedQueryCost").asLong()).isEqualTo(742);
        assertThat(costWaits).hasSizeGreaterThanOrEqualTo(7);
        for (int i = 2; i < shop.answers.size(); i++) {
            JsonNode cost = shop.answers.get(i).path("extensions").path("cost");
            assertThat(cost.path("throttleStatus").path("currentlyAvailable").asDouble()).isGreaterThanOrEqualTo(0);
            assertThat(cost.path("actualQueryCost").isNull()).isFalse();
        }
    }

    @Test
    void aThrottledAnswerIsWaitedOutAsItsCostSaysAndThePageAskedAgain() throws IOException {
        open(1000, 50, List.of("127.0.0.0/8"));
        seed(30);
        List<Map<String, Object>> records = new ArrayList<>();
        read(context(), record -> {
            records.add(record);
            if (records.size() == 10) {
                shop.drain(1000); // another client of the same app and shop empties the bucket meanwhile
            }
        });

        assertThat(shop.throttled()).isEqualTo(1);
        JsonNode refused = shop.answers.stream().filter(a -> a.has("errors")).findFirst().orElseThrow();
        assertThat(refused.at("/errors/0/extensions/code").asText()).isEqualTo("THROTTLED");
        assertThat(refused.has("data")).isFalse();
        JsonNode cost = refused.path("extensions").path("cost");
        assertThat(cost.path("actualQueryCost").isNull()).isTrue();
        assertThat(cost.at("/throttleStatus/currentlyAvailable").asDouble()).isZero();
        // The documented wait: (requested − currently available) / restore rate = 742 / 50 = 14.84 s, then again.
        assertThat(costWaits).contains(Duration.ofMillis(14_840));
        int throttledAt = shop.answers.indexOf(refused);
        assertThat(shop.requests.get(throttledAt + 1)).isEqualTo(shop.requests.get(throttledAt));
        // Every order once, in order: the refused page is not a page without orders.
        assertThat(records).extracting(r -> r.get("id")).isEqualTo(shop.orders().stream()
                .map(o -> o.get("id").asText()).toList());
    }

    @Test
    void aBucketAnotherClientKeepsEmptyStopsTheReadAfterTenRefusalsSayingWhy() throws IOException {
        open(1000, 50, List.of("127.0.0.0/8"));
        seed(5);
        shop.drain(1000);
        // Whenever Rowflow waits, the other client spends the points again.
        TimeSource contested = new TimeSource() {
            @Override
            public long nanoTime() {
                return nanos.get();
            }

            @Override
            public java.time.Instant now() {
                return java.time.Instant.EPOCH.plusNanos(nanos.get());
            }

            @Override
            public void sleep(Duration wait) {
                costWaits.add(wait);
                nanos.addAndGet(wait.toNanos());
                shop.drain(1000);
            }
        };
        DeclarativeSource source = new DeclarativeSource(manifest(), URI.create(shop.base()), new StreamComponents(
                List.of(new ShopifyBulkQuery(clock(pollWaits)))), contested);

        assertThatThrownBy(() -> source.read(context(), record -> { })).isInstanceOf(UpstreamException.class)
                .hasMessageContaining("Shopify answered THROTTLED").hasMessageContaining("10 times in a row")
                .hasMessageContaining("Try the run again later");
        assertThat(shop.throttled()).isEqualTo(10);
        // Each time it waited what the answer said: (1 point for the count − 0 left) / 50 a second = 20 ms.
        assertThat(costWaits).hasSize(9).allMatch(w -> w.toMillis() == 20);
    }

    /** {@link StreamReads#assertTwoReads} on a stream of the shop, read as a run reads it, records keyed by GID. */
    private StreamReads.TwoReads twoReads(String stream, Runnable change, List<String> changedIds) {
        return StreamReads.assertTwoReads(stream, sync -> {
            try {
                return read(context(stream).withSync(sync));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }, "id", change, changedIds);
    }

    /**
     * The updated_at filter of every page an incremental read was answered, in order (a whole read sends none; a
     * request refused THROTTLED, and asked again, is not a page).
     */
    private List<String> updatedSinceFilters() {
        List<String> filters = new ArrayList<>();
        for (int i = 0; i < shop.requests.size(); i++) {
            JsonNode filter = shop.requests.get(i).path("variables").path("query");
            if (filter.isTextual() && filter.asText().startsWith("updated_at:") && !shop.answers.get(i).has("errors")) {
                filters.add(filter.asText());
            }
        }
        return filters;
    }

    private static final Instant LATER = Instant.parse("2026-02-01T10:00:00Z");

    @Test
    void incrementalReadsGetOnlyTheChangedAndNewOrdersAndTogetherEqualAFreshWholeRead() throws IOException {
        open(2000, 100, List.of("127.0.0.0/8"));
        seed(1_050);
        StreamReads.TwoReads reads = twoReads("orders", () -> {
            assertThat(shop.bulkOperations()).hasSize(1); // a first read is whole: by bulk operation
            for (long i : new long[] { 7, 500, 1_049 }) {
                ObjectNode before = shop.orders().stream().filter(o -> o.get("id").asText().endsWith("/"
                        + (5_630_100_000L + i))).findFirst().orElseThrow();
                shop.put(FakeShopify.changed(before, LATER.plusSeconds(i), new BigDecimal("2.00")));
            }
            shop.put(FakeShopify.order(5_630_109_001L, "#9001", "new@example.org", LATER, LATER.plusSeconds(5),
                    false, "EUR", null, BigDecimal.ZERO, new BigDecimal("3.90"), new BigDecimal("1.19"), List.of(
                            new FakeShopify.Item(19_000_000_001L, "MUG", "Mug", 2, new BigDecimal("8.50")))));
        }, List.of("gid://shopify/Order/5630109001", "gid://shopify/Order/5630100007",
                "gid://shopify/Order/5630100500", "gid://shopify/Order/5630101049"));

        assertThat(reads.firstRead()).hasSize(1_050);
        // In the order of change; the latest version of each order across both reads was what a fresh whole read gave.
        assertThat(reads.secondRead()).extracting(r -> r.get("id")).containsExactly("gid://shopify/Order/5630109001",
                "gid://shopify/Order/5630100007", "gid://shopify/Order/5630100500", "gid://shopify/Order/5630101049");
        // Incremental reads page with updated_at: the only bulk operations were the first and the fresh whole read.
        assertThat(shop.bulkOperations()).hasSize(2);
        // One page each for the second and the third read: from the first read's newest change (order 1050, 17:30:13),
        // then from the second's (order 1049, 2026-02-01T10:17:29), less the manifest's minute of lookback.
        assertThat(updatedSinceFilters()).containsExactly("updated_at:>='2026-01-01T17:29:13Z'",
                "updated_at:>='2026-02-01T10:16:29Z'");
        Map<String, Object> changed = byId(reads.secondRead(), "gid://shopify/Order/5630100500");
        assertThat(changed).containsEntry("displayFinancialStatus", "PARTIALLY_REFUNDED")
                .containsEntry("updatedAt", "2026-02-01T10:08:20Z");
        assertThat(changed.get("totalDiscountsSet.shopMoney.amount")).isEqualTo(new BigDecimal("3.50"));
    }

    /** Product n: created n hours after the shop opened, one to three variants, every tenth a draft. */
    static ObjectNode product(long n) {
        List<FakeShopify.Variant> variants = new ArrayList<>();
        for (int k = 0; k < 1 + n % 3; k++) {
            variants.add(new FakeShopify.Variant(49_100_000_000L + n * 4 + k, k == 0 ? "S" : k == 1 ? "M" : "L",
                    "TEE-" + n + "-" + k, new BigDecimal((10 + n % 30) + "." + (k == 0 ? "00" : k == 1 ? "50" : "99")),
                    k == 0 && n % 4 == 0 ? new BigDecimal("59.95") : null, (int) ((n * 7 + k) % 40) - 3));
        }
        Instant created = OPENED.plusSeconds(n * 3_600);
        return FakeShopify.product(8_010_000_000L + n, "Tee Nº" + n, n % 10 == 0 ? "DRAFT" : "ACTIVE", created,
                created.plusSeconds(120 + n % 7), "EUR", variants);
    }

    @Test
    void incrementalReadsGetOnlyTheChangedAndNewProductsAndTogetherEqualAFreshWholeRead() throws IOException {
        open(2000, 100, List.of("127.0.0.0/8"));
        for (long n = 1; n <= 60; n++) {
            shop.put(product(n));
        }
        StreamReads.TwoReads reads = twoReads("products", () -> {
            assertThat(countOf(shop.requests, "query Products(")).isEqualTo(3); // pages of 25: 25, 25, 10
            shop.put(FakeShopify.updated(product(5), LATER.plusSeconds(5), "title",
                    JSON.getNodeFactory().textNode("Tee Nº5 (organic)")));
            shop.put(FakeShopify.updated(product(42), LATER.plusSeconds(42), "status",
                    JSON.getNodeFactory().textNode("ARCHIVED")));
            shop.put(FakeShopify.product(8_010_000_061L, "Mug", "ACTIVE", LATER, LATER.plusSeconds(1), "EUR",
                    List.of(new FakeShopify.Variant(49_100_009_001L, "Default Title", "MUG", new BigDecimal("8.50"),
                            null, 12))));
        }, List.of("gid://shopify/Product/8010000061", "gid://shopify/Product/8010000005",
                "gid://shopify/Product/8010000042"));

        assertThat(reads.firstRead()).hasSize(60);
        assertThat(reads.secondRead()).extracting(r -> r.get("id")).containsExactly(
                "gid://shopify/Product/8010000061", "gid://shopify/Product/8010000005",
                "gid://shopify/Product/8010000042");
        // From product 60's change (2026-01-03T12:02:04Z), then product 42's (10:00:42), less a minute each.
        assertThat(updatedSinceFilters()).containsExactly("updated_at:>='2026-01-03T12:01:04Z'",
                "updated_at:>='2026-02-01T09:59:42Z'");
        assertThat(byId(reads.secondRead(), "gid://shopify/Product/8010000005")).containsEntry("title",
                "Tee Nº5 (organic)").containsEntry("updatedAt", "2026-02-01T10:00:05Z");
        assertThat(byId(reads.secondRead(), "gid://shopify/Product/8010000042")).containsEntry("status", "ARCHIVED");
        Map<String, Object> mug = byId(reads.secondRead(), "gid://shopify/Product/8010000061");
        assertThat(mug.get("priceRangeV2.minVariantPrice.amount")).isEqualTo(new BigDecimal("8.50"));
        assertThat(mug.get("totalInventory")).isEqualTo(12L);
    }

    /** Customer n: signed up every ten minutes; some without a phone, every ninth without orders. */
    static ObjectNode customer(long n) {
        Instant created = OPENED.plusSeconds(n * 600);
        long orders = n % 9 == 0 ? 0 : 1 + n % 5;
        return FakeShopify.customer(7_410_000_000L + n, "Kim", "Nguyễn " + n, "buyer" + n + "@example.org",
                n % 3 == 0 ? null : "+4930" + (2_000_000 + n), created, created.plusSeconds(30 + n % 11), orders,
                new BigDecimal(orders * 17 + "." + (n % 100 < 10 ? "0" : "") + n % 100), "EUR");
    }

    @Test
    void incrementalReadsGetOnlyTheChangedAndNewCustomersAndTogetherEqualAFreshWholeRead() throws IOException {
        open(2000, 100, List.of("127.0.0.0/8"));
        for (long n = 1; n <= 230; n++) {
            shop.put(customer(n));
        }
        StreamReads.TwoReads reads = twoReads("customers", () -> {
            assertThat(countOf(shop.requests, "query Customers(")).isEqualTo(3); // pages of 100: 100, 100, 30
            shop.put(FakeShopify.updated(customer(17), LATER.plusSeconds(17), "note",
                    JSON.getNodeFactory().textNode("Prefers DHL")));
            shop.put(FakeShopify.updated(customer(200), LATER.plusSeconds(200), "numberOfOrders",
                    JSON.getNodeFactory().textNode("4")));
            shop.put(FakeShopify.customer(7_410_000_231L, null, null, "new@example.org", null, LATER,
                    LATER.plusSeconds(1), 0, BigDecimal.ZERO, "EUR"));
        }, List.of("gid://shopify/Customer/7410000231", "gid://shopify/Customer/7410000017",
                "gid://shopify/Customer/7410000200"));

        assertThat(reads.firstRead()).hasSize(230);
        assertThat(reads.secondRead()).extracting(r -> r.get("id")).containsExactly(
                "gid://shopify/Customer/7410000231", "gid://shopify/Customer/7410000017",
                "gid://shopify/Customer/7410000200");
        // From customer 230's change (2026-01-02T14:20:40Z), then customer 200's (10:03:20), less a minute each.
        assertThat(updatedSinceFilters()).containsExactly("updated_at:>='2026-01-02T14:19:40Z'",
                "updated_at:>='2026-02-01T10:02:20Z'");
        assertThat(byId(reads.secondRead(), "gid://shopify/Customer/7410000017")).containsEntry("note", "Prefers DHL")
                .containsEntry("updatedAt", "2026-02-01T10:00:17Z");
        assertThat(byId(reads.secondRead(), "gid://shopify/Customer/7410000200")).containsEntry("numberOfOrders",
                "4");
        assertThat(byId(reads.secondRead(), "gid://shopify/Customer/7410000231")).containsEntry("displayName",
                "new@example.org").containsEntry("defaultPhoneNumber", null).containsEntry("state", "DISABLED");
    }

    @Test
    void aFailedBulkOperationSaysWhyInWords() throws IOException {
        open(1000, 100, List.of("127.0.0.0/8"));
        seed(1_000);
        shop.failNextBulk("ACCESS_DENIED");
        assertThatThrownBy(() -> read(context())).isInstanceOf(UpstreamException.class)
                .hasMessageContaining("ACCESS_DENIED").hasMessageContaining("read_orders")
                .satisfies(e -> assertThat(((UpstreamException) e).status()).isEqualTo(403));
        assertThat(shop.fileRequests).isEmpty();
    }

    @Test
    void anotherBulkQueryOfTheSameAppIsWaitedOutBeforeStarting() throws IOException {
        open(1000, 100, List.of("127.0.0.0/8"));
        seed(1_000);
        shop.otherBulkRuns(Duration.ofSeconds(20));
        shop.bulkTakes(Duration.ofSeconds(2));

        assertThat(read(context())).hasSize(1_000);

        List<JsonNode> starts = shop.requests.stream().filter(r -> r.path("query").asText()
                .contains("bulkOperationRunQuery")).toList();
        assertThat(starts).hasSize(2);
        JsonNode refused = shop.answers.get(shop.requests.indexOf(starts.get(0)));
        assertThat(refused.at("/data/bulkOperationRunQuery/userErrors/0/code").asText())
                .isEqualTo("OPERATION_IN_PROGRESS");
        // The other one is polled until it ends (20 s: after 1 + 2 + 4 + 8 + 16 s), then ours (2 s: 1 + 2).
        assertThat(pollWaits).extracting(Duration::toSeconds).containsExactly(1L, 2L, 4L, 8L, 16L, 1L, 2L);
        assertThat(shop.bulkOperations()).hasSize(2);
    }

    @Test
    void theSignedFileAddressGoesThroughTheNetworkGuardAndIsNeverShown() throws IOException {
        // The API's host is allowed, the file's host (127.0.0.2, as GCS is another host) is not.
        open(1000, 100, List.of("127.0.0.1/32"));
        seed(1_000);
        Throwable refused = catchThrowable(() -> read(context()));

        assertThat(refused).isInstanceOf(UpstreamException.class).hasMessageContaining("127.0.0.2");
        FakeShopify.BulkOperation operation = shop.bulkOperations().get(0);
        assertThat(refused.getMessage()).doesNotContain(operation.signature()).doesNotContain("X-Goog")
                .doesNotContain("bulk-operation.jsonl");
        assertThat(shop.fileRequests).isEmpty();
    }
}
