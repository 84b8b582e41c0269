package io.rowflow.retention;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.rowflow.testing.Api;
import io.rowflow.testing.FakeApi;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Old runs and their logs go, by age and by count, while each flow keeps its newest run and its newest success, and
 * its last written result keeps being served; old audit events go on their own, longer clock. The purge is given its
 * "now", so ages are exact without waiting.
 */
@QuarkusTest
class RetentionTest {
    @Inject
    Retention retention;

    @Inject
    EntityManager em;

    /** The purge's "now": the real one, so that no other test's recent runs or audit events are of age. */
    private static final Instant NOW = Instant.now();

    private String flow() {
        String name = "/files/retention-" + UUID.randomUUID() + ".csv";
        FakeApi.shared().putFile(name, "id,name\n1,one\n2,two\n");
        String connection = Api.createConnection("csv-url", Map.of("url", FakeApi.shared().url(name)));
        return given().contentType(ContentType.JSON).body(Map.of("name", "retention", "sources",
                List.of(Map.of("connectionId", connection)), "destinations", List.of(Map.of("type", "published"))))
                .post("/api/v1/flows").then().statusCode(201).extract().path("id");
    }

    private UUID insertRun(String flow, String status, Instant created) {
        UUID id = UUID.randomUUID();
        QuarkusTransaction.requiringNew().run(() -> {
            em.createNativeQuery("INSERT INTO run (id, flow_id, status, trigger_kind, created_at, ended_at)"
                    + " VALUES (:id, :flow, :status, 'schedule', :at, :at)").setParameter("id", id)
                    .setParameter("flow", UUID.fromString(flow)).setParameter("status", status)
                    .setParameter("at", OffsetDateTime.ofInstant(created, ZoneOffset.UTC)).executeUpdate();
            em.createNativeQuery("INSERT INTO run_log (run_id, at, level, message) VALUES (:id, :at, 'INFO', 'x')")
                    .setParameter("id", id).setParameter("at", OffsetDateTime.ofInstant(created, ZoneOffset.UTC))
                    .executeUpdate();
        });
        return id;
    }

    private void age(String runId, Instant created) {
        QuarkusTransaction.requiringNew().run(() -> em.createNativeQuery("UPDATE run SET created_at = :at WHERE id = :id")
                .setParameter("at", OffsetDateTime.ofInstant(created, ZoneOffset.UTC))
                .setParameter("id", UUID.fromString(runId)).executeUpdate());
    }

    private List<UUID> runsOf(String flow) {
        return QuarkusTransaction.requiringNew().call(() -> em.createQuery(
                "select r.id from RunEntity r where r.flowId = :f order by r.createdAt", UUID.class)
                .setParameter("f", UUID.fromString(flow)).getResultList());
    }

    private long logLines(UUID run) {
        return QuarkusTransaction.requiringNew().call(() -> em.createQuery(
                "select count(l) from RunLogEntity l where l.runId = :r", Long.class).setParameter("r", run)
                .getSingleResult());
    }

    @Test
    void oldRunsGoButEachFlowKeepsItsNewestRunItsNewestSuccessAndItsResult() throws Exception {
        String flow = flow();
        String first = Api.startRun(flow);
        Api.awaitRun(first);
        String second = Api.startRun(flow);
        Api.awaitRun(second);
        age(first, NOW.minus(Duration.ofDays(200)));
        age(second, NOW.minus(Duration.ofDays(150))); // the newest success, though old
        UUID oldFailure = insertRun(flow, "FAILED", NOW.minus(Duration.ofDays(120)));
        UUID newestFailure = insertRun(flow, "FAILED", NOW.minus(Duration.ofDays(100))); // the newest run, though old

        Retention.Purged purged = retention.purge(NOW);

        assertThat(runsOf(flow)).containsExactly(UUID.fromString(second), newestFailure);
        assertThat(purged.runs()).isGreaterThanOrEqualTo(2);
        assertThat(logLines(oldFailure)).isZero();
        assertThat(logLines(UUID.fromString(first))).isZero();
        assertThat(logLines(newestFailure)).isEqualTo(1);
        String url = given().get("/api/v1/flows/" + flow + "/destinations/0/publication").then().statusCode(200)
                .extract().path("csvUrl");
        HttpResponse<String> served = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()
                .send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(served.statusCode()).isEqualTo(200);
        assertThat(served.body()).isEqualTo("id,name\r\n1,one\r\n2,two\r\n");
    }

    @Test
    void aFlowKeepsItsNewestRunsByCountOnceTheyAreADayOld() {
        String flow = flow();
        List<UUID> runs = new ArrayList<>();
        Instant start = NOW.minus(Duration.ofDays(5));
        for (int i = 0; i < 205; i++) {
            runs.add(insertRun(flow, "FAILED", start.plusSeconds(i)));
        }
        UUID fresh = insertRun(flow, "FAILED", NOW.minus(Duration.ofHours(2))); // within the day's grace

        retention.purge(NOW);

        // 206 runs, 200 kept by count: the 6 oldest go.
        List<UUID> expected = new ArrayList<>(runs.subList(6, 205));
        expected.add(fresh);
        assertThat(runsOf(flow)).containsExactlyElementsOf(expected);
    }

    @Test
    void auditEventsHaveTheirOwnLongerClock() {
        OffsetDateTime old = OffsetDateTime.ofInstant(NOW.minus(Duration.ofDays(401)), ZoneOffset.UTC);
        OffsetDateTime kept = OffsetDateTime.ofInstant(NOW.minus(Duration.ofDays(399)), ZoneOffset.UTC);
        String marker = "retention-" + UUID.randomUUID();
        QuarkusTransaction.requiringNew().run(() -> {
            for (OffsetDateTime at : List.of(old, kept)) {
                em.createNativeQuery("INSERT INTO audit_event (at, action, target) VALUES (:at, 'test.event', :t)")
                        .setParameter("at", at).setParameter("t", marker).executeUpdate();
            }
        });

        retention.purge(NOW);

        List<?> left = QuarkusTransaction.requiringNew().call(() -> em.createNativeQuery(
                "SELECT at FROM audit_event WHERE target = :t").setParameter("t", marker).getResultList());
        assertThat(left).hasSize(1);
    }
}
