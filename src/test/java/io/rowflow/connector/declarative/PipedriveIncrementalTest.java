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

/**
 * Pipedrive's deals read incrementally by {@code update_time} against {@link FakePipedrive}, which keeps its deals and
 * filters them by {@code updated_since} as the v2 reference says: a full read over three pages, two deals edited and
 * one added, an incremental read that returns exactly those three in their new versions, the two reads together equal
 * to a fresh full read value by value, and a read with nothing changed returning nothing.
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

    private List<Map<String, Object>> read(IncrementalSync sync) {
        List<Map<String, Object>> records = new ArrayList<>();
        source.read(new SourceContext(JSON.createObjectNode().put("company", "globex-sales")
                .put("api_token", FakePipedrive.API_TOKEN), http).withStream("deals").withSync(sync), record -> {
                    if (!(record instanceof ColumnsAnnouncement)) {
                        records.add(new LinkedHashMap<>(record));
                    }
                });
        return records;
    }

    @Test
    void anIncrementalReadGetsTheEditedAndNewDealsAndWithTheFirstEqualsAFullRead() {
        IncrementalSync first = new IncrementalSync(null);
        List<Map<String, Object>> firstRead = read(first);
        assertThat(firstRead).hasSize(FakePipedrive.DEALS);
        assertThat(first.state().newest()).isEqualTo(Instant.parse("2026-02-01T00:00:00Z"));

        pipedrive.change(7, "Deal 7, renegotiated", "2026-03-02T09:15:00Z");
        pipedrive.change(1_000, "Deal 1000, won", "2026-03-02T09:16:30Z");
        pipedrive.add("Deal from the trade fair", "2026-03-02T09:20:00Z");
        IncrementalSync second = new IncrementalSync(first.state());
        List<Map<String, Object>> changes = read(second);
        assertThat(changes).extracting(r -> r.get("id")).containsExactly(7L, 1_000L, 1_204L);
        assertThat(changes.get(0)).containsEntry("title", "Deal 7, renegotiated")
                .containsEntry("update_time", "2026-03-02T09:15:00Z");
        assertThat(changes.get(2)).containsEntry("title", "Deal from the trade fair")
                .containsEntry("add_time", "2026-03-02T09:20:00Z");
        // Custom fields keep their names and exact money in the changed versions too.
        assertThat((BigDecimal) changes.get(0).get("Contract value.value")).isEqualByComparingTo("7.25");

        Map<Object, Map<String, Object>> union = new LinkedHashMap<>();
        firstRead.forEach(r -> union.put(r.get("id"), r));
        changes.forEach(r -> union.put(r.get("id"), r));
        Map<Object, Map<String, Object>> full = new LinkedHashMap<>();
        read(null).forEach(r -> full.put(r.get("id"), r));
        assertThat(full).hasSize(FakePipedrive.DEALS + 1);
        assertThat(union).containsExactlyInAnyOrderEntriesOf(full);

        assertThat(read(new IncrementalSync(second.state()))).isEmpty();
    }
}
