package io.rowflow.api;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.quarkus.test.junit.QuarkusTest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * frontend/openapi.json is the API's description as the server makes it ({@code GET /q/openapi}); the UI generates its
 * API types from it when it builds ({@code npm run gen:api}). This test fails when the snapshot differs from what the
 * server describes, so that a field renamed on the server cannot go unnoticed by the UI: write the new snapshot with
 * {@code -Dopenapi-snapshot.write=true}, and the UI's build then fails wherever it still uses the old name.
 */
@QuarkusTest
class OpenApiSnapshotTest {
    static final Path SNAPSHOT = Path.of("frontend/openapi.json");
    /** Keys sorted, two-space indents: a snapshot that changes only where the API does. */
    static final ObjectMapper CANONICAL = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);

    @Test
    void theUisSnapshotOfTheApiIsCurrent() throws IOException {
        String served = given().get("/q/openapi?format=json").then().statusCode(200).extract().asString();
        Object document = CANONICAL.readValue(served, Object.class);
        String fresh = CANONICAL.writeValueAsString(document) + "\n";
        if (Boolean.getBoolean("openapi-snapshot.write")) {
            Files.writeString(SNAPSHOT, fresh);
        }
        String snapshot = Files.exists(SNAPSHOT) ? Files.readString(SNAPSHOT) : "";
        assertThat(snapshot).as("frontend/openapi.json is stale: run ./mvnw test -Dtest=OpenApiSnapshotTest"
                + " -Dopenapi-snapshot.write=true, then npm run build in frontend/").isEqualTo(fresh);
    }

    @Test
    void everyStepTypeIsDescribed() throws IOException {
        String served = given().get("/q/openapi?format=json").then().statusCode(200).extract().asString();
        var schemas = CANONICAL.readTree(served).path("components").path("schemas");
        var step = schemas.path("Step");
        assertThat(step.path("discriminator").path("propertyName").asText()).isEqualTo("type");
        assertThat(step.path("oneOf")).hasSize(11);
        for (String type : java.util.List.of("select", "remove", "rename", "retype", "filter", "sort", "calculate",
                "aggregate", "deduplicate", "limit", "sql")) {
            String name = Character.toUpperCase(type.charAt(0)) + type.substring(1) + "Step";
            assertThat(step.path("discriminator").path("mapping").path(type).asText()).endsWith("/" + name);
            assertThat(schemas.path(name).path("properties").path("type").path("enum").get(0).asText()).isEqualTo(type);
        }
        // A filter's condition: the two groups and a record per family of tests, each with its operators.
        assertThat(schemas.path("FilterStep").path("properties").path("where").path("$ref").asText()).endsWith("/Condition");
        assertThat(schemas.path("Condition").path("oneOf")).hasSize(11);
        assertThat(schemas.path("ComparisonOp").path("enum").toString()).isEqualTo("[\"gt\",\"gte\",\"lt\",\"lte\"]");
        assertThat(schemas.path("InListTest").path("properties").path("values").path("items").path("$ref").asText())
                .endsWith("/Operand");
        assertThat(schemas.path("Operand").path("oneOf").findValuesAsText("type")).containsExactly("string", "number",
                "boolean");
        assertThat(schemas.path("Combine").path("oneOf")).hasSize(2);
        assertThat(schemas.path("FlowRequest").path("properties").path("schedule").path("$ref").asText())
                .endsWith("/Schedule");
    }
}
