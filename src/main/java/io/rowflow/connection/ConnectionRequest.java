package io.rowflow.connection;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.rowflow.common.validation.PlainText;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;

/**
 * What a client sends to create or change a connection. {@code config} holds every setting the connector's schema
 * lists, secrets included; on update, a secret left out keeps its stored value. {@code shared}: whether the workspace's members may see and
 * use it (default: private to its creator).
 */
public record ConnectionRequest(
        @NotBlank @Size(max = 200) @PlainText String name,
        @NotBlank String connectorId,
        ObjectNode config,
        Boolean shared) {
}
