package io.rowflow.run;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.junit.QuarkusTest;
import io.rowflow.schedule.SlotFiring.DueSlot;
import io.rowflow.testing.Api;
import io.rowflow.testing.FakeApi;
import jakarta.inject.Inject;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import org.junit.jupiter.api.Test;

/**
 * Slots that come together are recorded together (the scheduler hands over whole batches): each slot still gives one
 * run whatever batch it came in, however often it is fired and by how many nodes at once; a slot of a flow that still
 * runs is recorded as skipped, and a slot of a flow deleted meanwhile gives nothing.
 */
@QuarkusTest
class SlotBatchTest {
    @Inject
    RunService runs;

    private static UUID flow(String path) {
        return UUID.fromString(Api.createExcelFlow(Api.createConnection("csv-url", Map.of("url",
                FakeApi.shared().url(path))), Map.of()));
    }

    private static List<Map<String, Object>> runsOf(UUID flow) {
        return given().get("/api/v1/flows/" + flow + "/runs?size=100").then().statusCode(200).extract().jsonPath()
                .getList("items");
    }

    @Test
    void aBatchGivesEachSlotOneRunSkipsARunningFlowAndIgnoresAGoneOne() {
        FakeApi.shared().putFile("/files/batch.csv", "id\n1\n");
        UUID idle = flow("/files/batch.csv");
        UUID busy = flow("/slow.csv?ms=3000");
        String running = Api.startRun(busy.toString());
        Instant slot = Instant.now().truncatedTo(ChronoUnit.SECONDS);

        // The same slot twice in one batch, a flow that does not exist, and the busy flow's slot.
        runs.fire(List.of(new DueSlot(idle, slot), new DueSlot(busy, slot), new DueSlot(UUID.randomUUID(), slot),
                new DueSlot(idle, slot)));
        // Fired again later (a revived slot): nothing new.
        runs.fire(List.of(new DueSlot(idle, slot), new DueSlot(busy, slot)));

        List<Map<String, Object>> idleRuns = runsOf(idle);
        assertThat(idleRuns).singleElement().satisfies(run -> {
            assertThat(run.get("trigger")).isEqualTo("schedule");
            assertThat(Instant.parse((String) run.get("scheduledFor"))).isEqualTo(slot);
        });
        List<Map<String, Object>> scheduled = runsOf(busy).stream().filter(r -> "schedule".equals(r.get("trigger")))
                .toList();
        assertThat(scheduled).singleElement().satisfies(run -> assertThat(run.get("status")).isEqualTo("skipped"));
        Api.awaitRun(running);
    }

    @Test
    void twoNodesFiringTheSameBurstAtOnceGiveOneRunPerSlot() throws Exception {
        FakeApi.shared().putFile("/files/burst.csv", "id\n1\n");
        List<UUID> flows = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            flows.add(flow("/files/burst.csv"));
        }
        Instant slot = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        List<DueSlot> burst = flows.stream().map(f -> new DueSlot(f, slot)).toList();
        List<DueSlot> reversed = new ArrayList<>(burst);
        java.util.Collections.reverse(reversed);
        CyclicBarrier together = new CyclicBarrier(2);
        CompletableFuture<Void> first = CompletableFuture.runAsync(() -> fireAfter(together, burst));
        CompletableFuture<Void> second = CompletableFuture.runAsync(() -> fireAfter(together, reversed));
        CompletableFuture.allOf(first, second).get();
        for (UUID flow : flows) {
            assertThat(runsOf(flow)).as("flow %s", flow).singleElement()
                    .satisfies(run -> assertThat(Instant.parse((String) run.get("scheduledFor"))).isEqualTo(slot));
        }
    }

    private void fireAfter(CyclicBarrier together, List<DueSlot> slots) {
        try {
            together.await();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        runs.fire(slots);
    }
}
