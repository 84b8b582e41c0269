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
 * <li>API v2 deals (https://developers.pipedrive.com/docs/api/v1/Deals#getDeals, v2 tab) paged by an opaque
 * {@code cursor} with {@code limit} at most 500 and {@code additional_data.next_cursor} null on the last page
 * (https://pipedrive.readme.io/docs/core-api-concepts-pagination); the v1 field list {@code /api/v1/dealFields};</li>
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

    /** Deals changed or added since the start ({@link #change}, {@link #add}), as they are now. */
    private final Map<Integer, ObjectNode> changed = new java.util.concurrent.ConcurrentHashMap<>();
    private volatile int count = DEALS;

    /** A deal renamed at {@code updateTime} (RFC 3339), as a user's edit in Pipedrive would. */
    public synchronized ObjectNode change(int id, String title, String updateTime) {
        ObjectNode deal = deal(id).deepCopy().put("title", title).put("update_time", updateTime);
        changed.put(id, deal);
        return deal;
    }

    /** A new deal, added (and so last updated) at {@code time}; its id follows the last one's. */
    public synchronized ObjectNode add(String title, String time) {
        int id = ++count;
        ObjectNode deal = deal(id).deepCopy().put("title", title).put("add_time", time).put("update_time", time);
        changed.put(id, deal);
        return deal;
    }

    /** Every deal as Pipedrive holds it now, by id. */
    public List<ObjectNode> deals() {
        List<ObjectNode> all = new java.util.ArrayList<>();
        for (int id = 1; id <= count; id++) {
            all.add(deal(id));
        }
        return all;
    }

    /** Deal {@code id} as API v2 lists it; every third has the "Contract value" money field empty. */
    ObjectNode deal(int id) {
        ObjectNode current = changed.get(id);
        if (current != null) {
            return current;
        }
        ObjectNode deal = json.createObjectNode().put("id", id).put("title", "Deal " + id).put("owner_id", 9001)
                .put("value", id * 10).put("currency", "EUR").put("status", "open")
                .put("add_time", String.format("2026-01-01T00:%02d:%02dZ", id / 60 % 60, id % 60))
                .put("update_time", "2026-02-01T00:00:00Z");
        ObjectNode custom = deal.putObject("custom_fields");
        if (id % 3 == 0) {
            custom.putNull(CONTRACT_VALUE);
        } else {
            custom.putObject(CONTRACT_VALUE).put("value", new java.math.BigDecimal(id + ".25")).put("currency", "EUR");
        }
        return deal;
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
            switch (path) {
                case "/api/v1/dealFields" -> {
                    ObjectNode body = json.createObjectNode().put("success", true);
                    ArrayNode data = body.putArray("data");
                    data.addObject().put("id", 1).put("key", "title").put("name", "Title").put("field_type", "varchar");
                    data.addObject().put("id", 12501).put("key", CONTRACT_VALUE).put("name", "Contract value")
                            .put("field_type", "monetary");
                    body.putObject("additional_data").putObject("pagination").put("start", 0).put("limit", 500)
                            .put("more_items_in_collection", false);
                    send(exchange, 200, body);
                }
                case "/api/v2/deals" -> {
                    // By id; updated_since keeps those updated at or after it (RFC 3339), as the v2 reference says.
                    int limit = Math.min(500, Integer.parseInt(q.getOrDefault("limit", "100")));
                    int after = q.containsKey("cursor") ? Integer.parseInt(new String(Base64.getUrlDecoder().decode(
                            q.get("cursor")), StandardCharsets.UTF_8).replace("deal:", "")) : 0;
                    java.time.Instant since = q.containsKey("updated_since")
                            ? java.time.Instant.parse(q.get("updated_since")) : null;
                    ObjectNode body = json.createObjectNode().put("success", true);
                    ArrayNode data = body.putArray("data");
                    int total = count;
                    int last = after;
                    while (last < total && data.size() < limit) {
                        ObjectNode deal = deal(++last);
                        if (since == null || !java.time.Instant.parse(deal.get("update_time").asText()).isBefore(since)) {
                            data.add(deal);
                        }
                    }
                    ObjectNode additional = body.putObject("additional_data");
                    if (last < total) {
                        additional.put("next_cursor", Base64.getUrlEncoder().withoutPadding().encodeToString(("deal:"
                                + last).getBytes(StandardCharsets.UTF_8)));
                    } else {
                        additional.putNull("next_cursor");
                    }
                    send(exchange, 200, body);
                }
                default -> send(exchange, 404, json.createObjectNode().put("success", false).put("error",
                        "Unknown method .").put("errorCode", 404));
            }
        }
    }

    private void send(HttpExchange exchange, int status, Object body) throws IOException {
        FakeHttp.json(exchange, status, body, Map.of("x-ratelimit-limit", "80", "x-ratelimit-remaining", "79",
                "x-ratelimit-reset", "2"));
    }
}
