package io.rowflow.writer;

import static io.restassured.RestAssured.given;
import static io.rowflow.testing.Api.createConnection;
import static io.rowflow.testing.Api.runSucceeds;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.rowflow.testing.Api;
import io.rowflow.testing.FakeApi;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * One shape for every destination: {@link TestLedgerWriter} (one class, one schema, one connection-type entry, all in
 * the test sources) is in the catalog with its account and picker, its account is a connection like any, its picker
 * answers through the endpoint every picker has, a flow writes through it with the account's secret handed in, and
 * its file downloads through the endpoint every file-producing destination has.
 */
@QuarkusTest
class ExtensionShapeTest {

    @Test
    void aWriterAddedInOneClassOneSchemaAndOneConnectionTypeEntryIsCataloguedPickedAndRun() {
        JsonPath catalog = given().get("/api/v1/destinations").then().statusCode(200).extract().jsonPath();
        Map<String, Object> ledger = catalog.getMap("find { it.id == 'test-ledger' }");
        assertThat(ledger).containsEntry("connectionType", "test-ledger-account").containsEntry("name", "Test ledger");
        assertThat(catalog.getString("find { it.id == 'test-ledger' }.pickers[0].endpoint"))
                .isEqualTo("/api/v1/destinations/test-ledger/pickers/book");
        assertThat(catalog.getString("find { it.id == 'test-ledger' }.file.linkLabel")).isEqualTo("Download the ledger");
        given().get("/api/v1/connection-types").then().statusCode(200)
                .body("find { it.id == 'test-ledger-account' }.name", equalTo("Ledger account"))
                .body("find { it.id == 'test-ledger-account' }.authType", equalTo("key"))
                .body("find { it.id == 'test-ledger-account' }.brandColor", equalTo("#2F6F4E"))
                // A source connector is its own connection type; a destination's account is not a source.
                .body("id", hasItem("csv-url"));
        given().get("/api/v1/connectors").then().body("id", not(hasItem("test-ledger-account")));

        String key = "ledger-key-" + java.util.UUID.randomUUID();
        Api.SECRETS_USED.add(key);
        String account = createConnection("test-ledger-account", Map.of("books", "Sales, Ops", "apiKey", key));
        given().get("/api/v1/connections/" + account).then().body("secretFields", equalTo(List.of("apiKey")))
                .body("config.apiKey", org.hamcrest.Matchers.nullValue());
        given().post("/api/v1/connections/" + account + "/check").then().statusCode(200).body("ok", equalTo(true))
                .body("message", containsString("nothing reads through this connection"));

        given().get("/api/v1/destinations/test-ledger/pickers/book?connectionId=" + account).then().statusCode(200)
                .body("value", equalTo(List.of("Sales", "Ops"))).body("label[0]", equalTo("Book Sales"));
        given().contentType(ContentType.JSON).body(Map.of("connectionId", account, "title", "Audit"))
                .post("/api/v1/destinations/test-ledger/pickers/book").then().statusCode(201)
                .body("value", equalTo("Audit"));
        given().get("/api/v1/destinations/test-ledger/pickers/book?connectionId=" + account).then()
                .body("value", equalTo(List.of("Sales", "Ops", "Audit")));
        given().get("/api/v1/destinations/test-ledger/pickers/nope?connectionId=" + account).then().statusCode(404);

        FakeApi.shared().putFile("/files/ledger.csv", "item,amount\nrent,1200.00\ncoffee,0.10\n");
        String csv = createConnection("csv-url", Map.of("url", FakeApi.shared().url("/files/ledger.csv")));
        // The account must be one of the destination's connection type.
        given().contentType(ContentType.JSON).body(flow(csv, csv)).post("/api/v1/flows").then().statusCode(422)
                .body("errors.field", hasItem("destinations[0].settings.connectionId"))
                .body("errors.message", hasItem("must name a Ledger account connection of this workspace"));
        given().get("/api/v1/destinations/test-ledger/pickers/book?connectionId=" + csv).then().statusCode(422);

        String flow = given().contentType(ContentType.JSON).body(flow(csv, account)).post("/api/v1/flows").then()
                .statusCode(201).extract().path("id");
        runSucceeds(flow);
        String ledgerText = given().get("/api/v1/flows/" + flow + "/destinations/0/file").then().statusCode(200)
                .contentType("text/plain").header("Content-Disposition", containsString("ledger flow.txt"))
                .extract().asString();
        assertThat(ledgerText).isEqualTo("book: Ops\nmemo: month end\nrent | 1200.00\ncoffee | 0.10\n");
        given().get("/api/v1/flows/" + flow + "/destinations").then()
                .body("[0].link.label", equalTo("Download the ledger")).body("[0].rowsWritten", equalTo(2));
    }

    private static Map<String, Object> flow(String source, String account) {
        return Map.of("name", "ledger flow", "sources", List.of(Map.of("connectionId", source)), "destinations",
                List.of(Map.of("type", "test-ledger", "settings", Map.of("connectionId", account, "book", "Ops",
                        "memo", "month end"))));
    }
}
