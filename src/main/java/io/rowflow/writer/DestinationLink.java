package io.rowflow.writer;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.Optional;
import java.util.UUID;

/** Where a user opens what a destination holds (a spreadsheet, a workbook to download, an address), in words. */
public record DestinationLink(String href, String label) {

    /**
     * What a writer knows to say where its destination is: the flow, the destination's place and settings, the folder
     * its files are kept in, and Rowflow's absolute address when it is known.
     */
    public record Request(UUID flowId, int index, JsonNode settings, Path folder, Optional<String> publicBase) {
    }
}
