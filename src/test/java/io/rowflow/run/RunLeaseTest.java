package io.rowflow.run;

import static io.restassured.RestAssured.given;
import static io.rowflow.testing.Api.awaitRun;
import static io.rowflow.testing.Api.createConnection;
import static io.rowflow.testing.Api.createExcelFlow;
import static io.rowflow.testing.Api.download;
import static io.rowflow.testing.Api.runSucceeds;
import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.rowflow.testing.FakeApi;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Runs survive the node that held them: a run whose holder stopped renewing its lease is taken over and completed
 * here; a holder that lost its lease (it froze, and another node took over) can no longer write anything.
 * The test profile leases for 3 s and renews every 0.5 s.
 */
@QuarkusTest
class RunLeaseTest {
    @Inject
    EntityManager em;
    @Inject
    RunLeases leases;

    @Test
    void aRunWhoseNodeDiedIsTakenOverAndCompleted() {
        FakeApi.shared().putFile("/files/lease.csv", "id\n1\n2\n3\n");
        String flow = createExcelFlow(createConnection("csv-url", Map.of("url", FakeApi.shared().url("/files/lease.csv"))),
                Map.of());
        UUID runId = UUID.randomUUID();
        // What a node that died mid-run leaves behind: a running run, its lease renewed long ago.
        QuarkusTransaction.requiringNew().run(() -> {
            RunEntity run = new RunEntity();
            run.id = runId;
            run.flowId = UUID.fromString(flow);
            run.status = RunStatus.RUNNING;
            run.trigger = "schedule";
            run.createdAt = Instant.now().minusSeconds(60);
            run.startedAt = run.createdAt;
            run.nodeId = "node-that-died";
            run.heartbeatAt = Instant.now().minusSeconds(30);
            run.attempt = 1;
            em.persist(run);
        });
        JsonPath done = awaitRun(runId.toString());
        assertThat(done.getString("status")).isEqualTo("succeeded");
        assertThat(done.getLong("destinations[0].rowsWritten")).isEqualTo(3);
        RunEntity after = QuarkusTransaction.requiringNew().call(() -> em.find(RunEntity.class, runId));
        assertThat(after.attempt).isEqualTo(2);
        assertThat(after.nodeId).isEqualTo(leases.nodeId());
        List<String> log = given().get("/api/v1/runs/" + runId + "/log").then().extract().path("message");
        assertThat(log).anyMatch(line -> line.startsWith("Run started"));
    }

    @Test
    void aRunCancelledWhileItsNodeWasDownEndsCancelledAndTheFlowRunsAgain() {
        FakeApi.shared().putFile("/files/lease-cancelled.csv", "id\n1\n");
        String flow = createExcelFlow(createConnection("csv-url", Map.of("url", FakeApi.shared().url(
                "/files/lease-cancelled.csv"))), Map.of());
        UUID runId = UUID.randomUUID();
        QuarkusTransaction.requiringNew().run(() -> {
            RunEntity run = new RunEntity();
            run.id = runId;
            run.flowId = UUID.fromString(flow);
            run.status = RunStatus.RUNNING;
            run.trigger = "manual";
            run.createdAt = Instant.now().minusSeconds(60);
            run.startedAt = run.createdAt;
            run.nodeId = "node-that-died";
            run.heartbeatAt = Instant.now().minusSeconds(30);
            run.attempt = 1;
            run.cancelRequested = true; // the user cancelled while that node was down
            em.persist(run);
        });
        assertThat(awaitRun(runId.toString()).getString("status")).isEqualTo("cancelled");
        // The flow is free again: a new run is accepted (not 409) and succeeds.
        assertThat(io.rowflow.testing.Api.runSucceeds(flow).getString("status")).isEqualTo("succeeded");
    }

    @Test
    void aNodeThatLostItsLeaseCannotWrite() throws Exception {
        FakeApi.shared().putFile("/files/fenced.csv", "id\n1\n");
        String connection = createConnection("csv-url", Map.of("url", FakeApi.shared().url("/files/fenced.csv")));
        String flow = createExcelFlow(connection, Map.of());
        runSucceeds(flow);
        byte[] before = download(flow);

        // The source now answers slowly; while this node reads it, another node takes the run over (this node froze).
        io.rowflow.testing.Api.updateConnection(connection, "csv-url", Map.of("url", FakeApi.shared().url("/slow.csv?ms=1500")));
        String runId = given().post("/api/v1/flows/" + flow + "/runs").then().statusCode(202).extract().path("id");
        Thread.sleep(500);
        int stolen = QuarkusTransaction.requiringNew().call(() -> em.createQuery("update RunEntity set attempt = attempt + 1,"
                + " nodeId = 'the-other-node', heartbeatAt = :future where id = :id and status = :running")
                .setParameter("future", Instant.now().plusSeconds(3600)).setParameter("id", UUID.fromString(runId))
                .setParameter("running", RunStatus.RUNNING).executeUpdate());
        assertThat(stolen).isEqualTo(1);
        Thread.sleep(2_500);
        RunEntity run = QuarkusTransaction.requiringNew().call(() -> em.find(RunEntity.class, UUID.fromString(runId)));
        // This node neither wrote the workbook nor recorded an outcome: the run is the other node's.
        assertThat(download(flow)).isEqualTo(before);
        assertThat(run.status).isEqualTo(RunStatus.RUNNING);
        assertThat(run.nodeId).isEqualTo("the-other-node");
        QuarkusTransaction.requiringNew().run(() -> em.createQuery("update RunEntity set status = :cancelled,"
                + " endedAt = :now where id = :id").setParameter("cancelled", RunStatus.CANCELLED)
                .setParameter("now", Instant.now()).setParameter("id", UUID.fromString(runId)).executeUpdate());
    }
}
