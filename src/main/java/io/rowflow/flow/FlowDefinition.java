package io.rowflow.flow;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/** What is stored as a flow's JSON definition. */
public record FlowDefinition(List<FlowRequest.Source> sources, ObjectNode transform, List<FlowRequest.Destination> destinations,
        ObjectNode schedule, String timeout, Boolean onlyIfChanged, Integer retries) {
    public boolean skipsUnchanged() {
        return Boolean.TRUE.equals(onlyIfChanged);
    }

}
