package io.rowflow.security;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import io.rowflow.testing.Api;
import io.rowflow.testing.FakeApi;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A flow that reads a private connection is as private as the connection: another member of the workspace can neither
 * see, run, preview nor download it, nor read its runs; once the owner shares the connection, they can.
 */
@QuarkusTest
class PrivateConnectionFlowsTest {
    private static final String PASSWORD = "private-flows-password-1";

    @Test
    void aPrivateConnectionsFlowsStayWithItsOwner() {
        String ownerToken = Api.createToken(Api.ADMIN_EMAIL, Api.ADMIN_PASSWORD);
        String workspace = Api.firstWorkspace(ownerToken);
        Api.addMember(ownerToken, workspace, "colleague@private-flows.test", "editor", PASSWORD);
        RequestSpecification colleague = given().spec(Api.bearer(Api.createToken("colleague@private-flows.test",
                PASSWORD)));
        FakeApi.shared().putFile("/files/salaries.csv", "name,salary\nAda,100\n");
        String connection = given().spec(Api.bearer(ownerToken)).contentType(ContentType.JSON).body(Map.of("name",
                "salaries", "connectorId", "csv-url", "config", Map.of("url", FakeApi.shared().url("/files/salaries.csv"))))
                .post("/api/v1/connections").then().statusCode(201).extract().path("id");
        String flow = given().spec(Api.bearer(ownerToken)).contentType(ContentType.JSON).body(Map.of("name",
                "salaries report", "sources", List.of(Map.of("connectionId", connection)), "destinations",
                List.of(Map.of("type", "excel")))).post("/api/v1/flows").then().statusCode(201).extract().path("id");
        String run = given().spec(Api.bearer(ownerToken)).post("/api/v1/flows/" + flow + "/runs").then().statusCode(202)
                .extract().path("id");
        assertThat(Api.awaitRun(run).getString("status")).isEqualTo("succeeded");

        colleague.get("/api/v1/flows").then().statusCode(200).body("id", not(hasItem(flow)));
        colleague.get("/api/v1/flows/" + flow).then().statusCode(404);
        colleague.post("/api/v1/flows/" + flow + "/runs").then().statusCode(404);
        colleague.post("/api/v1/flows/" + flow + "/preview").then().statusCode(404);
        colleague.get("/api/v1/flows/" + flow + "/destinations/0/file").then().statusCode(404);
        colleague.get("/api/v1/runs/" + run).then().statusCode(404);
        colleague.get("/api/v1/runs/" + run + "/log").then().statusCode(404);

        given().spec(Api.bearer(ownerToken)).contentType(ContentType.JSON).body(Map.of("name", "salaries", "connectorId",
                "csv-url", "config", Map.of("url", FakeApi.shared().url("/files/salaries.csv")), "shared", true))
                .put("/api/v1/connections/" + connection).then().statusCode(200);
        colleague.get("/api/v1/flows").then().statusCode(200).body("id", hasItem(flow));
        colleague.get("/api/v1/runs/" + run).then().statusCode(200);
        colleague.get("/api/v1/flows/" + flow + "/destinations/0/file").then().statusCode(200);
    }
}
