package io.rowflow.writer.excelonline;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.rowflow.testing.Api;
import io.rowflow.testing.FakeApi;
import io.rowflow.testing.FakeGraph;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Excel Online in the application: the Microsoft connection type signs in with the identity platform (PKCE, offline
 * access), the destination's pickers answer through the endpoint every picker has, a flow uploads its workbook, and a
 * grant Microsoft no longer accepts marks the connection for reconnecting and fails the run saying so.
 */
@QuarkusTest
@QuarkusTestResource(FakeGraph.class)
class ExcelOnlineTest {
    @Test
    void signInPickAFolderWriteAndARevokedGrantAsksToReconnect() throws Exception {
        FakeGraph graph = FakeGraph.running();
        given().get("/api/v1/destinations").then().statusCode(200)
                .body("find { it.id == 'excel-online' }.connectionType", equalTo("microsoft"))
                .body("find { it.id == 'excel-online' }.pickers.setting", equalTo(List.of("drive", "folder",
                        "sheetName")));
        given().get("/api/v1/connection-types").then()
                .body("find { it.id == 'microsoft' }.authType", equalTo("oauth"));

        graph.oauth.registeredRedirect = "http://localhost:" + RestAssured.port + "/api/v1/oauth/microsoft/callback";
        Api.SignedInConnection signedIn = Api.connectWithOAuth("microsoft", "My Microsoft");
        Map<String, String> asked = signedIn.consentQuery();
        assertThat(asked).containsEntry("code_challenge_method", "S256").containsEntry("prompt", "select_account");
        assertThat(asked.get("scope").split(" ")).containsExactlyInAnyOrder("offline_access", "Files.ReadWrite.All",
                "User.Read");
        String microsoft = signedIn.connectionId();
        graph.oauth.refreshTokens().forEach(Api.SECRETS_USED::add);

        String drive = given().get("/api/v1/destinations/excel-online/pickers/drive?connectionId=" + microsoft).then()
                .statusCode(200).body("label", equalTo(List.of("OneDrive", "SharePoint: Sales Documents")))
                .extract().path("[0].value");
        String folder = given().contentType(ContentType.JSON).body(Map.of("connectionId", microsoft, "title", "Rowflow",
                "values", Map.of("drive", drive))).post("/api/v1/destinations/excel-online/pickers/folder").then()
                .statusCode(201).body("label", equalTo("/Rowflow")).extract().path("value");

        FakeApi.shared().putFile("/files/excel-online.json",
                "{\"rows\": [{\"deal\": \"Acme\", \"amount\": 1200}, {\"deal\": \"Globex\", \"amount\": 800}]}");
        String source = Api.createConnection("json-url", Map.of("url", FakeApi.shared().url("/files/excel-online.json"),
                "recordsPath", "rows"));
        String flow = given().contentType(ContentType.JSON).body(Map.of("name", "to excel online", "sources", List.of(
                Map.of("connectionId", source)), "destinations", List.of(Map.of("type", "excel-online", "settings",
                Map.of("connectionId", microsoft, "drive", drive, "folder", folder, "fileName", "Deals.xlsx")))))
                .post("/api/v1/flows").then().statusCode(201).extract().path("id");
        JsonPath run = Api.runSucceeds(flow);
        assertThat(run.getLong("destinations[0].rowsWritten")).isEqualTo(2);
        byte[] stored = graph.content(drive, folder, "Deals.xlsx");
        assertThat(FakeGraph.cellText(stored, "Data", "A3")).isEqualTo("Globex");

        // The user removed Rowflow's access: Graph rejects the token, and the refresh is refused with invalid_grant.
        graph.oauth.revokeAccessTokens();
        graph.oauth.revokeRefreshTokens();
        JsonPath failed = Api.runToEnd(flow);
        assertThat(failed.getString("status")).isEqualTo("failed");
        assertThat(failed.getString("error.message")).contains("Microsoft no longer accepts").contains("reconnect");
        given().get("/api/v1/connections/" + microsoft).then().body("authStatus", equalTo("needs_reauthorization"));
    }
}
