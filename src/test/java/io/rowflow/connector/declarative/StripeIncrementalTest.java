package io.rowflow.connector.declarative;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.rowflow.connector.IncrementalSync;
import io.rowflow.connector.SourceContext;
import io.rowflow.http.HttpSettings;
import io.rowflow.http.SafeHttpClient;
import io.rowflow.pipeline.ColumnsAnnouncement;
import io.rowflow.testing.FakeStripe;
import java.math.BigDecimal;
import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Stripe's charges read incrementally by creation time against {@link FakeStripe}, which keeps charges and lists them
 * as Stripe documents (newest first, {@code starting_after}, {@code has_more}, {@code created[gte]}): a full read over
 * four pages, new charges created, an incremental read that returns exactly the new ones (one of them created in the
 * very second the first read's newest was), their union equal to a fresh full read value by value, and a third read
 * with nothing new returning nothing. Amounts are exact decimals by the currency's minor unit and {@code created} a
 * UTC time, checked against the fake's own charges.
 */
class StripeIncrementalTest {
    private static final String KEY = "rk_test_" + java.util.UUID.randomUUID().toString().replace("-", "");
    private static final ObjectMapper JSON = new ObjectMapper();
    /** 2026-03-01T00:00:00Z, the first charge's creation. */
    private static final long START = 1_772_323_200L;

    private FakeStripe stripe;
    private SafeHttpClient http;
    private DeclarativeSource source;

    @BeforeEach
    void start() {
        stripe = new FakeStripe(KEY);
        http = new SafeHttpClient(HttpSettings.defaults().withAllowedNetworks(List.of("127.0.0.0/8")));
        Manifest manifest = ManifestLoader.loadAll().stream().filter(m -> m.id().equals("stripe")).findFirst()
                .orElseThrow();
        source = new DeclarativeSource(manifest, URI.create(stripe.baseUrl()), null);
        String[] currencies = { "usd", "eur", "jpy", "kwd", "gbp" };
        for (int i = 0; i < 347; i++) {
            // Some seconds hold two charges (i and i + 1 when i is a multiple of 10), as busy accounts have.
            stripe.charge(100 + i * 37L, currencies[i % currencies.length], START + i * 45L - (i % 10 == 1 ? 45 : 0));
        }
    }

    @AfterEach
    void stop() {
        http.close();
        stripe.close();
    }

    private List<Map<String, Object>> read(IncrementalSync sync) {
        List<Map<String, Object>> records = new ArrayList<>();
        source.read(new SourceContext(JSON.createObjectNode().put("api_key", KEY), http).withStream("charges")
                .withSync(sync), record -> {
                    if (!(record instanceof ColumnsAnnouncement)) {
                        records.add(new LinkedHashMap<>(record));
                    }
                });
        return records;
    }

    /** What the record of a charge must hold, from the charge as the fake keeps it. */
    private static void assertSameCharge(Map<String, Object> record, JsonNode charge) {
        String id = charge.get("id").asText();
        int exponent = switch (charge.get("currency").asText()) {
            case "jpy" -> 0;
            case "kwd" -> 3;
            default -> 2;
        };
        assertThat(record.get("id")).as(id).isEqualTo(id);
        assertThat(record.get("currency")).as(id).isEqualTo(charge.get("currency").asText());
        for (String amount : List.of("amount", "amount_captured", "amount_refunded")) {
            BigDecimal expected = BigDecimal.valueOf(charge.get(amount).asLong(), exponent);
            assertThat(record.get(amount)).as(id + " " + amount).isInstanceOf(BigDecimal.class);
            assertThat((BigDecimal) record.get(amount)).as(id + " " + amount).isEqualTo(expected);
        }
        assertThat(record.get("application_fee_amount")).as(id).isNull();
        assertThat(record.get("created")).as(id).isEqualTo(Instant.ofEpochSecond(charge.get("created").asLong())
                .toString());
        assertThat(record.get("customer")).as(id).isEqualTo(charge.get("customer").asText());
        assertThat(record.get("description")).as(id).isEqualTo(charge.get("description").asText());
    }

    @Test
    void anIncrementalReadGetsTheNewChargesAndWithTheFirstEqualsAFullRead() {
        IncrementalSync first = new IncrementalSync(null);
        List<Map<String, Object>> firstRead = read(first);
        List<JsonNode> held = new ArrayList<>(stripe.all());
        assertThat(firstRead).hasSize(347);
        for (int i = 0; i < held.size(); i++) {
            assertSameCharge(firstRead.get(i), held.get(i)); // in Stripe's order, newest first
        }
        assertThat(stripe.requests).as("pages of 100: 100, 100, 100, 47").hasSize(4);
        assertThat(stripe.requests.get(0)).isEqualTo(Map.of("limit", "100"));
        assertThat(stripe.requests.get(3)).containsEntry("starting_after", held.get(299).get("id").asText());
        long newest = held.get(0).get("created").asLong();
        assertThat(first.state().newest()).isEqualTo(Instant.ofEpochSecond(newest));

        // New charges: one in the very second the first read's newest was created (after the read), a zero-decimal
        // and a three-decimal one, and more than a page's worth later on.
        List<String> created = new ArrayList<>();
        created.add(stripe.charge(5_000, "usd", newest).get("id").asText());
        created.add(stripe.charge(1_200, "jpy", newest + 1).get("id").asText());
        created.add(stripe.charge(5_120, "kwd", newest + 30).get("id").asText());
        for (int i = 0; i < 120; i++) {
            created.add(stripe.charge(999 + i, i % 2 == 0 ? "eur" : "jpy", newest + 3_600 + i).get("id").asText());
        }
        stripe.requests.clear();
        IncrementalSync second = new IncrementalSync(first.state());
        List<Map<String, Object>> secondRead = read(second);
        // Asked from a minute before the newest charge read (the lookback), in Unix seconds.
        assertThat(stripe.requests.get(0)).isEqualTo(Map.of("limit", "100", "created[gte]",
                Long.toString(newest - 60)));
        assertThat(secondRead).extracting(r -> (String) r.get("id")).containsExactlyInAnyOrderElementsOf(created);
        Map<String, JsonNode> byId = new LinkedHashMap<>();
        stripe.all().forEach(c -> byId.put(c.get("id").asText(), c));
        secondRead.forEach(r -> assertSameCharge(r, byId.get((String) r.get("id"))));
        Map<String, Object> yen = secondRead.stream().filter(r -> r.get("id").equals(created.get(1))).findFirst()
                .orElseThrow();
        assertThat((BigDecimal) yen.get("amount")).isEqualTo(new BigDecimal("1200"));
        Map<String, Object> dinar = secondRead.stream().filter(r -> r.get("id").equals(created.get(2))).findFirst()
                .orElseThrow();
        assertThat((BigDecimal) dinar.get("amount")).isEqualTo(new BigDecimal("5.120"));

        // Both reads together are a full read now, value by value.
        Map<Object, Map<String, Object>> union = new LinkedHashMap<>();
        firstRead.forEach(r -> union.put(r.get("id"), r));
        secondRead.forEach(r -> union.put(r.get("id"), r));
        Map<Object, Map<String, Object>> full = new LinkedHashMap<>();
        read(null).forEach(r -> full.put(r.get("id"), r));
        assertThat(full).hasSize(347 + 123);
        assertThat(union).containsExactlyInAnyOrderEntriesOf(full);

        // Nothing created since: nothing read.
        assertThat(read(new IncrementalSync(second.state()))).isEmpty();
    }
}
