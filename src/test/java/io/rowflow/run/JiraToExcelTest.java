package io.rowflow.run;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.rowflow.testing.Api;
import io.rowflow.testing.FakeJira;
import java.io.ByteArrayInputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.poi.ss.usermodel.CellType;
import org.apache.poi.ss.usermodel.DataFormatter;
import org.apache.poi.xssf.usermodel.XSSFWorkbook;
import org.junit.jupiter.api.Test;

/**
 * Jira issues read incrementally into a workbook, run after run: changed issues whose user fields (the assignee, a
 * user custom field) are empty in one order and then in the other append under the same columns; with upsert by key
 * the workbook equals a full read, each issue once; descriptions are readable text and ids text cells.
 */
@QuarkusTest
@QuarkusTestResource(FakeJira.class)
class JiraToExcelTest {
    static final String REVIEWER = "customfield_10030";

    static String connection() {
        Api.SECRETS_USED.add(FakeJira.API_TOKEN);
        return Api.createConnection("jira", Map.of("site", "acme", "email", FakeJira.EMAIL, "api_token",
                FakeJira.API_TOKEN, "time_zone", FakeJira.ACCOUNT_ZONE.getId()));
    }

    static String incrementalFlow(String connection, Map<String, Object> excel) {
        return given().contentType(ContentType.JSON).body(Map.of("name", "Jira issues, changes only", "sources",
                List.of(Map.of("connectionId", connection, "stream", "issues", "sync", "incremental")), "destinations",
                List.of(Map.of("type", "excel", "settings", excel)))).post("/api/v1/flows").then().statusCode(201)
                .extract().path("id");
    }

    /** The sheet's header and rows, each row by column name, cells as Excel shows them. */
    record Sheet(List<String> header, List<Map<String, String>> rows) {
        static Sheet of(byte[] workbook) throws Exception {
            DataFormatter format = new DataFormatter();
            try (XSSFWorkbook book = new XSSFWorkbook(new ByteArrayInputStream(workbook))) {
                var sheet = book.getSheetAt(0);
                List<String> header = new ArrayList<>();
                sheet.getRow(0).forEach(cell -> header.add(cell.getStringCellValue()));
                List<Map<String, String>> rows = new ArrayList<>();
                for (int r = 1; r <= sheet.getLastRowNum(); r++) {
                    Map<String, String> row = new LinkedHashMap<>();
                    for (int c = 0; c < header.size(); c++) {
                        var cell = sheet.getRow(r).getCell(c);
                        row.put(header.get(c), cell == null ? "" : format.formatCellValue(cell));
                    }
                    rows.add(row);
                }
                return new Sheet(header, rows);
            }
        }

        Map<String, Map<String, String>> byKey() {
            Map<String, Map<String, String>> out = new LinkedHashMap<>();
            rows.forEach(row -> out.put(row.get("key"), row));
            return out;
        }
    }

    /**
     * Two rounds of changes: first an issue with no assignee but a reviewer, then one with an assignee and no reviewer
     * (as Jira returns them: by update time); the second round the other way round.
     */
    static void changeUserFields(FakeJira jira, Instant at, boolean assigneeEmptyFirst) {
        int first = assigneeEmptyFirst ? 7 : 8;
        int second = assigneeEmptyFirst ? 8 : 7;
        jira.setUser(first, "assignee", null, at.plusSeconds(1));
        jira.setUser(first, REVIEWER, "Grace Hopper", at.plusSeconds(1));
        jira.setUser(second, "assignee", "Ada Lovelace", at.plusSeconds(2));
        jira.setUser(second, REVIEWER, null, at.plusSeconds(2));
    }

    /**
     * A time after every change the fake holds (and now): changes made from it on are read by the next incremental
     * run, whatever other tests changed before. Kept close to now, inside the stream's five-minute lookback.
     */
    static Instant afterEveryChange(FakeJira jira) {
        Instant latest = Instant.now();
        for (var issue : jira.issues()) {
            Instant updated = java.time.OffsetDateTime.parse(issue.get("fields").get("updated").asText(),
                    java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSZ")).toInstant();
            latest = updated.isAfter(latest) ? updated : latest;
        }
        return latest.truncatedTo(java.time.temporal.ChronoUnit.SECONDS).plusSeconds(1);
    }

    @Test
    void changedIssuesWithEmptyUserFieldsInEitherOrderAppendCleanly() throws Exception {
        FakeJira jira = FakeJira.running();
        String flow = incrementalFlow(connection(), Map.of("mode", "append"));
        Api.runSucceeds(flow);
        Sheet first = Sheet.of(Api.download(flow));
        int issues = jira.issues().size();
        assertThat(first.rows()).hasSize(issues);

        changeUserFields(jira, afterEveryChange(jira), true);
        assertThat(Api.runSucceeds(flow).getLong("destinations[0].rowsWritten")).isEqualTo(2);
        changeUserFields(jira, afterEveryChange(jira), false);
        assertThat(Api.runSucceeds(flow).getLong("destinations[0].rowsWritten")).isEqualTo(2);

        Sheet after = Sheet.of(Api.download(flow));
        assertThat(after.header()).as("the same columns in the same order").isEqualTo(first.header());
        assertThat(after.rows()).hasSize(issues + 4);
        // Append keeps history: the last two rows are the second round's changes, under their own columns.
        Map<String, String> assigned = after.rows().get(issues + 3);
        assertThat(assigned).containsEntry("key", "OPS-8").containsEntry("Assignee.displayName", "Ada Lovelace")
                .containsEntry("Reviewer.displayName", "");
        assertThat(after.rows().get(issues + 2)).containsEntry("key", "OPS-9")
                .containsEntry("Assignee.displayName", "").containsEntry("Reviewer.displayName", "Grace Hopper");
    }

    @Test
    void upsertByKeyLeavesTheUnionOfTheRunsEqualToAFullRead() throws Exception {
        FakeJira jira = FakeJira.running();
        String connection = connection();
        String flow = incrementalFlow(connection, Map.of("mode", "upsert", "keyColumns", List.of("key")));
        Api.runSucceeds(flow);

        Instant now = afterEveryChange(jira);
        changeUserFields(jira, now, true);
        jira.edit(20, "Task 21, reworded", now.plusSeconds(3));
        jira.create("Created between runs", now.plusSeconds(4));
        assertThat(Api.runSucceeds(flow).getLong("destinations[0].rowsWritten")).as("3 updated, 1 new").isEqualTo(4);
        changeUserFields(jira, afterEveryChange(jira), false);
        assertThat(Api.runSucceeds(flow).getLong("destinations[0].rowsWritten")).isEqualTo(2);

        String full = Api.createStreamFlow("Jira issues, in full", connection, "issues");
        Api.runSucceeds(full);
        Sheet upserted = Sheet.of(Api.download(flow));
        Sheet fullRead = Sheet.of(Api.download(full));
        assertThat(upserted.header()).isEqualTo(fullRead.header());
        assertThat(upserted.rows()).as("each issue once").hasSize(jira.issues().size());
        assertThat(upserted.byKey()).containsExactlyInAnyOrderEntriesOf(fullRead.byKey());
        assertThat(upserted.byKey().get("OPS-21")).containsEntry("Summary", "Task 21, reworded");
        assertThat(upserted.rows().get(upserted.rows().size() - 1)).as("a new key is appended")
                .containsEntry("Summary", "Created between runs");

        // ADF is readable text; ids Jira sends as strings are text cells.
        assertThat(upserted.byKey().get("OPS-2")).containsEntry("Description", FakeJira.descriptionText(2));
        try (XSSFWorkbook book = new XSSFWorkbook(new ByteArrayInputStream(Api.download(flow)))) {
            var sheet = book.getSheetAt(0);
            int id = Sheet.of(Api.download(flow)).header().indexOf("id");
            for (int r = 1; r <= sheet.getLastRowNum(); r++) {
                assertThat(sheet.getRow(r).getCell(id).getCellType()).isEqualTo(CellType.STRING);
            }
        }
    }
}
