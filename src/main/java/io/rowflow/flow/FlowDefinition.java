package io.rowflow.flow;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/** What is stored as a flow's JSON definition. */
public record FlowDefinition(List<FlowRequest.Source> sources, ObjectNode transform, List<FlowRequest.Destination> destinations,
        ObjectNode schedule, String timeout, Boolean onlyIfChanged, Integer retries, String emptyResult) {
    public boolean skipsUnchanged() {
        return Boolean.TRUE.equals(onlyIfChanged);
    }

    /**
     * Whether a run that read no rows writes an empty table. By default it does not: an empty answer is more often an
     * upstream hiccup (an expired export, a filter gone wrong) than real, and wiping a sheet BI tools read is worse.
     */
    public boolean writesEmptyResult() {
        return "write".equals(emptyResult);
    }

}
