package io.rowflow.security;

import static io.restassured.RestAssured.given;
import static io.rowflow.testing.Api.createConnection;
import static io.rowflow.testing.Api.runSucceeds;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.hasItem;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import io.rowflow.testing.Api;
import io.rowflow.testing.FakeApi;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Oversized and malformed input is a 422 problem naming the field, never a 500 or a stored oddity: emails are at most
 * 254 characters and well-formed, URL settings at most 2,048 characters, and names hold no control characters.
 */
@QuarkusTest
class InputLimitsTest {
    static final String CONTROL = "must not contain control characters (such as NUL, line breaks or tabs)";

    static ValidatableResponse invalid(ValidatableResponse response, String field) {
        return response.statusCode(422).contentType("application/problem+json")
                .body("type", equalTo("urn:rowflow:problem:invalid-input")).body("errors.field", everyItem(equalTo(field)));
    }

    @Test
    void aTenThousandCharacterEmailIsRefusedByName() {
        String workspace = given().get("/api/v1/workspaces").then().statusCode(200).extract().path("[0].id");
        String email = "a".repeat(10_000) + "@example.com";
        invalid(given().contentType(ContentType.JSON).body(Map.of("email", email, "role", "viewer", "password", "pw-123456789"))
                .post("/api/v1/workspaces/" + workspace + "/members").then(), "email")
                .body("errors.message", hasItem("size must be between 0 and 254"));
        invalid(given().contentType(ContentType.JSON).body(Map.of("email", "not an email", "role", "viewer",
                "password", "pw-123456789")).post("/api/v1/workspaces/" + workspace + "/members").then(), "email")
                .body("errors.message", equalTo(List.of("must be a well-formed email address")));
        invalid(given().contentType(ContentType.JSON).body(Map.of("email", email, "password", "pw-123456789"))
                .post("/api/v1/auth/setup").then(), "email")
                .body("errors.message", hasItem("size must be between 0 and 254"));
    }

    @Test
    void namesWithControlCharactersAreRefused() {
        invalid(given().contentType(ContentType.JSON).body(Map.of("name", "a\u0000b", "connectorId", "csv-url",
                "config", Map.of("url", "https://example.com/a.csv"))).post("/api/v1/connections").then(), "name")
                .body("errors.message", equalTo(List.of(CONTROL)));
        given().contentType(ContentType.JSON).body(Map.of("name", "two\nlines", "sources", List.of(Map.of("connectionId",
                java.util.UUID.randomUUID().toString(), "name", "tab\there")), "destinations", List.of(Map.of("type", "excel"))))
                .post("/api/v1/flows").then().statusCode(422).contentType("application/problem+json")
                .body("errors.field", equalTo(List.of("name", "sources[0].name")))
                .body("errors.message", equalTo(List.of(CONTROL, CONTROL)));
        invalid(given().contentType(ContentType.JSON).body(Map.of("name", "ws\u0000")).post("/api/v1/workspaces").then(),
                "name").body("errors.message", equalTo(List.of(CONTROL)));
        invalid(given().contentType(ContentType.JSON).body(Map.of("name", "bell\u0007", "url", "https://example.com/hook"))
                .post("/api/v1/notifications").then(), "name").body("errors.message", equalTo(List.of(CONTROL)));
        invalid(given().contentType(ContentType.JSON).body(Map.of("name", "right-to-left \u202Egpj.exe"))
                .post("/api/v1/workspaces").then(), "name").body("errors.message", equalTo(List.of(CONTROL)));
        Api.Browser browser = Api.signIn(Api.ADMIN_EMAIL, Api.ADMIN_PASSWORD);
        invalid(given().spec(browser.spec()).contentType(ContentType.JSON).body(Map.of("name", "tok\u0000en"))
                .post("/api/v1/tokens").then(), "name").body("errors.message", equalTo(List.of(CONTROL)));
        // Letters of any script, emoji and punctuation are fine.
        given().contentType(ContentType.JSON).body(Map.of("name", "Zoë's 日本語 sheet 👩‍💻 (v2)", "connectorId", "csv-url",
                "config", Map.of("url", "https://example.com/a.csv"))).post("/api/v1/connections").then().statusCode(201);
    }

    @Test
    void aHundredKilobyteUrlIsRefused() {
        String url = "https://example.com/" + "a".repeat(100_000);
        invalid(given().contentType(ContentType.JSON).body(Map.of("name", "long", "connectorId", "csv-url",
                "config", Map.of("url", url))).post("/api/v1/connections").then(), "config.url")
                .body("errors.message", equalTo(List.of("must be at most 2048 characters long (it has 100020)")));
        invalid(given().contentType(ContentType.JSON).body(Map.of("name", "long", "url", url))
                .post("/api/v1/notifications").then(), "url")
                .body("errors.message", equalTo(List.of("size must be between 0 and 2048")));
        String fits = "https://example.com/" + "a".repeat(2048 - 20);
        given().contentType(ContentType.JSON).body(Map.of("name", "just fits", "connectorId", "csv-url",
                "config", Map.of("url", fits))).post("/api/v1/connections").then().statusCode(201);
    }

    @Test
    void aDownloadKeepsItsNonAsciiNameWithAnAsciiFallback() {
        FakeApi.shared().putFile("/files/named.csv", "a\n1\n");
        String connection = createConnection("csv-url", Map.of("url", FakeApi.shared().url("/files/named.csv")));
        String flow = given().contentType(ContentType.JSON).body(Map.of("name", "Zoë 日本語 report",
                "sources", List.of(Map.of("connectionId", connection)), "destinations", List.of(Map.of("type", "excel"))))
                .post("/api/v1/flows").then().statusCode(201).extract().path("id");
        runSucceeds(flow);
        given().get("/api/v1/flows/" + flow + "/destinations/0/file").then().statusCode(200)
                .header("Content-Disposition", "attachment; filename=\"Zoe ___ report.xlsx\"; filename*=UTF-8''"
                        + "Zo%C3%AB%20%E6%97%A5%E6%9C%AC%E8%AA%9E%20report.xlsx");
    }

    @Test
    void wrongTypesAndBrokenJsonAreSaidWithoutJavaNames() {
        given().contentType(ContentType.JSON).body("{\"name\": \"f\", \"sources\": [{\"connectionId\": \"x\"}],"
                + " \"destinations\": [{\"type\": \"excel\"}]}").post("/api/v1/flows").then().statusCode(422)
                .contentType("application/problem+json").body("errors.field", equalTo(List.of("sources[0].connectionId")))
                .body("errors.message", equalTo(List.of("must be a UUID (like 123e4567-e89b-12d3-a456-426614174000)")))
                .body("detail", equalTo("sources[0].connectionId: must be a UUID (like 123e4567-e89b-12d3-a456-426614174000)"));
        given().contentType(ContentType.JSON).body("{\"name\": \"x\", \"connectorId\": \"csv-url\", \"config\": [1]}")
                .post("/api/v1/connections").then().statusCode(422).body("errors.field", equalTo(List.of("config")))
                .body("errors.message", equalTo(List.of("must be an object")));
        String detail = given().contentType(ContentType.JSON).body("{\"name\": ").post("/api/v1/connections").then()
                .statusCode(400).contentType("application/problem+json").extract().path("detail");
        org.assertj.core.api.Assertions.assertThat(detail).startsWith("The request body is not valid JSON: ")
                .endsWith("(line 1, column 10)").doesNotContain("`").doesNotContain("java").doesNotContain("Source");
    }
}
