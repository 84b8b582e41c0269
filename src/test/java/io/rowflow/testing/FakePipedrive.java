package io.rowflow.testing;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A stateful fake of Pipedrive for signing in with OAuth, from Pipedrive's public documentation:
 * <ul>
 * <li>OAuth (https://pipedrive.readme.io/docs/marketplace-oauth-authorization): the consent page at
 * {@code /oauth/authorize}, the token endpoint at {@code /oauth/token} taking the client as HTTP Basic, access tokens
 * that expire, refresh tokens, and {@code api_domain} (the company's own https://&lt;company&gt;.pipedrive.com) in every
 * token answer;</li>
 * <li>API v2 deals, persons, organizations and activities (https://developers.pipedrive.com/docs/api/v1/Deals#getDeals
 * and the other lists, v2 tab) paged by an opaque {@code cursor} with {@code limit} at most 500 and
 * {@code additional_data.next_cursor} null on the last page (https://pipedrive.readme.io/docs/core-api-concepts-pagination),
 * filtered by {@code updated_since}; the v1 field lists ({@code /api/v1/dealFields} and the others) naming each
 * one's custom field;</li>
 * <li>authentication by {@code Authorization: Bearer} or {@code x-api-token}
 * (https://pipedrive.readme.io/docs/core-api-concepts-authentication), 401 with Pipedrive's error body otherwise;
 * every answer with {@code x-ratelimit-limit}, {@code -remaining} and {@code -reset}
 * (https://pipedrive.readme.io/docs/core-api-concepts-rate-limiting).</li>
 * </ul>
 * Reached through {@code rowflow.connector.base-url.pipedrive}, which stands for whichever company address a
 * connection names; the Authorization header of each request is kept for tests to look at.
 */
public final class FakePipedrive implements QuarkusTestResourceLifecycleManager {
    public static final String CLIENT_ID = "rowflow-pipedrive-client";
    public static final String CLIENT_SECRET = "pipedrive-client-secret-0123456789";
    public static final String API_TOKEN = java.util.UUID.randomUUID().toString().replace("-", "") + "0a1b2c3d";
    /** The company's address Pipedrive's token answer names. */
    public static final String API_DOMAIN = "https://globex-sales.pipedrive.com";
    public static final int DEALS = 1_203;
    static final String CONTRACT_VALUE = "5f2d3c8e7a1b4d6f9e0c2b5a8d7f6e4c3b2a1d09";

    public final FakeAuthorizationServer oauth = new FakeAuthorizationServer(CLIENT_ID, CLIENT_SECRET, 3599, false,
            true, (code, message) -> Map.of("success", "false", "message", message, "error", code));
    /** The Authorization (or x-api-token) each API request came with, in order. */
    public final List<String> credentials = new CopyOnWriteArrayList<>();
    public final AtomicInteger refused = new AtomicInteger();
    /** The list requests made (the stream and the query), in order. */
    public final List<ListRequest> lists = new CopyOnWriteArrayList<>();
    private static FakePipedrive running;
    private final ObjectMapper json = new ObjectMapper();
    private HttpServer server;

    public static FakePipedrive running() {
        return running;
    }

    @Override
    public Map<String, String> start() {
        oauth.answerFields.put("api_domain", API_DOMAIN);
        server = FakeHttp.serve(this::handle);
        running = this;
        String base = FakeHttp.baseUrl(server);
        Map<String, String> settings = oauth.settings("pipedrive", base + "/oauth/authorize", base + "/oauth/token");
        settings.put("rowflow.connector.base-url.pipedrive", base);
        return settings;
    }

    @Override
    public void stop() {
        server.stop(0);
    }

    /**
     * What the fake lists for each incremental v2 stream: its list and field-list paths, how many items it starts
     * with, the field that names an item, and its custom field (a 40-character hash and its label; none for
     * activities, which v2 sends without custom_fields).
     */
    public record Kind(String stream, String path, String fieldsPath, int items, String nameField, String customKey,
            String customLabel) {
    }

    public static final List<Kind> KINDS = List.of(
            new Kind("deals", "/api/v2/deals", "/api/v1/dealFields", DEALS, "title", CONTRACT_VALUE, "Contract value"),
            new Kind("persons", "/api/v2/persons", "/api/v1/personFields", 612, "name",
                    "9a1b2c3d4e5f60718293a4b5c6d7e8f901234567", "Lead score"),
            new Kind("organizations", "/api/v2/organizations", "/api/v1/organizationFields", 505, "name",
                    "0f1e2d3c4b5a69788796a5b4c3d2e1f001234567", "Segment"),
            new Kind("activities", "/api/v2/activities", null, 730, "subject", null, null));

    public record ListRequest(String stream, Map<String, String> query) {
    }

    public static Kind kind(String stream) {
        return KINDS.stream().filter(k -> k.stream().equals(stream)).findFirst().orElseThrow();
    }

    /** Items changed or added since the start ({@link #change}, {@link #add}), as they are now, by stream and id. */
    private final Map<String, Map<Integer, ObjectNode>> changed = new java.util.concurrent.ConcurrentHashMap<>();
    private final Map<String, Integer> counts = new java.util.concurrent.ConcurrentHashMap<>();

    /** A deal renamed at {@code updateTime} (RFC 3339), as a user's edit in Pipedrive would. */
    public ObjectNode change(int id, String title, String updateTime) {
        return change("deals", id, title, updateTime);
    }

    /** An item of {@code stream} renamed at {@code updateTime} (RFC 3339), as a user's edit in Pipedrive would. */
    public synchronized ObjectNode change(String stream, int id, String name, String updateTime) {
        ObjectNode item = item(kind(stream), id).deepCopy().put(kind(stream).nameField(), name)
                .put("update_time", updateTime);
        changed.computeIfAbsent(stream, s -> new java.util.concurrent.ConcurrentHashMap<>()).put(id, item);
        return item;
    }

    /** A new deal, added (and so last updated) at {@code time}; its id follows the last one's. */
    public ObjectNode add(String title, String time) {
        return add("deals", title, time);
    }

    /** A new item of {@code stream}, added (and so last updated) at {@code time}; its id follows the last one's. */
    public synchronized ObjectNode add(String stream, String name, String time) {
        Kind kind = kind(stream);
        int id = counts.merge(stream, kind.items() + 1, (was, one) -> was + 1);
        ObjectNode item = item(kind, id).deepCopy().put(kind.nameField(), name).put("add_time", time)
                .put("update_time", time);
        changed.computeIfAbsent(stream, s -> new java.util.concurrent.ConcurrentHashMap<>()).put(id, item);
        return item;
    }

    /** How many items {@code stream} holds now. */
    public int count(String stream) {
        return counts.getOrDefault(stream, kind(stream).items());
    }

    /** Every deal as Pipedrive holds it now, by id. */
    public List<ObjectNode> deals() {
        List<ObjectNode> all = new java.util.ArrayList<>();
        for (int id = 1; id <= count("deals"); id++) {
            all.add(deal(id));
        }
        return all;
    }

    ObjectNode deal(int id) {
        return item(kind("deals"), id);
    }

    /**
     * Item {@code id} as API v2 lists it: a deal with money (every third with the "Contract value" money field empty),
     * a person with emails and phones as lists of {value, primary, label}, an organization, an activity.
     */
    ObjectNode item(Kind kind, int id) {
        ObjectNode current = changed.getOrDefault(kind.stream(), Map.of()).get(id);
        if (current != null) {
            return current;
        }
        ObjectNode item = json.createObjectNode().put("id", id);
        switch (kind.stream()) {
            case "deals" -> item.put("title", "Deal " + id).put("owner_id", 9001).put("value", id * 10)
                    .put("currency", "EUR").put("status", "open");
            case "persons" -> {
                item.put("name", "Person " + id).put("owner_id", 9001).put("org_id", id % 50 + 1);
                item.putArray("emails").addObject().put("value", "person" + id + "@example.org").put("primary", true)
                        .put("label", "work");
                item.putArray("phones").addObject().put("value", "+49 30 " + (1_000_000 + id)).put("primary", true)
                        .put("label", "work");
            }
            case "organizations" -> item.put("name", "Organization " + id).put("owner_id", 9001)
                    .put("address", id + " Example Street");
            default -> item.put("subject", "Call " + id).put("owner_id", 9001).put("type", "call")
                    .put("deal_id", id % 100 + 1).put("done", id % 2 == 0)
                    .put("due_date", "2026-03-" + String.format("%02d", id % 28 + 1));
        }
        item.put("add_time", String.format("2026-01-01T00:%02d:%02dZ", id / 60 % 60, id % 60))
                // 30 s apart, the last at 2026-02-01T00:00:00Z: a minute of lookback reads only the last few again.
                .put("update_time", java.time.Instant.parse("2026-02-01T00:00:00Z")
                        .minusSeconds(30L * (kind.items() - id)).toString());
        if (kind.customKey() != null) {
            ObjectNode custom = item.putObject("custom_fields");
            if (kind.stream().equals("deals")) {
                if (id % 3 == 0) {
                    custom.putNull(CONTRACT_VALUE);
                } else {
                    custom.putObject(CONTRACT_VALUE).put("value", new java.math.BigDecimal(id + ".25"))
                            .put("currency", "EUR");
                }
            } else if (kind.stream().equals("persons")) {
                custom.put(kind.customKey(), id % 100);
            } else {
                custom.put(kind.customKey(), "Segment " + id % 4);
            }
        }
        return item;
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getPath();
            if (path.equals("/oauth/authorize")) {
                oauth.authorize(exchange);
                return;
            }
            if (path.equals("/oauth/token")) {
                oauth.token(exchange);
                return;
            }
            String auth = exchange.getRequestHeaders().getFirst("Authorization");
            String apiToken = exchange.getRequestHeaders().getFirst("x-api-token");
            credentials.add(auth != null ? auth : "x-api-token " + apiToken);
            boolean bearerValid = auth != null && auth.startsWith("Bearer ")
                    && oauth.check(auth.substring(7)) == FakeAuthorizationServer.Access.VALID;
            if (!bearerValid && !API_TOKEN.equals(apiToken)) {
                refused.incrementAndGet();
                send(exchange, 401, json.createObjectNode().put("success", false).put("error", "unauthorized access")
                        .put("errorCode", 401).put("error_info", "Please check developers.pipedrive.com"));
                return;
            }
            Map<String, String> q = FakeHttp.query(exchange.getRequestURI().getRawQuery());
            Kind listed = KINDS.stream().filter(k -> k.path().equals(path)).findFirst().orElse(null);
            Kind fields = KINDS.stream().filter(k -> path.equals(k.fieldsPath())).findFirst().orElse(null);
            if (fields != null) {
                ObjectNode body = json.createObjectNode().put("success", true);
                ArrayNode data = body.putArray("data");
                data.addObject().put("id", 1).put("key", fields.nameField()).put("name", Character.toUpperCase(
                        fields.nameField().charAt(0)) + fields.nameField().substring(1)).put("field_type", "varchar");
                data.addObject().put("id", 12501).put("key", fields.customKey()).put("name", fields.customLabel())
                        .put("field_type", fields.stream().equals("deals") ? "monetary" : "varchar");
                body.putObject("additional_data").putObject("pagination").put("start", 0).put("limit", 500)
                        .put("more_items_in_collection", false);
                send(exchange, 200, body);
            } else if (listed != null) {
                lists.add(new ListRequest(listed.stream(), q));
                // By id; updated_since keeps those updated at or after it (RFC 3339), as the v2 reference says.
                int limit = Math.min(500, Integer.parseInt(q.getOrDefault("limit", "100")));
                int after = q.containsKey("cursor") ? Integer.parseInt(new String(Base64.getUrlDecoder().decode(
                        q.get("cursor")), StandardCharsets.UTF_8).replace(listed.stream() + ":", "")) : 0;
                java.time.Instant since = q.containsKey("updated_since")
                        ? java.time.Instant.parse(q.get("updated_since")) : null;
                ObjectNode body = json.createObjectNode().put("success", true);
                ArrayNode data = body.putArray("data");
                int total = count(listed.stream());
                int last = after;
                while (last < total && data.size() < limit) {
                    ObjectNode item = item(listed, ++last);
                    if (since == null || !java.time.Instant.parse(item.get("update_time").asText()).isBefore(since)) {
                        data.add(item);
                    }
                }
                ObjectNode additional = body.putObject("additional_data");
                if (last < total) {
                    additional.put("next_cursor", Base64.getUrlEncoder().withoutPadding().encodeToString((
                            listed.stream() + ":" + last).getBytes(StandardCharsets.UTF_8)));
                } else {
                    additional.putNull("next_cursor");
                }
                send(exchange, 200, body);
            } else {
                send(exchange, 404, json.createObjectNode().put("success", false).put("error", "Unknown method .")
                        .put("errorCode", 404));
            }
        }
    }

    private void send(HttpExchange exchange, int status, Object body) throws IOException {
        FakeHttp.json(exchange, status, body, Map.of("x-ratelimit-limit", "80", "x-ratelimit-remaining", "79",
                "x-ratelimit-reset", "2"));
    }
}
