package io.rowflow.connector.declarative;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.rowflow.connector.SourceContext;
import io.rowflow.connector.shopify.ShopifyBulkQuery;
import io.rowflow.http.HttpSettings;
import io.rowflow.http.TimeSource;
import io.rowflow.http.SafeHttpClient;
import io.rowflow.pipeline.ColumnsAnnouncement;
import io.rowflow.pipeline.JsonText;
import io.rowflow.testing.FakeShopify;
import java.math.BigDecimal;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * 100,000 orders with their line items (about 200,000 lines more) read by one bulk operation from the fake's JSONL
 * file, which the fake writes as a stream and serves from disk: the records are counted and summed as they pass,
 * none kept, and the heap still in use is sampled (after a collection) every 10,000 orders. The figure printed is in
 * docs/performance.md; the assertion is only that it stays far below what holding the orders would take.
 */
class ShopifyBulkHeapTest {
    private static final int ORDERS = 100_000;

    @Test
    void aHundredThousandOrdersStreamThroughWithTheHeapFlat() throws Exception {
        AtomicLong nanos = new AtomicLong();
        TimeSource clock = new TimeSource() {
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
                nanos.addAndGet(wait.toNanos());
            }
        };
        BigDecimal expectedTotal = BigDecimal.ZERO;
        for (long i = 1; i <= ORDERS; i++) {
            expectedTotal = expectedTotal.add(new BigDecimal(ShopifyConnectorTest.order(i)
                    .at("/totalPriceSet/shopMoney/amount").asText()));
        }
        try (FakeShopify shop = new FakeShopify(nanos::get, 1000, 100);
                SafeHttpClient http = new SafeHttpClient(HttpSettings.defaults()
                        .withAllowedNetworks(List.of("127.0.0.0/8")))) {
            shop.generate(ORDERS, ShopifyConnectorTest::order);
            shop.bulkTakes(Duration.ofSeconds(1));
            DeclarativeSource source = new DeclarativeSource(ShopifyConnectorTest.manifest(), URI.create(shop.base()),
                    new StreamComponents(List.of(new ShopifyBulkQuery(clock))), clock);
            ObjectNode config = new ObjectMapper().createObjectNode().put("shop", "rowflow-demo")
                    .put("access_token", FakeShopify.TOKEN);

            Runtime runtime = Runtime.getRuntime();
            System.gc();
            long before = runtime.totalMemory() - runtime.freeMemory();
            long[] count = { 0 };
            long[] peak = { 0 };
            BigDecimal[] total = { BigDecimal.ZERO };
            Object[][] seen = new Object[3][];
            long started = System.nanoTime();
            source.read(new SourceContext(config, http).withStream("orders"), record -> {
                if (record instanceof ColumnsAnnouncement) {
                    return;
                }
                count[0]++;
                total[0] = total[0].add((BigDecimal) record.get("totalPriceSet.shopMoney.amount"));
                if (count[0] == 1 || count[0] == 50_000 || count[0] == ORDERS) {
                    seen[count[0] == 1 ? 0 : count[0] == 50_000 ? 1 : 2] = new Object[] { record.get("id"),
                            record.get("name"), record.get("totalPriceSet.shopMoney.amount"), record.get("lineItems.nodes") };
                }
                if (count[0] % 10_000 == 0) {
                    System.gc();
                    peak[0] = Math.max(peak[0], runtime.totalMemory() - runtime.freeMemory() - before);
                }
            });
            long elapsed = System.nanoTime() - started;
            FakeShopify.BulkOperation operation = shop.bulkOperations().get(0);
            long fileBytes = operation.fileSize();
            System.out.printf("Shopify bulk read: %,d orders, file %,d bytes, peak heap growth %,d KiB, %.2f s%n",
                    count[0], fileBytes, peak[0] / 1024, elapsed / 1e9);

            assertThat(count[0]).isEqualTo(ORDERS);
            assertThat(total[0]).isEqualTo(expectedTotal);
            assertOrder(seen[0], 1);
            assertOrder(seen[1], 50_000);
            assertOrder(seen[2], ORDERS);
            assertThat((String) seen[0][1]).isEqualTo("#1001");
            // Order 100,000: 1 × 0.0 + 2 × 0.99, less 1.50, plus 4.99 shipping and 0.00 tax.
            assertThat((BigDecimal) seen[2][2]).isEqualTo(new BigDecimal("5.47"));
            // Holding the records would take several hundred MiB; streaming keeps the growth to a few.
            assertThat(peak[0]).isLessThan(64L << 20);
            assertThat(fileBytes).isGreaterThan(64L << 20);
        }
    }

    /** The values read for order {@code i} are its generated document's. */
    private static void assertOrder(Object[] seen, long i) throws Exception {
        JsonNode order = ShopifyConnectorTest.order(i);
        assertThat(seen[0]).isEqualTo(order.get("id").asText());
        assertThat(seen[1]).isEqualTo(order.get("name").asText());
        assertThat(seen[2]).isEqualTo(new BigDecimal(order.at("/totalPriceSet/shopMoney/amount").asText()));
        assertThat(new ObjectMapper().readTree(((JsonText) seen[3]).json())).isEqualTo(order.get("lineItems"));
    }
}
