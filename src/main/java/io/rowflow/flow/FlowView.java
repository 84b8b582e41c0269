package io.rowflow.flow;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.rowflow.schedule.Schedule;
import io.rowflow.transform.Transform;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

public record FlowView(UUID id, String name, List<FlowRequest.Source> sources,
        @Schema(implementation = Transform.class) ObjectNode transform,
        List<FlowRequest.Destination> destinations, @Schema(implementation = Schedule.class) ObjectNode schedule,
        List<UUID> runAfter, String timeout,
        boolean onlyIfChanged,
        Integer retries,
        String emptyResult,
        Instant createdAt,
        Instant updatedAt) {
}
