package io.rowflow.testing;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.LongPredicate;

/**
 * A stateful fake of Stripe's list of charges, from Stripe's public reference:
 * <ul>
 * <li>pagination (https://docs.stripe.com/api/pagination): {@code limit} 1 to 100, 10 when not given;
 * {@code starting_after} / {@code ending_before} take an object's id and may not both be given; the answer is
 * {@code {object: "list", url, has_more, data}} with the newest objects first;</li>
 * <li>the charge list's filter on creation (https://docs.stripe.com/api/charges/list): {@code created[gt]},
 * {@code created[gte]}, {@code created[lt]}, {@code created[lte]} in Unix seconds;</li>
 * <li>charges (https://docs.stripe.com/api/charges/object): {@code created} in Unix seconds, amounts as whole numbers
 * of the currency's minor unit, lower-case currency codes;</li>
 * <li>authentication with the key as Bearer (https://docs.stripe.com/api/authentication), 401 and Stripe's error body
 * (https://docs.stripe.com/api/errors) otherwise; a bad parameter is a 400 {@code invalid_request_error}.</li>
 * </ul>
 * Charges are created by the test with the creation time it chooses, so reads can be made around new ones.
 */
public final class FakeStripe implements AutoCloseable {
    private final ObjectMapper json = new ObjectMapper();
    private final String key;
    private final HttpServer server;
    /** Every charge, in the order created (the newest last). */
    private final List<ObjectNode> charges = new CopyOnWriteArrayList<>();
    /** The query of every list request, in order. */
    public final List<Map<String, String>> requests = new CopyOnWriteArrayList<>();
    private int sequence;

    public FakeStripe(String key) {
        this.key = key;
        this.server = FakeHttp.serve(this::handle);
    }

    public String baseUrl() {
        return FakeHttp.baseUrl(server);
    }

    /** A new charge of {@code amount} minor units of {@code currency}, created at {@code created} (Unix seconds). */
    public synchronized ObjectNode charge(long amount, String currency, long created) {
        sequence++;
        ObjectNode charge = json.createObjectNode().put("id", String.format("ch_3Fake%018d", sequence))
                .put("object", "charge").put("amount", amount).put("amount_captured", amount)
                .put("amount_refunded", sequence % 7 == 0 ? amount / 2 : 0).putNull("application_fee_amount")
                .put("captured", true).put("created", created).put("currency", currency)
                .put("customer", "cus_Fake" + (sequence % 13)).put("livemode", false).put("paid", true)
                .put("refunded", false).put("status", "succeeded").put("description", "Order #" + sequence);
        charge.putObject("metadata");
        charges.add(charge);
        return charge;
    }

    /** Every charge as Stripe holds it now, newest first. */
    public List<ObjectNode> all() {
        return newestFirst();
    }

    private synchronized List<ObjectNode> newestFirst() {
        List<ObjectNode> sorted = new ArrayList<>(charges);
        java.util.Collections.reverse(sorted); // later created later in the list: reversed, newest first
        sorted.sort((a, b) -> Long.compare(b.get("created").asLong(), a.get("created").asLong())); // stable
        return sorted;
    }

    @Override
    public void close() {
        server.stop(0);
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            if (!("Bearer " + key).equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
                error(exchange, 401, "Invalid API Key provided: " + key.substring(0, 8) + "****", null);
                return;
            }
            if (!exchange.getRequestURI().getPath().equals("/v1/charges")) {
                error(exchange, 404, "Unrecognized request URL (GET: " + exchange.getRequestURI().getPath() + ").",
                        null);
                return;
            }
            Map<String, String> q = FakeHttp.query(exchange.getRequestURI().getRawQuery());
            requests.add(q);
            int limit;
            try {
                limit = Integer.parseInt(q.getOrDefault("limit", "10"));
            } catch (NumberFormatException e) {
                error(exchange, 400, "Invalid integer: " + q.get("limit"), "limit");
                return;
            }
            if (limit < 1 || limit > 100) {
                error(exchange, 400, "This value must be between 1 and 100 (it currently is " + limit + ").", "limit");
                return;
            }
            if (q.containsKey("starting_after") && q.containsKey("ending_before")) {
                error(exchange, 400, "You may only specify one of these parameters: ending_before, starting_after.",
                        "starting_after");
                return;
            }
            LongPredicate created = t -> true;
            for (String op : List.of("gt", "gte", "lt", "lte")) {
                String value = q.get("created[" + op + "]");
                if (value == null) {
                    continue;
                }
                long bound;
                try {
                    bound = Long.parseLong(value);
                } catch (NumberFormatException e) {
                    error(exchange, 400, "Invalid integer: " + value, "created[" + op + "]");
                    return;
                }
                created = created.and(switch (op) {
                    case "gt" -> t -> t > bound;
                    case "gte" -> t -> t >= bound;
                    case "lt" -> t -> t < bound;
                    default -> t -> t <= bound;
                });
            }
            LongPredicate filter = created;
            List<ObjectNode> listed = newestFirst().stream().filter(c -> filter.test(c.get("created").asLong()))
                    .toList();
            int from = 0;
            int to = listed.size();
            if (q.containsKey("starting_after") || q.containsKey("ending_before")) {
                String id = q.containsKey("starting_after") ? q.get("starting_after") : q.get("ending_before");
                int at = -1;
                for (int i = 0; i < listed.size(); i++) {
                    if (listed.get(i).get("id").asText().equals(id)) {
                        at = i;
                    }
                }
                if (at < 0) {
                    error(exchange, 400, "No such charge: '" + id + "'", q.containsKey("starting_after")
                            ? "starting_after" : "ending_before");
                    return;
                }
                if (q.containsKey("starting_after")) {
                    from = at + 1;
                } else {
                    to = at;
                    from = Math.max(0, at - limit);
                }
            }
            List<ObjectNode> page = listed.subList(from, Math.min(to, from + limit));
            ObjectNode body = json.createObjectNode().put("object", "list").put("url", "/v1/charges")
                    .put("has_more", from + page.size() < to);
            ArrayNode data = body.putArray("data");
            page.forEach(data::add);
            FakeHttp.json(exchange, 200, body, Map.of("Request-Id", "req_fake" + requests.size()));
        }
    }

    private void error(HttpExchange exchange, int status, String message, String param) throws IOException {
        ObjectNode error = json.createObjectNode();
        ObjectNode inner = error.putObject("error").put("type", "invalid_request_error").put("message", message);
        if (param != null) {
            inner.put("param", param);
        }
        FakeHttp.json(exchange, status, error, Map.of());
    }
}
