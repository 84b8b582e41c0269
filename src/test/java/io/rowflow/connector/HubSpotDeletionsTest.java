package io.rowflow.connector;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.rowflow.testing.Api;
import io.rowflow.testing.FakeHubSpot;
import io.rowflow.testing.StreamReads;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * HubSpot's deletions as the connector reads them: for contacts, companies, deals and tickets, a record archived since
 * the last read comes from the archived listing once, in the stream's columns; records merged into a new one come as
 * deleted by the ids the new record names; a full read lists none.
 */
@QuarkusTest
@QuarkusTestResource(FakeHubSpot.class)
class HubSpotDeletionsTest {
    @Test
    void aRecordArchivedSinceTheLastReadIsListedOnceForEveryCrmObject() {
        FakeHubSpot hubspot = FakeHubSpot.running();
        String connection = Api.createConnection("hubspot", Map.of("access_token", FakeHubSpot.TOKEN));
        for (String type : List.of("contacts", "companies", "deals", "tickets")) {
            Runnable restore = hubspot.snapshot(type);
            try {
                IncrementalSync full = new IncrementalSync(null);
                List<Map<String, Object>> all = StreamReads.read(connection, type, full);
                assertThat(StreamReads.readDeletions(connection, type, full)).as("a full read of %s", type).isEmpty();
                String id = hubspot.objects(type).get(0).get("hs_object_id");
                hubspot.archive(type, id, Instant.now().plusSeconds(1));

                IncrementalSync next = new IncrementalSync(full.state());
                assertThat(StreamReads.read(connection, type, next)).as("changes of %s", type).isEmpty();
                List<Map<String, Object>> deleted = StreamReads.readDeletions(connection, type, next);
                assertThat(deleted).as("deletions of %s", type).singleElement().satisfies(record -> {
                    assertThat(record.get("id")).isEqualTo(id);
                    assertThat(record.get("archived")).isEqualTo(true);
                    assertThat(all.get(0).keySet()).as("columns of %s", type).containsAll(record.keySet());
                });

                IncrementalSync after = new IncrementalSync(next.state());
                StreamReads.read(connection, type, after);
                assertThat(StreamReads.readDeletions(connection, type, after)).as("%s deleted once", type).isEmpty();
            } finally {
                restore.run();
            }
        }
    }

    @Test
    void companiesMergedIntoANewOneCountAsDeleted() {
        FakeHubSpot hubspot = FakeHubSpot.running();
        String connection = Api.createConnection("hubspot", Map.of("access_token", FakeHubSpot.TOKEN));
        Runnable restore = hubspot.snapshot("companies");
        try {
            IncrementalSync full = new IncrementalSync(null);
            StreamReads.read(connection, "companies", full);
            String primary = hubspot.objects("companies").get(2).get("hs_object_id");
            String other = hubspot.objects("companies").get(3).get("hs_object_id");
            String merged = hubspot.merge("companies", primary, other, Instant.now().plusSeconds(1));

            IncrementalSync next = new IncrementalSync(full.state());
            List<Map<String, Object>> changed = StreamReads.read(connection, "companies", next);
            assertThat(changed).singleElement().satisfies(record -> {
                assertThat(record.get("id")).isEqualTo(merged);
                assertThat(record.keySet()).as("the merged-ids property is asked for, not kept as a column")
                        .noneMatch(column -> column.contains("hs_merged_object_ids"));
            });
            assertThat(StreamReads.readDeletions(connection, "companies", next)).extracting(r -> r.get("id"))
                    .containsExactly(primary, other);
        } finally {
            restore.run();
        }
    }
}
