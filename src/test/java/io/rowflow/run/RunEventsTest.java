package io.rowflow.run;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import io.rowflow.testing.Api;
import io.rowflow.testing.FakeApi;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A run followed live, as the web UI does: server-sent events carry the run's state and its new log lines, each line
 * once, and the stream ends with the finished run. Also the next fire times of a schedule not saved yet.
 */
@QuarkusTest
class RunEventsTest {
    static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void aRunIsFollowedUntilItEndsWithEveryLogLineOnce() throws Exception {
        // A source that answers after a second and a half, so the run is under way while it is followed.
        String connection = Api.createConnection("csv-url", Map.of("url", FakeApi.shared().url("/slow.csv?ms=1500")));
        String flow = Api.createExcelFlow(connection, Map.of());
        String run = Api.startRun(flow);

        String token = Api.createToken(Api.ADMIN_EMAIL, Api.ADMIN_PASSWORD);
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://localhost:" + RestAssured.port + "/api/v1/runs/"
                + run + "/events")).header("Authorization", "Bearer " + token).header("Accept", "text/event-stream")
                .timeout(Duration.ofSeconds(30)).build();
        HttpResponse<java.io.InputStream> response = HttpClient.newHttpClient().send(request,
                HttpResponse.BodyHandlers.ofInputStream());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type").orElse("")).startsWith("text/event-stream");

        List<JsonNode> events = new ArrayList<>();
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
            // The stream ends by itself when the run does: reading to its end is the check.
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                if (line.startsWith("data:")) {
                    events.add(JSON.readTree(line.substring(5).trim()));
                }
            }
        }
        assertThat(events).hasSizeGreaterThan(1);
        assertThat(events.get(0).path("run").path("status").asText()).isIn("queued", "running");
        JsonNode last = events.get(events.size() - 1);
        assertThat(last.path("run").path("status").asText()).isEqualTo("succeeded");
        assertThat(last.path("run").path("destinations").get(0).path("rowsWritten").asLong()).isEqualTo(1);

        List<String> streamed = new ArrayList<>();
        events.forEach(e -> e.path("log").forEach(l -> streamed.add(l.path("message").asText())));
        List<String> log = given().get("/api/v1/runs/" + run + "/log").then().statusCode(200).extract().jsonPath()
                .getList("message");
        assertThat(streamed).isEqualTo(log);
        assertThat(streamed).last().isEqualTo("Run succeeded");
    }

    @Test
    void aFinishedRunGivesOneEventAndAnUnknownOneIsNotFound() throws Exception {
        String connection = Api.createConnection("csv-url", Map.of("url", FakeApi.shared().url("/slow.csv?ms=1")));
        String run = Api.startRun(Api.createExcelFlow(connection, Map.of()));
        Api.awaitRun(run);
        String body = given().accept("text/event-stream").get("/api/v1/runs/" + run + "/events").then().statusCode(200)
                .extract().asString();
        assertThat(body.lines().filter(l -> l.startsWith("data:")).count()).isEqualTo(1);
        given().accept("text/event-stream").get("/api/v1/runs/" + java.util.UUID.randomUUID() + "/events").then()
                .statusCode(404);
    }

    @Test
    void theNextFireTimesOfAScheduleNotSavedYet() {
        given().contentType(ContentType.JSON).body(Map.of("preset", "daily", "times", List.of("07:30"), "timezone",
                "Europe/Berlin", "daysOfWeek", List.of("MON", "WED"))).queryParam("count", 4)
                .post("/api/v1/schedules/next").then().statusCode(200)
                .body("timezone", org.hamcrest.Matchers.equalTo("Europe/Berlin"))
                .body("next", org.hamcrest.Matchers.hasSize(4))
                .body("next.local", org.hamcrest.Matchers.everyItem(org.hamcrest.Matchers.containsString("T07:30:00")));
        given().contentType(ContentType.JSON).body(Map.of("preset", "daily", "times", List.of("25:00")))
                .post("/api/v1/schedules/next").then().statusCode(422)
                .body("errors[0].field", org.hamcrest.Matchers.equalTo("schedule.times[0]"));
    }
}
