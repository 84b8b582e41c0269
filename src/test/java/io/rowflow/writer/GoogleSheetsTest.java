package io.rowflow.writer;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.rowflow.testing.Api;
import io.rowflow.testing.FakeApi;
import io.rowflow.testing.FakeSheets;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The Google Sheets destination against the stateful fake: replace runs that a concurrent reader never sees half-done,
 * the user's column and other tabs' formulas surviving growth and shrinking, text that is never a formula and values
 * that keep their type, upsert by key, limits checked before anything is written, a failure that leaves the tab as it
 * was, quota refusals waited out, and "Connect Google" with the spreadsheet picker.
 */
@QuarkusTest
@QuarkusTestResource(FakeSheets.class)
class GoogleSheetsTest {
    static final ObjectMapper JSON = new ObjectMapper();

    static FakeSheets sheets() {
        return FakeSheets.running();
    }

    static String googleConnection() {
        Api.SECRETS_USED.add(sheets().privateKeyFragment());
        return Api.createConnection("google-sheets", Map.of("service_account_key", sheets().serviceAccountKey()));
    }

    /** A JSON source serving the given records, changeable between runs. */
    static String source(String path, List<Map<String, Object>> records) throws Exception {
        FakeApi.shared().putFile(path, JSON.writeValueAsString(Map.of("rows", records)));
        return Api.createConnection("json-url", Map.of("url", FakeApi.shared().url(path), "recordsPath", "rows"));
    }

    static void serve(String path, List<Map<String, Object>> records) throws Exception {
        FakeApi.shared().putFile(path, JSON.writeValueAsString(Map.of("rows", records)));
    }

    static String flow(String source, String google, String spreadsheet, Map<String, Object> extra) {
        Map<String, Object> settings = new HashMap<>(Map.of("connectionId", google, "spreadsheet",
                "https://docs.google.com/spreadsheets/d/" + spreadsheet + "/edit#gid=0", "sheetName", "Data"));
        settings.putAll(extra);
        return given().contentType(ContentType.JSON).body(Map.of("name", "to sheets", "sources", List.of(Map.of(
                "connectionId", source)), "destinations", List.of(Map.of("type", "google-sheets", "settings", settings))))
                .post("/api/v1/flows").then().statusCode(201).extract().path("id");
    }

    static List<Map<String, Object>> versionRows(int version, int count) {
        List<Map<String, Object>> rows = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            Map<String, Object> row = new java.util.LinkedHashMap<>();
            row.put("id", i + 1);
            row.put("version", "v" + version);
            row.put("value", version * 1000 + i);
            rows.add(row);
        }
        return rows;
    }

    /** The tab's values as a BI tool reads them, through the API with its own token. */
    static List<List<Object>> read(String spreadsheet, String range, String render, String token) throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
                sheets().baseUrl() + "/v4/spreadsheets/" + spreadsheet + "/values/" + java.net.URLEncoder.encode(range,
                        java.nio.charset.StandardCharsets.UTF_8) + "?valueRenderOption=" + render))
                .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonNode values = JSON.readTree(response.body()).path("values");
        List<List<Object>> rows = new ArrayList<>();
        for (JsonNode row : values) {
            List<Object> out = new ArrayList<>();
            row.forEach(v -> out.add(v.isNumber() ? v.decimalValue() : v.isBoolean() ? v.booleanValue() : v.asText()));
            rows.add(out);
        }
        return rows;
    }

    @Test
    void aConcurrentReaderNeverSeesAHalfWrittenTabAndTheUsersWorkSurvives() throws Exception {
        FakeSheets fake = sheets();
        String spreadsheet = fake.create("Sales report");
        fake.addTab(spreadsheet, "Data", 1000, 26);
        fake.addTab(spreadsheet, "Summary", 100, 10);
        fake.type(spreadsheet, "Summary", 0, 0, "=COUNTA(Data!A:A)");
        fake.type(spreadsheet, "Summary", 1, 0, "=SUM(Data!C2:C500)");
        fake.type(spreadsheet, "Summary", 2, 0, "='Data'!B2");
        String google = googleConnection();
        String source = source("/files/sheets-versions.json", versionRows(0, 60));
        String flow = flow(source, google, spreadsheet, Map.of());
        Api.runSucceeds(flow);
        // The user's own column right of Rowflow's three, and their formulas on another tab.
        for (int r = 0; r < 5; r++) {
            fake.type(spreadsheet, "Data", r, 3, r == 0 ? "Notes" : "note " + r);
        }
        List<Integer> sizes = new ArrayList<>();
        for (int k = 1; k <= 20; k++) {
            sizes.add(40 + (k * 53) % 150); // grows and shrinks from run to run
        }
        String token = fake.issueToken();
        AtomicBoolean writing = new AtomicBoolean(true);
        List<String> problems = new CopyOnWriteArrayList<>();
        Set<String> seen = java.util.concurrent.ConcurrentHashMap.newKeySet();
        AtomicInteger snapshots = new AtomicInteger();
        Thread reader = new Thread(() -> {
            while (writing.get()) {
                try {
                    List<List<Object>> rows = read(spreadsheet, "Data!A1:C", "UNFORMATTED_VALUE", token);
                    snapshots.incrementAndGet();
                    if (!rows.get(0).equals(List.of("id", "version", "value"))) {
                        problems.add("header " + rows.get(0));
                    }
                    String version = rows.size() > 1 ? (String) rows.get(1).get(1) : "?";
                    seen.add(version);
                    int v = Integer.parseInt(version.substring(1));
                    int expected = v == 0 ? 60 : sizes.get(v - 1);
                    if (rows.size() - 1 != expected) {
                        problems.add(version + " with " + (rows.size() - 1) + " rows instead of " + expected);
                    }
                    for (List<Object> row : rows.subList(1, rows.size())) {
                        if (row.size() != 3 || !version.equals(row.get(1))) {
                            problems.add("mixed row " + row + " in " + version);
                            break;
                        }
                    }
                } catch (Exception e) {
                    problems.add(e.toString());
                }
            }
        });
        reader.start();
        try {
            for (int k = 1; k <= 20; k++) {
                serve("/files/sheets-versions.json", versionRows(k, sizes.get(k - 1)));
                JsonPath run = Api.runSucceeds(flow);
                assertThat(run.getLong("destinations[0].rowsWritten")).isEqualTo((long) sizes.get(k - 1));
                assertThat(run.getLong("destinations[0].apiCalls")).isGreaterThanOrEqualTo(5);
            }
        } finally {
            writing.set(false);
            reader.join();
        }
        assertThat(problems).as("what the reader saw (" + snapshots.get() + " snapshots)").isEmpty();
        // Uploads were split to stay under the chunk size (2,000 bytes in tests, 1.8 MB by default).
        assertThat(fake.largestPayload.get()).isLessThan(4_000);
        assertThat(seen.size()).as("versions the reader saw").isGreaterThan(3);

        List<List<Object>> data = read(spreadsheet, "Data!A1:D", "UNFORMATTED_VALUE", token);
        int last = sizes.get(19);
        assertThat(data).hasSize(Math.max(last + 1, 5));
        assertThat(data.get(last).get(1)).isEqualTo("v20");
        for (int r = 0; r < 5; r++) {
            assertThat(data.get(r).get(3)).as("the user's column").isEqualTo(r == 0 ? "Notes" : "note " + r);
        }
        assertThat(read(spreadsheet, "Summary!A1:A3", "FORMULA", token)).as("formulas on another tab").containsExactly(
                List.of("=COUNTA(Data!A:A)"), List.of("=SUM(Data!C2:C500)"), List.of("='Data'!B2"));
        assertThat(fake.tabs(spreadsheet)).containsExactly("Sheet1", "Data", "Summary"); // no staging tab left
    }

    @Test
    void textIsNeverAFormulaAndValuesKeepTheirType() throws Exception {
        FakeSheets fake = sheets();
        String spreadsheet = fake.create("Injection corpus");
        List<String> corpus = List.of("=1+1", "+SUM(A1:A2)", "-2+3", "@SUM(A1)", "\t=1+1", "\r=1+1",
                "=HYPERLINK(\"http://evil.example\",\"click\")", "=IMPORTXML(\"http://evil.example\",\"//a\")",
                "=IMAGE(\"http://evil.example/x.png\")", "00123", "1-2", "TRUE", "0x1F", "1e5");
        List<Map<String, Object>> rows = new ArrayList<>();
        for (int i = 0; i < corpus.size(); i++) {
            Map<String, Object> row = new java.util.LinkedHashMap<>();
            row.put("text", corpus.get(i));
            row.put("big_id", new BigDecimal("1234567890123456789").add(BigDecimal.valueOf(i)));
            row.put("amount", 10.5 + i);
            row.put("done", i % 2 == 0);
            row.put("day", "2026-03-" + String.format("%02d", i + 1));
            rows.add(row);
        }
        String flow = flow(source("/files/sheets-corpus.json", rows), googleConnection(), spreadsheet, Map.of());
        Api.runSucceeds(flow);
        String token = fake.issueToken();
        List<List<Object>> formulas = read(spreadsheet, "Data!A1:E", "FORMULA", token);
        assertThat(formulas.get(0)).containsExactly("text", "big_id", "amount", "done", "day");
        for (int i = 0; i < corpus.size(); i++) {
            List<Object> row = formulas.get(i + 1);
            assertThat(row.get(0)).as("row %d", i).isEqualTo(corpus.get(i));
            assertThat(row.get(1)).as("a 19-digit id stays text").isEqualTo(new BigDecimal("1234567890123456789")
                    .add(BigDecimal.valueOf(i)).toString());
            assertThat((BigDecimal) row.get(2)).isEqualByComparingTo(new BigDecimal(Double.toString(10.5 + i)));
            assertThat(row.get(3)).isEqualTo(i % 2 == 0);
            // A date is a date serial with a date format.
            assertThat((BigDecimal) row.get(4)).isEqualByComparingTo(new BigDecimal(java.time.temporal.ChronoUnit.DAYS
                    .between(java.time.LocalDate.of(1899, 12, 30), java.time.LocalDate.of(2026, 3, i + 1))));
            assertThat(fake.cell(spreadsheet, "Data", i + 1, 4).format()).isEqualTo("yyyy-mm-dd");
        }
        // The cells themselves: not one formula.
        long formulaCells = fake.grid(spreadsheet, "Data").stream().flatMap(List::stream)
                .filter(c -> c instanceof FakeSheets.Cell cell && cell.value() instanceof FakeSheets.Formula).count();
        assertThat(formulaCells).isZero();
    }

    @Test
    void upsertUpdatesRowsInPlaceAndAppendsNewKeys() throws Exception {
        FakeSheets fake = sheets();
        String spreadsheet = fake.create("Customers");
        List<Map<String, Object>> first = new ArrayList<>();
        for (int i = 1; i <= 5; i++) {
            first.add(customer(i, "basic"));
        }
        String source = source("/files/sheets-upsert.json", first);
        String flow = flow(source, googleConnection(), spreadsheet, Map.of("mode", "upsert", "keyColumns", List.of("id")));
        Api.runSucceeds(flow);
        serve("/files/sheets-upsert.json", List.of(customer(3, "gold"), customer(6, "basic")));
        JsonPath second = Api.runSucceeds(flow);
        assertThat(second.getLong("destinations[0].rowsWritten")).isEqualTo(2);
        List<List<Object>> data = read(spreadsheet, "Data!A1:C", "UNFORMATTED_VALUE", fake.issueToken());
        assertThat(data).hasSize(7);
        assertThat(data.get(3)).containsExactly(new BigDecimal(3), "Customer 3", "gold"); // in place
        assertThat(data.get(6)).containsExactly(new BigDecimal(6), "Customer 6", "basic"); // appended
        assertThat(data.stream().skip(1).map(r -> r.get(0)).distinct().count()).isEqualTo(6);

        given().contentType(ContentType.JSON).body(Map.of("name", "no key", "sources", List.of(Map.of("connectionId",
                source)), "destinations", List.of(Map.of("type", "google-sheets", "settings", Map.of("connectionId",
                googleConnection(), "spreadsheet", spreadsheet, "mode", "upsert"))))).post("/api/v1/flows").then()
                .statusCode(422).body("errors.field", hasItem("destinations[0].settings.keyColumns"));
    }

    static Map<String, Object> customer(int id, String tier) {
        Map<String, Object> row = new java.util.LinkedHashMap<>();
        row.put("id", id);
        row.put("name", "Customer " + id);
        row.put("tier", tier);
        return row;
    }

    @Test
    void appendAddsBelowAndStampsTheLastUpdate() throws Exception {
        FakeSheets fake = sheets();
        String spreadsheet = fake.create("Log");
        String source = source("/files/sheets-append.json", versionRows(1, 3));
        String flow = flow(source, googleConnection(), spreadsheet, Map.of("mode", "append", "startCell", "B2",
                "lastUpdated", Map.of("cell", "A1", "note", true)));
        Api.runSucceeds(flow);
        serve("/files/sheets-append.json", versionRows(2, 2));
        Api.runSucceeds(flow);
        List<List<Object>> data = read(spreadsheet, "Data!A1:D", "UNFORMATTED_VALUE", fake.issueToken());
        assertThat(data.get(0).get(0).toString()).startsWith("Last updated by Rowflow: ");
        assertThat(data.get(1).subList(1, 4)).containsExactly("id", "version", "value");
        assertThat(data).hasSize(7);
        assertThat(data.get(6).subList(1, 3)).containsExactly(new BigDecimal(2), "v2");
        assertThat(fake.cell(spreadsheet, "Data", 1, 1).note()).startsWith("Last updated by Rowflow: ");
        // The flow's page links the spreadsheet itself (Google's address, whatever API host the writer used) and
        // says what the last run wrote to it.
        given().get("/api/v1/flows/" + flow + "/destinations").then().statusCode(200)
                .body("[0].link.href", org.hamcrest.Matchers.equalTo("https://docs.google.com/spreadsheets/d/" + spreadsheet + "/edit"))
                .body("[0].link.label", org.hamcrest.Matchers.equalTo("Open the spreadsheet"))
                .body("[0].rowsWritten", org.hamcrest.Matchers.equalTo(2));
    }

    @Test
    void columnsKeepTheOrderTheUserGaveTheHeader() throws Exception {
        FakeSheets fake = sheets();
        String spreadsheet = fake.create("Reordered");
        String flow = flow(source("/files/sheets-order.json", versionRows(1, 4)), googleConnection(), spreadsheet, Map.of());
        Api.runSucceeds(flow);
        // The user drags "value" to the front (the fake moves the header only; the next refresh rewrites the rows).
        fake.type(spreadsheet, "Data", 0, 0, "value");
        fake.type(spreadsheet, "Data", 0, 1, "id");
        fake.type(spreadsheet, "Data", 0, 2, "version");
        serve("/files/sheets-order.json", versionRows(2, 3));
        Api.runSucceeds(flow);
        List<List<Object>> data = read(spreadsheet, "Data!A1:C", "UNFORMATTED_VALUE", fake.issueToken());
        assertThat(data.get(0)).containsExactly("value", "id", "version");
        assertThat((BigDecimal) data.get(1).get(0)).isEqualByComparingTo("2000");
        assertThat((BigDecimal) data.get(1).get(1)).isEqualByComparingTo("1");
        assertThat(data.get(1).get(2)).isEqualTo("v2");
        assertThat(data).hasSize(4);
    }

    @Test
    void limitsAreCheckedBeforeWritingAndAFailureLeavesTheTabAsItWas() throws Exception {
        FakeSheets fake = sheets();
        String google = googleConnection();
        // Ten million cells per spreadsheet, its other tabs included.
        String full = fake.create("Almost full");
        fake.addTab(full, "Archive", 399_000, 25);
        String flow = flow(source("/files/sheets-limit.json", versionRows(1, 50)), google, full, Map.of());
        JsonPath refused = Api.runToEnd(flow);
        assertThat(refused.getString("status")).isEqualTo("failed");
        assertThat(refused.getString("error.message")).contains("Google Sheets allows at most 10000000")
                .contains("Nothing was written");
        assertThat(fake.tabs(full)).containsExactly("Sheet1", "Archive");

        // 50,000 characters per cell.
        String spreadsheet = fake.create("Long text");
        String longFlow = flow(source("/files/sheets-long.json", List.of(Map.of("text", "x".repeat(50_001)))), google,
                spreadsheet, Map.of());
        assertThat(Api.runToEnd(longFlow).getString("error.message")).contains("at most 50000");

        // A refusal while uploading: the tab keeps its rows, the staging tab is removed.
        String kept = fake.create("Kept");
        String keptFlow = flow(source("/files/sheets-kept.json", versionRows(1, 10)), google, kept, Map.of());
        Api.runSucceeds(keptFlow);
        serve("/files/sheets-kept.json", versionRows(2, 4));
        fake.refuseNextValuesUpdate();
        JsonPath failed = Api.runToEnd(keptFlow);
        assertThat(failed.getString("status")).isEqualTo("failed");
        assertThat(failed.getString("error.step")).startsWith("write destination 1 (google-sheets)");
        assertThat(failed.getString("error.message")).startsWith("Google refused the request (uploading into a staging tab)");
        List<List<Object>> data = read(kept, "Data!A1:C", "UNFORMATTED_VALUE", fake.issueToken());
        assertThat(data).hasSize(11);
        assertThat(data.get(10).get(1)).isEqualTo("v1");
        assertThat(fake.tabs(kept)).containsExactly("Sheet1", "Data");
    }

    @Test
    void quotaRefusalsAreWaitedOutAndEveryCallIsCounted() throws Exception {
        FakeSheets fake = sheets();
        String spreadsheet = fake.create("Throttled");
        String flow = flow(source("/files/sheets-quota.json", versionRows(1, 20)), googleConnection(), spreadsheet, Map.of());
        int refusedBefore = fake.tooManyRequests.get();
        int requestsBefore = fake.requests.get();
        int tokensBefore = fake.tokenRequests.get();
        int droppedBefore = fake.dropped.get();
        fake.throttleNext(3);
        // One upload meets a connection the server closed without answering: retried, and not counted as a call.
        fake.dropNextWrites(1);
        JsonPath run = Api.runSucceeds(flow);
        assertThat(fake.tooManyRequests.get() - refusedBefore).isEqualTo(3);
        assertThat(fake.dropped.get() - droppedBefore).isEqualTo(1);
        int answered = fake.requests.get() - requestsBefore;
        // Every request Google answered, the refused ones included (a service account's token request is not one).
        assertThat(run.getLong("destinations[0].apiCalls")).isEqualTo(answered - (fake.tokenRequests.get() - tokensBefore));
        assertThat(read(spreadsheet, "Data!A1:C", "UNFORMATTED_VALUE", fake.issueToken())).hasSize(21);
    }

    @Test
    void connectGoogleThenPickOrCreateASpreadsheet() throws Exception {
        FakeSheets fake = sheets();
        fake.oauth.registeredRedirect = "http://localhost:" + RestAssured.port + "/api/v1/oauth/google-sheets/callback";
        Api.SignedInConnection signedIn = Api.connectWithOAuth("google-sheets", "My Google");
        Map<String, String> asked = signedIn.consentQuery();
        assertThat(asked).containsEntry("access_type", "offline").containsEntry("code_challenge_method", "S256");
        assertThat(asked.get("scope").split(" ")).containsExactlyInAnyOrder("https://www.googleapis.com/auth/spreadsheets",
                "https://www.googleapis.com/auth/drive.file", "https://www.googleapis.com/auth/bigquery");
        String google = signedIn.connectionId();
        JsonPath made = given().contentType(ContentType.JSON).body(Map.of("title", "Rowflow export"))
                .post("/api/v1/connections/" + google + "/spreadsheets").then().statusCode(201).extract().jsonPath();
        assertThat(made.getString("url")).isEqualTo("https://docs.google.com/spreadsheets/d/" + made.getString("id") + "/edit");
        given().get("/api/v1/connections/" + google + "/spreadsheets").then().statusCode(200)
                .body("find { it.id == '" + made.getString("id") + "' }.name", equalTo("Rowflow export"));
        String flow = flow(source("/files/sheets-oauth.json", versionRows(1, 7)), google, made.getString("id"), Map.of());
        Api.runSucceeds(flow);
        assertThat(read(made.getString("id"), "Data!A1:C", "UNFORMATTED_VALUE", fake.issueToken())).hasSize(8);
        // The tab picker: the spreadsheet's tabs in order; an unknown spreadsheet is Google's 404, said as such.
        fake.addTab(made.getString("id"), "Archive", 10, 3);
        given().get("/api/v1/connections/" + google + "/spreadsheets/" + made.getString("id") + "/tabs").then()
                .statusCode(200).body("", org.hamcrest.Matchers.contains("Sheet1", "Data", "Archive"));
        given().get("/api/v1/connections/" + google + "/spreadsheets/no-such-sheet/tabs").then().statusCode(502)
                .body("detail", org.hamcrest.Matchers.startsWith("Google does not know this spreadsheet"));
        // A Google connection used by a flow cannot be deleted.
        given().delete("/api/v1/connections/" + google).then().statusCode(409);
    }
}
