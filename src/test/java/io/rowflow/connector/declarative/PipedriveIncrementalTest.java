package io.rowflow.connector.declarative;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.rowflow.connector.IncrementalSync;
import io.rowflow.connector.SourceContext;
import io.rowflow.http.HttpSettings;
import io.rowflow.http.SafeHttpClient;
import io.rowflow.pipeline.ColumnsAnnouncement;
import io.rowflow.testing.FakePipedrive;
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
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Pipedrive's incremental streams (deals, persons, organizations, activities) read by {@code update_time} against
 * {@link FakePipedrive}, which keeps its items and filters them by {@code updated_since} as the v2 reference says: for
 * each, a full read over two or three pages, two items edited and one added, an incremental read that returns exactly
 * those three in their new versions, the two reads together equal to a fresh full read value by value (custom fields
 * named by their labels in both), and a read with nothing changed returning nothing.
 */
class PipedriveIncrementalTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private FakePipedrive pipedrive;
    private SafeHttpClient http;
    private DeclarativeSource source;

    @BeforeEach
    void start() {
        pipedrive = new FakePipedrive();
        String base = pipedrive.start().get("rowflow.connector.base-url.pipedrive");
        http = new SafeHttpClient(HttpSettings.defaults().withAllowedNetworks(List.of("127.0.0.0/8")));
        Manifest manifest = ManifestLoader.loadAll().stream().filter(m -> m.id().equals("pipedrive")).findFirst()
                .orElseThrow();
        source = new DeclarativeSource(manifest, URI.create(base), null);
    }

    @AfterEach
    void stop() {
        http.close();
        pipedrive.stop();
    }

    private List<Map<String, Object>> read(String stream, IncrementalSync sync) {
        List<Map<String, Object>> records = new ArrayList<>();
        source.read(new SourceContext(JSON.createObjectNode().put("company", "globex-sales")
                .put("api_token", FakePipedrive.API_TOKEN), http).withStream(stream).withSync(sync), record -> {
                    if (!(record instanceof ColumnsAnnouncement)) {
                        records.add(new LinkedHashMap<>(record));
                    }
                });
        return records;
    }

    /** The manifest's incremental streams that send updated_since: the ones the fake lists, no more, no fewer. */
    @Test
    void theFakeListsEveryStreamThatAsksForChangesSince() {
        Manifest manifest = ManifestLoader.loadAll().stream().filter(m -> m.id().equals("pipedrive")).findFirst()
                .orElseThrow();
        assertThat(manifest.streams().stream().filter(s -> s.incremental() != null
                && s.incremental().toString().contains("updated_since")).map(Manifest.Stream::name))
                .containsExactlyInAnyOrderElementsOf(FakePipedrive.KINDS.stream().map(FakePipedrive.Kind::stream)
                        .toList());
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = { "deals", "persons", "organizations", "activities" })
    void anIncrementalReadGetsTheEditedAndNewItemsAndWithTheFirstEqualsAFullRead(String stream) {
        FakePipedrive.Kind kind = FakePipedrive.kind(stream);
        int items = kind.items();
        IncrementalSync first = new IncrementalSync(null);
        List<Map<String, Object>> firstRead = read(stream, first);
        assertThat(firstRead).hasSize(items);
        assertThat(first.state().newest()).isEqualTo(Instant.parse("2026-02-01T00:00:00Z"));

        pipedrive.change(stream, 7, "Item 7, edited", "2026-03-02T09:15:00Z");
        pipedrive.change(stream, items, "Item " + items + ", edited", "2026-03-02T09:16:30Z");
        pipedrive.add(stream, "Item from the trade fair", "2026-03-02T09:20:00Z");
        IncrementalSync second = new IncrementalSync(first.state());
        int asked = pipedrive.lists.size();
        List<Map<String, Object>> changes = read(stream, second);
        // Pipedrive is asked for the changes only, since the newest change read less the manifest's minute of
        // lookback: one page (the changed items and the two read again in that minute, not delivered twice).
        assertThat(pipedrive.lists.subList(asked, pipedrive.lists.size())).containsExactly(new FakePipedrive.ListRequest(
                stream, Map.of("limit", "500", "updated_since", "2026-01-31T23:59:00Z")));
        assertThat(changes).extracting(r -> r.get("id")).containsExactly(7L, (long) items, items + 1L);
        assertThat(changes.get(0)).containsEntry(kind.nameField(), "Item 7, edited")
                .containsEntry("update_time", "2026-03-02T09:15:00Z");
        assertThat(changes.get(2)).containsEntry(kind.nameField(), "Item from the trade fair")
                .containsEntry("add_time", "2026-03-02T09:20:00Z");
        assertThat(second.state().newest()).isEqualTo(Instant.parse("2026-03-02T09:20:00Z"));

        Map<Object, Map<String, Object>> union = new LinkedHashMap<>();
        firstRead.forEach(r -> union.put(r.get("id"), r));
        changes.forEach(r -> union.put(r.get("id"), r));
        Map<Object, Map<String, Object>> full = new LinkedHashMap<>();
        read(stream, null).forEach(r -> full.put(r.get("id"), r));
        assertThat(full).hasSize(items + 1);
        assertThat(union).containsExactlyInAnyOrderEntriesOf(full);

        assertThat(read(stream, new IncrementalSync(second.state()))).isEmpty();
    }

    /** Custom fields keep their names and exact values in the changed versions too. */
    @Test
    void aChangedDealKeepsItsNamedCustomFieldsAndExactMoney() {
        IncrementalSync first = new IncrementalSync(null);
        read("deals", first);
        pipedrive.change(7, "Deal 7, renegotiated", "2026-03-02T09:15:00Z");
        List<Map<String, Object>> changes = read("deals", new IncrementalSync(first.state()));
        assertThat(changes).extracting(r -> r.get("id")).containsExactly(7L);
        assertThat((BigDecimal) changes.get(0).get("Contract value.value")).isEqualByComparingTo("7.25");
        assertThat(changes.get(0)).containsEntry("Contract value.currency", "EUR");
    }
}
