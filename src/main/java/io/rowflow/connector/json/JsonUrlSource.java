package io.rowflow.connector.json;

import com.fasterxml.jackson.databind.JsonNode;
import io.rowflow.common.schema.ConfigSchema;
import io.rowflow.connector.ConnectorDescriptor;
import io.rowflow.connector.SourceConnector;
import io.rowflow.connector.SourceContext;
import io.rowflow.http.Origin;
import io.rowflow.pipeline.RecordSink;
import io.rowflow.pipeline.TextInference;
import jakarta.enterprise.context.ApplicationScoped;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads records from a JSON API, following its pagination: a next link (in the body or the Link header), offset and
 * limit, page numbers, or a cursor. Its settings become one {@link ApiRequest} and one {@link Paginator}, read by the
 * {@link Requester} the connector DSL reads with too.
 */
@ApplicationScoped
public class JsonUrlSource implements SourceConnector {
    public static final String ID = "json-url";
    private static final ConfigSchema SCHEMA = ConfigSchema.fromResource("schemas/json-url.json");

    @Override
    public ConnectorDescriptor descriptor() {
        return new ConnectorDescriptor(ID, "JSON from URL", "files", "none", SCHEMA.document(), List.of("records"));
    }

    @Override
    public ConfigSchema schema() {
        return SCHEMA;
    }

    @Override
    public Optional<Origin> origin(JsonNode config) {
        return Origin.parse(config == null ? null : config.path("url").asText(null));
    }

    @Override
    public TextInference textInference() {
        return TextInference.TEMPORAL_ONLY;
    }

    /** Reads every page the settings lead to, paged as {@code pagination} says. */
    @Override
    public void read(SourceContext context, RecordSink sink) {
        JsonNode config = SCHEMA.withDefaults(context.config());
        JsonNode pagination = config.path("pagination");
        new Requester(context).readPages(request(config), paginator(pagination),
                pagination.path("maxPages").asInt(Requester.MAX_PAGES), sink);
    }

    /** The request the settings describe; the settings' names and format are the REST API's and stay as they are. */
    private static ApiRequest request(JsonNode config) {
        return new ApiRequest(config.path("method").asText("GET"), URI.create(config.path("url").asText().trim()),
                texts(config.path("headers")), texts(config.path("query")), texts(config.path("secretQuery")),
                config.hasNonNull("body") ? config.get("body").asText() : null,
                config.path("recordsPath").asText("").trim());
    }

    /** The pagination settings as a paginator, with their defaults; a path left empty is not set. */
    static Paginator paginator(JsonNode pagination) {
        return switch (pagination.path("type").asText("none")) {
            case "next_link" -> new Paginator.NextLink(path(pagination, "nextLinkPath"));
            case "offset" -> new Paginator.Offset(pagination.path("pageSize").asInt(100),
                    pagination.path("offsetParam").asText("offset"), pagination.path("limitParam").asText("limit"),
                    path(pagination, "totalPath"), path(pagination, "lastPagePath"));
            case "page" -> new Paginator.PageNumber(pagination.path("pageSize").asInt(100),
                    pagination.path("pageParam").asText("page"), path(pagination, "pageSizeParam"),
                    pagination.path("startPage").asInt(1), path(pagination, "lastPagePath"));
            case "cursor" -> new Paginator.Cursor(path(pagination, "cursorPath"), pagination.path("cursorParam")
                    .asText(""), path(pagination, "cursorBodyPath"), path(pagination, "hasMorePath"));
            default -> Paginator.NONE;
        };
    }

    private static String path(JsonNode pagination, String field) {
        String path = pagination.path(field).asText("");
        return path.isBlank() ? null : path;
    }

    private static Map<String, String> texts(JsonNode object) {
        Map<String, String> texts = new LinkedHashMap<>();
        object.fields().forEachRemaining(e -> texts.put(e.getKey(), e.getValue().asText()));
        return texts;
    }
}
