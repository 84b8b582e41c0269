package io.rowflow.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Airtable's metadata API as its reference documents it: list bases (https://airtable.com/developers/web/api/list-bases,
 * {bases: [{id, name, permissionLevel}], offset while more follow, sent back as ?offset=) and get base schema
 * (https://airtable.com/developers/web/api/get-base-schema, {tables: [{id, name, primaryFieldId, fields, views}]}).
 * Both need the schema.bases:read scope: {@link #RECORDS_ONLY_TOKEN} lacks it and gets Airtable's 403
 * (https://airtable.com/developers/web/api/errors), as does a base the token cannot see; any other token gets 401.
 * The bases come in two pages (Airtable's pages are 1000 long; two suffice to prove the offset is followed). Ids and
 * names made up. Reached through {@code rowflow.connector.base-url.airtable}.
 */
public final class FakeAirtable implements QuarkusTestResourceLifecycleManager {
    /** A personal access token with data.records:read and schema.bases:read. */
    public static final String TOKEN = "patFakeSchema01.0123456789abcdef0123456789abcdef";
    /** A personal access token with data.records:read only. */
    public static final String RECORDS_ONLY_TOKEN = "patFakeRecords1.fedcba9876543210fedcba9876543210";
    public static final String OFFSET = "itrQ2fG8hJ4kL6mN0/appB2cD3eF4gH5iJ6";
    public static final String DESIGN_BASE = "appA1bC2dE3fG4hI5";

    private static FakeAirtable running;
    private HttpServer server;
    /** Each request's path and its decoded query ("/v0/meta/bases {offset=…}"), in the order they came. */
    public final List<String> requests = new CopyOnWriteArrayList<>();

    public static FakeAirtable running() {
        return running;
    }

    @Override
    public Map<String, String> start() {
        server = FakeHttp.serve(this::handle);
        running = this;
        return Map.of("rowflow.connector.base-url.airtable", FakeHttp.baseUrl(server));
    }

    @Override
    public void stop() {
        server.stop(0);
    }

    private static final Map<String, Object> REFUSED = Map.of("error", Map.of("type",
            "INVALID_PERMISSIONS_OR_MODEL_NOT_FOUND", "message", "Invalid permissions, or the requested model was not"
                    + " found. Check that both your user and your token have the required permissions, and that the"
                    + " model names and/or ids are correct."));

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getPath();
            String rawQuery = exchange.getRequestURI().getRawQuery();
            requests.add(path + (rawQuery == null ? "" : " " + FakeHttp.query(rawQuery)));
            String auth = exchange.getRequestHeaders().getFirst("Authorization");
            if (auth == null || !(auth.equals("Bearer " + TOKEN) || auth.equals("Bearer " + RECORDS_ONLY_TOKEN))) {
                FakeHttp.json(exchange, 401, Map.of("error", Map.of("type", "AUTHENTICATION_REQUIRED", "message",
                        "Authentication required")), Map.of());
                return;
            }
            if (auth.equals("Bearer " + RECORDS_ONLY_TOKEN) && path.startsWith("/v0/meta/")) {
                FakeHttp.json(exchange, 403, REFUSED, Map.of());
                return;
            }
            String offset = FakeHttp.query(rawQuery).get("offset");
            if (path.equals("/v0/meta/bases") && offset == null) {
                FakeHttp.json(exchange, 200, Map.of("bases", List.of(
                        Map.of("id", DESIGN_BASE, "name", "Design studio", "permissionLevel", "create"),
                        Map.of("id", "appZ9yX8wV7uT6sR5", "name", "Hiring", "permissionLevel", "read")),
                        "offset", OFFSET), Map.of());
            } else if (path.equals("/v0/meta/bases") && offset.equals(OFFSET)) {
                FakeHttp.json(exchange, 200, Map.of("bases", List.of(
                        Map.of("id", "appM1nO2pQ3rS4tU5", "name", "Événements 2026", "permissionLevel", "edit"))),
                        Map.of());
            } else if (path.equals("/v0/meta/bases/" + DESIGN_BASE + "/tables")) {
                FakeHttp.json(exchange, 200, Map.of("tables", List.of(
                        table("tblq9WYhSd1YEeGCn", "Design projects", List.of(
                                Map.of("id", "viwAll0Projects01", "name", "All projects", "type", "grid"),
                                Map.of("id", "viwKanban0Stage01", "name", "By stage", "type", "kanban"))),
                        table("tblR7sT8uV9wX0yZ1", "Clients", List.of(
                                Map.of("id", "viwGrid00Clients1", "name", "Grid view", "type", "grid"))))), Map.of());
            } else {
                FakeHttp.json(exchange, 403, REFUSED, Map.of());
            }
        }
    }

    private static Map<String, Object> table(String id, String name, List<Map<String, String>> views) {
        return Map.of("id", id, "name", name, "primaryFieldId", "fld" + id.substring(3), "fields", List.of(Map.of(
                "id", "fld" + id.substring(3), "name", "Name", "type", "singleLineText")), "views", views);
    }
}
