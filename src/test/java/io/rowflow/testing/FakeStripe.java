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
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.LongPredicate;
import java.util.function.Predicate;

/**
 * A stateful fake of Stripe's list endpoints, from Stripe's public reference:
 * <ul>
 * <li>pagination (https://docs.stripe.com/api/pagination): {@code limit} 1 to 100, 10 when not given;
 * {@code starting_after} / {@code ending_before} take an object's id and may not both be given; the answer is
 * {@code {object: "list", url, has_more, data}} with the newest objects first;</li>
 * <li>each list's filter on creation ({@code created[gt]}, {@code created[gte]}, {@code created[lt]},
 * {@code created[lte]}, or {@code created} itself, in Unix seconds) and its own filters (below, per resource); a
 * parameter a list does not take is a 400 "Received unknown parameter", as Stripe answers;</li>
 * <li>subscriptions (https://docs.stripe.com/api/subscriptions/list): without {@code status}, canceled ones are left
 * out; {@code status=all} lists every one, {@code ended} the canceled and expired ones;</li>
 * <li>the objects (https://docs.stripe.com/api/charges/object, /customers/object, /invoices/object,
 * /subscriptions/object, /payouts/object, /balance_transactions/object, /refunds/object, /products/object,
 * /prices/object): their id prefixes, {@code created} and other times in Unix seconds, amounts as whole numbers of
 * the currency's minor unit (a price's {@code unit_amount_decimal} as decimal text of it), lower-case currency
 * codes;</li>
 * <li>authentication with the key as Bearer (https://docs.stripe.com/api/authentication), 401 and Stripe's error body
 * (https://docs.stripe.com/api/errors) otherwise; a bad parameter is a 400 {@code invalid_request_error}.</li>
 * </ul>
 * Objects are created by the test with the creation time it chooses, so reads can be made around new ones.
 */
public final class FakeStripe implements AutoCloseable {
    /** A list endpoint: its object's name, id prefix, and the filters it takes (parameter → the field compared). */
    private record Resource(String object, String prefix, Map<String, String> filters) {
    }

    /** What /v1/{resource} lists; the filters are those of each list's reference page that match a field. */
    private static final Map<String, Resource> RESOURCES = Map.of(
            "charges", new Resource("charge", "ch_3Fake", Map.of("customer", "customer",
                    "payment_intent", "payment_intent")),
            "customers", new Resource("customer", "cus_Fake", Map.of("email", "email")),
            "invoices", new Resource("invoice", "in_1Fake", Map.of("customer", "customer", "status", "status",
                    "subscription", "subscription", "collection_method", "collection_method")),
            "subscriptions", new Resource("subscription", "sub_1Fake", Map.of("customer", "customer",
                    "collection_method", "collection_method")),
            "payouts", new Resource("payout", "po_1Fake", Map.of("status", "status", "destination", "destination")),
            "balance_transactions", new Resource("balance_transaction", "txn_1Fake", Map.of("type", "type",
                    "currency", "currency", "source", "source")),
            "refunds", new Resource("refund", "re_3Fake", Map.of("charge", "charge",
                    "payment_intent", "payment_intent")),
            "products", new Resource("product", "prod_Fake", Map.of("active", "active", "shippable", "shippable")),
            "prices", new Resource("price", "price_1Fake", Map.of("active", "active", "currency", "currency",
                    "product", "product", "type", "type")));
    private static final List<String> SUBSCRIPTION_STATUSES = List.of("active", "all", "canceled", "ended",
            "incomplete", "incomplete_expired", "past_due", "paused", "trialing", "unpaid");
    /** Currencies objects are made in by turns: two-decimal, zero-decimal (JPY) and three-decimal (KWD) ones. */
    private static final java.util.Set<String> PAGING = java.util.Set.of("limit", "starting_after", "ending_before");
    private static final String[] CURRENCIES = { "usd", "eur", "jpy", "kwd", "gbp" };

    private final ObjectMapper json = new ObjectMapper();
    private final String key;
    private final HttpServer server;
    /** Every object of each resource, in the order created (the newest last). */
    private final Map<String, List<ObjectNode>> objects = new ConcurrentHashMap<>();
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

    /** Whether /v1/{resource} is a list this fake serves. */
    public static boolean serves(String resource) {
        return RESOURCES.containsKey(resource);
    }

    /** A new charge of {@code amount} minor units of {@code currency}, created at {@code created} (Unix seconds). */
    public synchronized ObjectNode charge(long amount, String currency, long created) {
        ObjectNode charge = object("charges", created).put("amount", amount).put("amount_captured", amount)
                .put("amount_refunded", sequence % 7 == 0 ? amount / 2 : 0).putNull("application_fee_amount")
                .put("captured", true).put("currency", currency)
                .put("customer", "cus_Fake" + (sequence % 13)).put("paid", true)
                .put("payment_intent", "pi_3Fake" + sequence).put("refunded", false).put("status", "succeeded")
                .put("description", "Order #" + sequence);
        return add("charges", charge);
    }

    /**
     * A new object of {@code resource} (charges, customers, invoices…) created at {@code created} (Unix seconds),
     * shaped as Stripe's reference shows that object; amounts, currencies and states vary from one to the next.
     */
    public synchronized ObjectNode create(String resource, long created) {
        if (resource.equals("charges")) {
            int n = sequence + 1;
            return charge(100 + n * 37L, CURRENCIES[n % CURRENCIES.length], created);
        }
        if (!RESOURCES.containsKey(resource)) {
            throw new IllegalArgumentException("The fake does not keep " + resource);
        }
        ObjectNode o = object(resource, created);
        int n = sequence;
        String currency = CURRENCIES[n % CURRENCIES.length];
        long amount = 250 + n * 41L;
        switch (resource) {
            case "customers" -> {
                // No currency (and a balance of 0) until first billed; a negative balance is a credit.
                boolean billed = n % 4 != 0;
                o.putNull("address").put("balance", billed ? -(n % 3) * 500L : 0);
                if (billed) {
                    o.put("currency", currency);
                } else {
                    o.putNull("currency");
                }
                o.putNull("default_source").put("delinquent", n % 9 == 0).put("description", "Customer " + n)
                        .putNull("discount").put("email", "customer" + n + "@example.org")
                        .put("invoice_prefix", String.format("FAKE%04d", n));
                o.putObject("invoice_settings").putNull("custom_fields").putNull("default_payment_method")
                        .putNull("footer").putNull("rendering_options");
                o.put("name", "Customer Nº" + n).put("next_invoice_sequence", 1 + n % 5)
                        .put("phone", n % 2 == 0 ? "+4930" + (1_000_000 + n) : null);
                o.putArray("preferred_locales").add("de-DE");
                o.putNull("shipping").put("tax_exempt", "none").putNull("test_clock");
            }
            case "invoices" -> {
                // Paid, or open (unpaid and still to be attempted) for every fifth; a discount on every third.
                boolean paid = n % 5 != 0;
                long discount = n % 3 == 0 ? amount / 10 : 0;
                long tax = amount / 5;
                long total = amount - discount + tax;
                long starting = -(n % 2) * 100L;
                long due = Math.max(0, total + starting);
                o.put("account_country", "DE").put("account_name", "Rowflow Test GmbH")
                        .put("amount_due", due).put("amount_paid", paid ? due : 0)
                        .put("amount_remaining", paid ? 0 : due).put("amount_shipping", 0)
                        .put("attempt_count", 1).put("attempted", true).put("auto_advance", !paid)
                        .put("billing_reason", "subscription_cycle").put("collection_method", "charge_automatically")
                        .put("currency", currency).put("customer", "cus_Fake" + (n % 13))
                        .put("customer_email", "customer" + (n % 13) + "@example.org").putNull("due_date")
                        .put("effective_at", created + 60).put("ending_balance", Math.min(0, total + starting))
                        .put("hosted_invoice_url", "https://invoice.stripe.com/i/acct_Fake/test_" + n)
                        .put("next_payment_attempt", paid ? null : created + 3 * 86_400L)
                        .put("number", String.format("FAKE-%04d", n)).put("period_end", created)
                        .put("period_start", created - 30 * 86_400L).put("post_payment_credit_notes_amount", 0)
                        .put("pre_payment_credit_notes_amount", 0).put("starting_balance", starting)
                        .put("status", paid ? "paid" : "open").put("subscription", "sub_1Fake" + (n % 17))
                        .put("subtotal", amount).put("subtotal_excluding_tax", amount).put("total", total)
                        .put("total_excluding_tax", total - tax).put("webhooks_delivered_at", created + 5);
                o.putObject("status_transitions").put("finalized_at", created + 60).putNull("marked_uncollectible_at")
                        .put("paid_at", paid ? created + 120 : null).putNull("voided_at");
            }
            case "subscriptions" -> {
                // Canceled ones every sixth (listed only with status=all or ended), trials every fourth.
                boolean canceled = n % 6 == 0;
                boolean trial = n % 4 == 0;
                o.put("billing_cycle_anchor", created).putNull("cancel_at").put("cancel_at_period_end", false)
                        .put("canceled_at", canceled ? created + 7 * 86_400L : null)
                        .put("collection_method", "charge_automatically").put("currency", currency)
                        .put("current_period_end", created + 30 * 86_400L).put("current_period_start", created)
                        .put("customer", "cus_Fake" + (n % 13))
                        .put("ended_at", canceled ? created + 7 * 86_400L : null);
                ObjectNode items = o.putObject("items").put("object", "list");
                ObjectNode item = items.putArray("data").addObject().put("id", "si_Fake" + n)
                        .put("object", "subscription_item").put("created", created).put("quantity", 1 + n % 3);
                item.putObject("price").put("id", "price_1Fake" + (n % 7)).put("object", "price")
                        .put("currency", currency).put("unit_amount", amount);
                items.put("has_more", false).put("total_count", 1).put("url", "/v1/subscription_items?subscription="
                        + o.get("id").asText());
                o.put("start_date", created).put("status", canceled ? "canceled" : trial ? "trialing" : "active")
                        .put("trial_end", trial ? created + 14 * 86_400L : null)
                        .put("trial_start", trial ? created : null);
            }
            case "payouts" -> {
                // Arrives on a day (midnight UTC) two days on; every eighth failed.
                boolean failed = n % 8 == 0;
                o.put("amount", amount * 10).put("arrival_date", (created / 86_400 + 2) * 86_400)
                        .put("automatic", true).put("balance_transaction", "txn_1FakePayout" + n)
                        .put("currency", currency).put("description", "STRIPE PAYOUT")
                        .put("destination", "ba_1FakeBank").putNull("failure_balance_transaction")
                        .put("failure_code", failed ? "account_closed" : null)
                        .put("failure_message", failed ? "The bank account has been closed." : null)
                        .put("method", "standard").put("reconciliation_status", "completed")
                        .put("source_type", "card").putNull("statement_descriptor")
                        .put("status", failed ? "failed" : "paid").put("type", "bank_account");
            }
            case "balance_transactions" -> {
                // A charge and its fee (fee_details adds up to fee), or a refund (negative, no fee) every fifth.
                boolean refund = n % 5 == 0;
                long fee = refund ? 0 : 30 + amount * 29 / 1000;
                long signed = refund ? -amount : amount;
                o.put("amount", signed).put("available_on", created + 2 * 86_400L).put("currency", currency)
                        .put("description", refund ? "REFUND FOR CHARGE" : "Order #" + n).putNull("exchange_rate")
                        .put("fee", fee);
                ArrayNode details = o.putArray("fee_details");
                if (!refund) {
                    details.addObject().put("amount", fee).putNull("application").put("currency", currency)
                            .put("description", "Stripe processing fees").put("type", "stripe_fee");
                }
                o.put("net", signed - fee).put("reporting_category", refund ? "refund" : "charge")
                        .put("source", (refund ? "re_3Fake" : "ch_3Fake") + n).put("status", "available")
                        .put("type", refund ? "refund" : "charge");
            }
            case "refunds" -> o.put("amount", amount).put("balance_transaction", "txn_1FakeRefund" + n)
                    .put("charge", "ch_3Fake" + (n % 29)).put("currency", currency)
                    .put("payment_intent", "pi_3Fake" + (n % 29))
                    .put("reason", n % 3 == 0 ? "requested_by_customer" : null).putNull("receipt_number")
                    .putNull("source_transfer_reversal").put("status", "succeeded").putNull("transfer_reversal");
            case "products" -> {
                o.put("active", n % 10 != 0).put("default_price", "price_1Fake" + n)
                        .put("description", "Product " + n + ", \"quoted\"");
                o.putArray("images");
                o.putArray("marketing_features");
                o.put("name", "Produkt Nº" + n).putNull("package_dimensions").put("shippable", n % 2 == 0)
                        .putNull("statement_descriptor").put("tax_code", "txcd_10000000").putNull("unit_label")
                        .put("updated", created + 100 + n % 50).putNull("url");
            }
            case "prices" -> {
                // Per-unit prices, recurring or one-time; every fifth a fraction of the minor unit (metered usage),
                // which Stripe states in unit_amount_decimal only.
                boolean fraction = n % 5 == 0;
                boolean recurring = n % 2 == 0;
                o.put("active", true).put("billing_scheme", "per_unit").put("currency", currency)
                        .putNull("custom_unit_amount").putNull("lookup_key").putNull("nickname")
                        .put("product", "prod_Fake" + (n % 11));
                if (recurring) {
                    o.putObject("recurring").put("interval", "month").put("interval_count", 1)
                            .putNull("trial_period_days").put("usage_type", fraction ? "metered" : "licensed");
                } else {
                    o.putNull("recurring");
                }
                o.put("tax_behavior", "exclusive").putNull("tiers_mode").putNull("transform_quantity")
                        .put("type", recurring ? "recurring" : "one_time");
                if (fraction) {
                    o.putNull("unit_amount").put("unit_amount_decimal", "0." + (10 + n % 90) + "5");
                } else {
                    o.put("unit_amount", amount).put("unit_amount_decimal", Long.toString(amount));
                }
            }
            default -> throw new IllegalStateException(resource);
        }
        return add(resource, o);
    }

    /** A new object's common fields: id (the resource's prefix), object, created, livemode, metadata. */
    private ObjectNode object(String resource, long created) {
        sequence++;
        Resource r = RESOURCES.get(resource);
        ObjectNode o = json.createObjectNode().put("id", String.format("%s%018d", r.prefix(), sequence))
                .put("object", r.object()).put("created", created).put("livemode", false);
        o.putObject("metadata").put("rowflow_test", Integer.toString(sequence));
        return o;
    }

    private ObjectNode add(String resource, ObjectNode o) {
        objects.computeIfAbsent(resource, r -> new CopyOnWriteArrayList<>()).add(o);
        return o;
    }

    /** Every object of {@code resource} as Stripe holds it now, newest first (whatever the list's filters). */
    public List<ObjectNode> all(String resource) {
        return newestFirst(resource);
    }

    private synchronized List<ObjectNode> newestFirst(String resource) {
        List<ObjectNode> sorted = new ArrayList<>(objects.getOrDefault(resource, List.of()));
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
            String path = exchange.getRequestURI().getPath();
            String resource = path.startsWith("/v1/") ? path.substring("/v1/".length()) : "";
            Resource listed = RESOURCES.get(resource);
            if (listed == null) {
                error(exchange, 404, "Unrecognized request URL (GET: " + path + ").", null);
                return;
            }
            Map<String, String> q = FakeHttp.query(exchange.getRequestURI().getRawQuery());
            requests.add(q);
            for (String param : q.keySet()) {
                boolean known = PAGING.contains(param) || param.equals("created") || param.startsWith("created[")
                        || listed.filters().containsKey(param)
                        || resource.equals("subscriptions") && param.equals("status");
                if (!known) {
                    error(exchange, 400, "Received unknown parameter: " + param, param);
                    return;
                }
            }
            if (resource.equals("subscriptions") && q.containsKey("status")
                    && !SUBSCRIPTION_STATUSES.contains(q.get("status"))) {
                error(exchange, 400, "Invalid status: must be one of " + String.join(", ", SUBSCRIPTION_STATUSES),
                        "status");
                return;
            }
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
            for (String op : List.of("eq", "gt", "gte", "lt", "lte")) {
                String name = op.equals("eq") ? "created" : "created[" + op + "]";
                String value = q.get(name);
                if (value == null) {
                    continue;
                }
                long bound;
                try {
                    bound = Long.parseLong(value);
                } catch (NumberFormatException e) {
                    error(exchange, 400, "Invalid integer: " + value, name);
                    return;
                }
                created = created.and(switch (op) {
                    case "eq" -> t -> t == bound;
                    case "gt" -> t -> t > bound;
                    case "gte" -> t -> t >= bound;
                    case "lt" -> t -> t < bound;
                    default -> t -> t <= bound;
                });
            }
            LongPredicate filter = created;
            Predicate<ObjectNode> matches = o -> filter.test(o.get("created").asLong());
            for (Map.Entry<String, String> f : listed.filters().entrySet()) {
                String value = q.get(f.getKey());
                if (value != null) {
                    matches = matches.and(o -> value.equals(o.path(f.getValue()).asText()));
                }
            }
            if (resource.equals("subscriptions")) {
                String status = q.get("status");
                matches = matches.and(o -> subscriptionListed(status, o.get("status").asText()));
            }
            Predicate<ObjectNode> listedHere = matches;
            List<ObjectNode> list = newestFirst(resource).stream().filter(listedHere).toList();
            int from = 0;
            int to = list.size();
            if (q.containsKey("starting_after") || q.containsKey("ending_before")) {
                String id = q.containsKey("starting_after") ? q.get("starting_after") : q.get("ending_before");
                int at = -1;
                for (int i = 0; i < list.size(); i++) {
                    if (list.get(i).get("id").asText().equals(id)) {
                        at = i;
                    }
                }
                if (at < 0) {
                    error(exchange, 400, "No such " + listed.object() + ": '" + id + "'", q.containsKey("starting_after")
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
            List<ObjectNode> page = list.subList(from, Math.min(to, from + limit));
            ObjectNode body = json.createObjectNode().put("object", "list").put("url", path)
                    .put("has_more", from + page.size() < to);
            ArrayNode data = body.putArray("data");
            page.forEach(data::add);
            FakeHttp.json(exchange, 200, body, Map.of("Request-Id", "req_fake" + requests.size()));
        }
    }

    /** Which subscriptions a list with this {@code status} holds: without one, all but the canceled. */
    private static boolean subscriptionListed(String asked, String status) {
        if (asked == null) {
            return !status.equals("canceled");
        }
        return switch (asked) {
            case "all" -> true;
            case "ended" -> status.equals("canceled") || status.equals("incomplete_expired");
            default -> asked.equals(status);
        };
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
