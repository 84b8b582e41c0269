package io.rowflow.run;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.rowflow.testing.Api;
import io.rowflow.testing.FakeHubSpot;
import io.rowflow.testing.FakeSheets;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Issue 15's must-show, end to end: a contact deleted in HubSpot disappears from an upsert sheet on the next incremental
 * run, and every other row stays as it was.
 */
@QuarkusTest
@QuarkusTestResource(FakeHubSpot.class)
@QuarkusTestResource(FakeSheets.class)
class DeletionsReachSheetsTest {
    @Test
    void aContactDeletedInHubSpotLeavesTheUpsertSheet() {
        FakeHubSpot hubspot = FakeHubSpot.running();
        FakeSheets sheets = FakeSheets.running();
        Runnable restore = hubspot.snapshot("contacts");
        try {
            deleteOne(hubspot, sheets);
        } finally {
            restore.run();
        }
    }

    private void deleteOne(FakeHubSpot hubspot, FakeSheets sheets) {
        String spreadsheet = sheets.create("Contacts");
        String hubspotConnection = Api.createConnection("hubspot", Map.of("access_token", FakeHubSpot.TOKEN));
        Api.SECRETS_USED.add(sheets.privateKeyFragment());
        String google = Api.createConnection("google-sheets", Map.of("service_account_key", sheets.serviceAccountKey()));
        String flow = given().contentType(ContentType.JSON).body(Map.of("name", "contacts to a sheet", "sources",
                List.of(Map.of("connectionId", hubspotConnection, "stream", "contacts", "sync", "incremental")),
                "destinations", List.of(Map.of("type", "google-sheets", "settings", Map.of("connectionId", google,
                        "spreadsheet", "https://docs.google.com/spreadsheets/d/" + spreadsheet + "/edit#gid=0",
                        "sheetName", "Data", "mode", "upsert", "keyColumns", List.of("id"))))))
                .post("/api/v1/flows").then().statusCode(201).extract().path("id");

        Api.runSucceeds(flow);
        List<List<Object>> before = sheets.grid(spreadsheet, "Data");
        int id = before.get(0).stream().map(DeletionsReachSheetsTest::value).toList().indexOf("id");
        assertThat(before).hasSize(hubspot.objects("contacts").size() + 1);

        String deleted = hubspot.objects("contacts").get(7).get("hs_object_id");
        hubspot.archive("contacts", deleted, Instant.now().plusSeconds(1));
        Api.runSucceeds(flow);

        List<List<Object>> after = sheets.grid(spreadsheet, "Data");
        List<List<Object>> expected = before.stream().filter(row -> !key(row.get(id)).equals(deleted)).toList();
        assertThat(expected).hasSize(before.size() - 1);
        assertThat(after).isEqualTo(expected);
    }

    private static Object value(Object cell) {
        return cell instanceof FakeSheets.Cell c ? c.value() : cell;
    }

    /** A key cell as text: a number as its plain digits. */
    private static String key(Object cell) {
        cell = value(cell);
        return cell instanceof Number n ? new BigDecimal(n.toString()).stripTrailingZeros().toPlainString()
                : String.valueOf(cell);
    }
}
