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
import io.rowflow.testing.StreamReads;
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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Stripe's streams read incrementally by creation time against {@link FakeStripe}, which keeps the objects of every
 * list and lists them as Stripe documents (newest first, {@code starting_after}, {@code has_more}, {@code created[gte]},
 * each list's own filters): for every stream the manifest reads incrementally, a full read over three pages, new
 * objects created (one of them in the very second the first read's newest was), an incremental read that returns
 * exactly the new ones, their union equal to a fresh full read value by value, and a third read with nothing new
 * returning nothing. Amounts are exact decimals by the currency's minor unit and Unix times UTC times, checked against
 * the fake's own objects. Charges keep their own, closer test.
 */
class StripeIncrementalTest {
    private static final String KEY = "rk_test_" + java.util.UUID.randomUUID().toString().replace("-", "");
    private static final ObjectMapper JSON = new ObjectMapper();
    /** 2026-03-01T00:00:00Z, the first object's creation. */
    private static final long START = 1_772_323_200L;

    private FakeStripe stripe;
    private SafeHttpClient http;
    private DeclarativeSource source;

    static Manifest manifest() {
        return ManifestLoader.loadAll().stream().filter(m -> m.id().equals("stripe")).findFirst().orElseThrow();
    }

    /** Every stream the manifest reads incrementally: a stream made incremental later is tested here too. */
    static List<String> incrementalStreams() {
        return manifest().streams().stream().filter(s -> s.incremental() != null).map(Manifest.Stream::name).toList();
    }

    private static Manifest.Stream stream(String name) {
        return manifest().streams().stream().filter(s -> s.name().equals(name)).findFirst().orElseThrow();
    }

    @BeforeEach
    void start() {
        stripe = new FakeStripe(KEY);
        http = new SafeHttpClient(HttpSettings.defaults().withAllowedNetworks(List.of("127.0.0.0/8")));
        source = new DeclarativeSource(manifest(), URI.create(stripe.baseUrl()), null);
    }

    @AfterEach
    void stop() {
        http.close();
        stripe.close();
    }

    private List<Map<String, Object>> read(String stream, IncrementalSync sync) {
        List<Map<String, Object>> records = new ArrayList<>();
        source.read(new SourceContext(JSON.createObjectNode().put("api_key", KEY), http).withStream(stream)
                .withSync(sync), record -> {
                    if (!(record instanceof ColumnsAnnouncement)) {
                        records.add(new LinkedHashMap<>(record));
                    }
                });
        return records;
    }

    /** The digits after the point of a currency's main unit (https://docs.stripe.com/currencies), for the fake's. */
    private static int exponent(String currency) {
        return switch (currency == null ? "" : currency) {
            case "jpy" -> 0;
            case "kwd" -> 3;
            default -> 2;
        };
    }

    /** What the record of a charge must hold, from the charge as the fake keeps it. */
    private static void assertSameCharge(Map<String, Object> record, JsonNode charge) {
        String id = charge.get("id").asText();
        int exponent = exponent(charge.get("currency").asText());
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

    /**
     * The records are the fake's objects, in the same order: the same ids and currencies, every amount the stream
     * names an exact decimal of the currency's unit (null where Stripe's is null), every Unix time it names a UTC
     * time (a path such as status_transitions.paid_at is the nested field).
     */
    private static void assertSameObjects(Manifest.Stream stream, List<Map<String, Object>> records,
            List<? extends JsonNode> objects) {
        assertThat(records).extracting(r -> r.get("id")).containsExactlyElementsOf(objects.stream()
                .map(o -> o.get("id").asText()).toList());
        for (int i = 0; i < records.size(); i++) {
            Map<String, Object> record = records.get(i);
            JsonNode object = objects.get(i);
            String id = object.get("id").asText();
            if (stream.minorUnits() != null) {
                JsonNode currency = object.get("currency");
                assertThat(record.get("currency")).as(id).isEqualTo(currency.isNull() ? null : currency.asText());
                for (String field : stream.minorUnits().amountFields()) {
                    JsonNode minor = object.at("/" + field.replace('.', '/'));
                    Object expected = minor.isMissingNode() || minor.isNull() ? null
                            : new BigDecimal(minor.asText()).movePointLeft(exponent(currency.asText(null)));
                    assertThat(record.get(field)).as(id + " " + field).isEqualTo(expected);
                }
            }
            for (String field : stream.unixTimeFields()) {
                JsonNode seconds = object.at("/" + field.replace('.', '/'));
                Object expected = seconds.isMissingNode() || seconds.isNull() ? null
                        : Instant.ofEpochSecond(seconds.asLong()).toString();
                assertThat(record.get(field)).as(id + " " + field).isEqualTo(expected);
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("incrementalStreams")
    void anIncrementalReadGetsTheNewObjectsAndWithTheFirstEqualsAFullRead(String name) {
        Manifest.Stream stream = stream(name);
        String resource = stream.path().substring("/v1/".length());
        assertThat(FakeStripe.serves(resource)).as("the fake lists %s", stream.path()).isTrue();
        for (int i = 0; i < 230; i++) {
            // Some seconds hold two objects (i and i + 1 when i is a multiple of 10), as busy accounts have.
            stripe.create(resource, START + i * 45L - (i % 10 == 1 ? 45 : 0));
        }
        List<JsonNode> held = new ArrayList<>(stripe.all(resource));
        long newest = held.get(0).get("created").asLong();
        List<String> created = new ArrayList<>();
        List<Map<String, String>> fullReadRequests = new ArrayList<>();

        StreamReads.TwoReads reads = StreamReads.assertTwoReads(name, sync -> read(name, sync), "id", () -> {
            fullReadRequests.addAll(stripe.requests);
            stripe.requests.clear();
            // One in the very second the newest read was created in (after the read), more than a page later on.
            created.add(stripe.create(resource, newest).get("id").asText());
            for (int i = 0; i < 105; i++) {
                created.add(stripe.create(resource, newest + 60 + i * 7L).get("id").asText());
            }
        }, created);

        // The full read: every object (canceled subscriptions too), in Stripe's order, over pages of 100, 100, 30.
        assertSameObjects(stream, reads.firstRead(), held);
        assertThat(fullReadRequests).hasSize(3);
        assertThat(fullReadRequests.get(0)).doesNotContainKeys("starting_after", "created[gte]");
        assertThat(fullReadRequests.get(2)).containsEntry("starting_after", held.get(199).get("id").asText());
        assertThat(reads.first().state().newest()).isEqualTo(Instant.ofEpochSecond(newest));
        // The incremental read asked from a minute before the newest object read (the lookback), in Unix seconds, as
        // the stream's other parameters stay; it got the new objects, newest first, each as the fake holds it.
        Map<String, String> asked = stripe.requests.get(0);
        assertThat(asked).containsEntry("created[gte]", Long.toString(newest - 60));
        Map<String, String> fullAsked = new LinkedHashMap<>(asked);
        fullAsked.remove("created[gte]");
        assertThat(fullAsked).isEqualTo(fullReadRequests.get(0));
        assertSameObjects(stream, reads.secondRead(), stripe.all(resource).stream()
                .filter(o -> created.contains(o.get("id").asText())).toList());
    }

    @Test
    void anIncrementalReadGetsTheNewChargesAndWithTheFirstEqualsAFullRead() {
        String[] currencies = { "usd", "eur", "jpy", "kwd", "gbp" };
        for (int i = 0; i < 347; i++) {
            // Some seconds hold two charges (i and i + 1 when i is a multiple of 10), as busy accounts have.
            stripe.charge(100 + i * 37L, currencies[i % currencies.length], START + i * 45L - (i % 10 == 1 ? 45 : 0));
        }
        IncrementalSync first = new IncrementalSync(null);
        List<Map<String, Object>> firstRead = read("charges", first);
        List<JsonNode> held = new ArrayList<>(stripe.all("charges"));
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
        List<Map<String, Object>> secondRead = read("charges", second);
        // Asked from a minute before the newest charge read (the lookback), in Unix seconds.
        assertThat(stripe.requests.get(0)).isEqualTo(Map.of("limit", "100", "created[gte]",
                Long.toString(newest - 60)));
        assertThat(secondRead).extracting(r -> (String) r.get("id")).containsExactlyInAnyOrderElementsOf(created);
        Map<String, JsonNode> byId = new LinkedHashMap<>();
        stripe.all("charges").forEach(c -> byId.put(c.get("id").asText(), c));
        secondRead.forEach(r -> assertSameCharge(r, byId.get((String) r.get("id"))));
        Map<String, Object> yen = secondRead.stream().filter(r -> r.get("id").equals(created.get(1))).findFirst()
                .orElseThrow();
        assertThat((BigDecimal) yen.get("amount")).isEqualTo(new BigDecimal("1200"));
        Map<String, Object> dinar = secondRead.stream().filter(r -> r.get("id").equals(created.get(2))).findFirst()
                .orElseThrow();
        assertThat((BigDecimal) dinar.get("amount")).isEqualTo(new BigDecimal("5.120"));

        // Both reads together are a full read now, value by value.
        Map<Object, Map<String, Object>> union = StreamReads.byKey(firstRead, r -> r.get("id"));
        union.putAll(StreamReads.byKey(secondRead, r -> r.get("id")));
        Map<Object, Map<String, Object>> full = StreamReads.byKey(read("charges", null), r -> r.get("id"));
        assertThat(full).hasSize(347 + 123);
        assertThat(union).containsExactlyInAnyOrderEntriesOf(full);

        // Nothing created since: nothing read.
        assertThat(read("charges", new IncrementalSync(second.state()))).isEmpty();
    }
}
