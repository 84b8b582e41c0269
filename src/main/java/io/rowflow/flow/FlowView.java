package io.rowflow.flow;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

public record FlowView(UUID id, String name, List<FlowRequest.Source> sources, ObjectNode transform,
        List<FlowRequest.Destination> destinations, ObjectNode schedule, List<UUID> runAfter, String timeout,
        boolean onlyIfChanged,
        Integer retries,
        String emptyResult,
        Instant createdAt,
        Instant updatedAt) {
}
