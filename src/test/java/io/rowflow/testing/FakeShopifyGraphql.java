package io.rowflow.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.LongSupplier;

/**
 * A stateful stand-in for one shop's GraphQL Admin API, shaped as Shopify documents it (apis.md §6): one POST
 * endpoint taking {query, variables}; a connection answered as {@code data.products.edges[].node} with
 * {@code pageInfo {hasNextPage, endCursor}} and opaque cursors; and every answer's {@code extensions.cost} from a
 * leaky bucket of points that refills at {@code restoreRate} per second on the clock it is given (a test's, so no
 * one sleeps). A query asking more points than the bucket holds is answered as Shopify does: 200, THROTTLED, no data.
 */
public final class FakeShopifyGraphql implements AutoCloseable {
    public static final String TOKEN = "shpat_fake_0a1b2c3d";
    public static final String PATH = "/admin/api/2025-01/graphql.json";

    private final ObjectMapper json = new ObjectMapper();
    private final HttpServer server;
    private final LongSupplier nanoClock;
    private final double maximum;
    private final double restoreRate;
    private final int requestedCost;
    private final int actualCost;
    private final List<ObjectNode> products = new ArrayList<>();
    private final Map<String, Integer> cursors = new ConcurrentHashMap<>();
    /** Every request body received, in order. */
    public final List<JsonNode> requests = new CopyOnWriteArrayList<>();
    public final List<String> contentTypes = new CopyOnWriteArrayList<>();
    private int throttled;
    private double available;
    private long updatedAt;

    public FakeShopifyGraphql(int productCount, double maximum, double restoreRate, int requestedCost, int actualCost,
            LongSupplier nanoClock) {
        this.nanoClock = nanoClock;
        this.maximum = maximum;
        this.restoreRate = restoreRate;
        this.requestedCost = requestedCost;
        this.actualCost = actualCost;
        this.available = maximum;
        this.updatedAt = nanoClock.getAsLong();
        for (int i = 1; i <= productCount; i++) {
            products.add(product(i));
        }
        server = FakeHttp.serve(this::handle);
    }

    /** The products in the shop's order, as the API's nodes. */
    public List<ObjectNode> products() {
        return products;
    }

    public String root() {
        return FakeHttp.baseUrl(server);
    }

    public synchronized int throttled() {
        return throttled;
    }

    private ObjectNode product(int i) {
        ObjectNode node = json.createObjectNode();
        node.put("id", "gid://shopify/Product/" + (7_000_000_000L + i));
        node.put("title", i % 3 == 0 ? "Größe \"XL\" Hoodie " + i : "Tee " + i);
        node.put("handle", "tee-" + i);
        node.put("status", i % 4 == 0 ? "DRAFT" : "ACTIVE");
        node.put("totalInventory", i * 7);
        node.put("createdAt", String.format("2024-03-%02dT09:15:00Z", i));
        ObjectNode price = node.putObject("priceRangeV2").putObject("minVariantPrice");
        price.put("amount", String.format("%d.99", 10 + i));
        price.put("currencyCode", "EUR");
        return node;
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            if (!exchange.getRequestMethod().equals("POST") || !exchange.getRequestURI().getPath().equals(PATH)) {
                FakeHttp.json(exchange, 404, Map.of("errors", "Not Found"), Map.of());
                return;
            }
            if (!TOKEN.equals(exchange.getRequestHeaders().getFirst("X-Shopify-Access-Token"))) {
                FakeHttp.json(exchange, 401, Map.of("errors", "[API] Invalid API key or access token (unrecognized"
                        + " login or wrong password)"), Map.of());
                return;
            }
            JsonNode body = json.readTree(exchange.getRequestBody());
            requests.add(body);
            contentTypes.add(exchange.getRequestHeaders().getFirst("Content-Type"));
            FakeHttp.json(exchange, 200, answer(body), Map.of());
        }
    }

    private synchronized ObjectNode answer(JsonNode body) {
        long now = nanoClock.getAsLong();
        available = Math.min(maximum, available + restoreRate * (now - updatedAt) / 1e9);
        updatedAt = now;
        ObjectNode out = json.createObjectNode();
        if (available < requestedCost) {
            throttled++;
            ObjectNode error = out.putArray("errors").addObject();
            error.put("message", "Throttled");
            error.putObject("extensions").put("code", "THROTTLED");
            cost(out, null);
            return out;
        }
        available -= actualCost;
        int first = body.path("variables").path("first").asInt(50);
        JsonNode cursor = body.path("variables").path("cursor");
        int from = cursor.isMissingNode() || cursor.isNull() ? 0 : cursors.getOrDefault(cursor.asText(), -1);
        if (from < 0) {
            ObjectNode error = out.putArray("errors").addObject();
            error.put("message", "Invalid cursor for current pagination sort.");
            return out;
        }
        int to = Math.min(products.size(), from + first);
        ObjectNode connection = out.putObject("data").putObject("products");
        ArrayNode edges = connection.putArray("edges");
        String endCursor = null;
        for (int i = from; i < to; i++) {
            endCursor = UUID.randomUUID().toString().replace("-", "");
            cursors.put(endCursor, i + 1);
            ObjectNode edge = edges.addObject();
            edge.put("cursor", endCursor);
            edge.set("node", products.get(i));
        }
        ObjectNode pageInfo = connection.putObject("pageInfo");
        pageInfo.put("hasNextPage", to < products.size());
        pageInfo.put("endCursor", endCursor);
        cost(out, actualCost);
        return out;
    }

    private void cost(ObjectNode out, Integer actual) {
        ObjectNode cost = out.putObject("extensions").putObject("cost");
        cost.put("requestedQueryCost", requestedCost);
        if (actual == null) {
            cost.putNull("actualQueryCost");
        } else {
            cost.put("actualQueryCost", actual);
        }
        ObjectNode status = cost.putObject("throttleStatus");
        status.put("maximumAvailable", maximum);
        status.put("currentlyAvailable", (long) Math.floor(available));
        status.put("restoreRate", restoreRate);
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
