package io.rowflow.run;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.rowflow.testing.Api;
import io.rowflow.testing.FakeHubSpot;
import io.rowflow.testing.RecordingWriter;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Deletions in an incremental HubSpot flow, seen from the writers' side: what a contact deleted or merged in HubSpot
 * becomes in {@code WriteContext.deleted()} — the deleted records in the columns of the rows to write, key renamed by
 * the flow's own step — for a destination that updates by key, also when nothing else changed; an appending
 * destination keeps its rows and the run log says so; a deletion is reported once.
 */
@QuarkusTest
@QuarkusTestResource(FakeHubSpot.class)
class IncrementalDeletionsTest {
    @Inject
    RecordingWriter recorder;

    @Test
    void deletedAndMergedContactsReachTheWriterThatUpdatesByKey() {
        FakeHubSpot hubspot = FakeHubSpot.running();
        Runnable restore = hubspot.snapshot("contacts");
        try {
            deletedAndMerged(hubspot);
        } finally {
            restore.run();
        }
    }

    private void deletedAndMerged(FakeHubSpot hubspot) {
        String connection = Api.createConnection("hubspot", Map.of("access_token", FakeHubSpot.TOKEN));
        String flow = given().contentType(ContentType.JSON).body(Map.of("name", "contacts with deletions", "sources",
                List.of(Map.of("connectionId", connection, "stream", "contacts", "sync", "incremental", "steps", List.of(
                        Map.of("type", "rename", "columns", Map.of("id", "Contact ID"))))), "destinations", List.of(
                                Map.of("type", RecordingWriter.ID, "settings", Map.of("mode", "upsert", "label", "by key")),
                                Map.of("type", RecordingWriter.ID, "settings", Map.of("mode", "append", "label",
                                        "history"))))).post("/api/v1/flows").then().statusCode(201).extract().path("id");
        int contacts = hubspot.objects("contacts").size();

        JsonPath first = Api.runSucceeds(flow);
        assertThat(first.getLong("destinations[0].rowsWritten")).isEqualTo(contacts);
        assertThat(log(first)).noneMatch(l -> l.startsWith("Found"));
        RecordingWriter.Write full = recorder.labelled("by key").get(0);
        assertThat(full.deleted()).isNull();
        assertThat(full.columns()).contains("Contact ID").doesNotContain("id");

        // Deleted in HubSpot; nothing else changed.
        String deletedId = hubspot.objects("contacts").get(4).get("hs_object_id");
        String deletedEmail = hubspot.objects("contacts").get(4).get("email");
        Instant now = Instant.now();
        hubspot.archive("contacts", deletedId, now.plusSeconds(1));
        JsonPath second = Api.runSucceeds(flow);
        assertThat(log(second)).contains("Found 1 record(s) deleted since the last successful run",
                "Applied 1 deletion(s) to destination 1: it removes the rows with their keys",
                "1 deleted record(s) were not removed from destination 2, which appends");
        List<RecordingWriter.Write> byKey = recorder.labelled("by key");
        assertThat(byKey).hasSize(2);
        RecordingWriter.Write deletion = byKey.get(1);
        assertThat(deletion.rows()).isEmpty();
        assertThat(deletion.columns()).isEqualTo(full.columns());
        assertThat(deletion.deletedColumns()).isEqualTo(full.columns());
        assertThat(deletion.deleted()).singleElement().satisfies(row -> {
            assertThat(row.get("Contact ID")).isEqualTo(Long.parseLong(deletedId));
            assertThat(row.get("Email")).as("the deleted record as HubSpot lists it").isEqualTo(deletedEmail);
        });
        assertThat(recorder.labelled("history")).hasSize(1); // nothing new to append; its rows stay

        // Two contacts merged: a new record with a new id, and both old ids gone.
        String primary = hubspot.objects("contacts").get(10).get("hs_object_id");
        String other = hubspot.objects("contacts").get(11).get("hs_object_id");
        String survivor = hubspot.merge("contacts", primary, other, now.plusSeconds(2));
        JsonPath third = Api.runSucceeds(flow);
        assertThat(log(third)).contains("Found 2 record(s) deleted since the last successful run");
        RecordingWriter.Write merge = recorder.labelled("by key").get(2);
        assertThat(merge.rows()).singleElement().satisfies(row -> assertThat(row.get("Contact ID"))
                .isEqualTo(Long.parseLong(survivor)));
        assertThat(merge.columns()).as("the merged-ids field is asked for, not added as a column")
                .isEqualTo(full.columns());
        assertThat(merge.deleted()).extracting(row -> row.get("Contact ID"))
                .containsExactly(Long.parseLong(primary), Long.parseLong(other));
        RecordingWriter.Write appended = recorder.labelled("history").get(1);
        assertThat(appended.deleted()).as("an appending destination is not given deletions").isNull();
        assertThat(appended.rows()).hasSize(1);

        // Nothing happened since: no deletion is reported twice, and nothing is written.
        JsonPath quiet = Api.runSucceeds(flow);
        assertThat(log(quiet)).contains("Found 0 record(s) deleted since the last successful run");
        assertThat(recorder.labelled("by key")).hasSize(3);
    }

    private static List<String> log(JsonPath run) {
        return given().get("/api/v1/runs/" + run.getString("id") + "/log").then().statusCode(200).extract().path("message");
    }
}
