package io.rowflow.testing;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.math.BigDecimal;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.LongFunction;
import java.util.function.LongSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One shop's GraphQL Admin API with state, written from Shopify's public documentation:
 * <ul>
 * <li>The orders, products and customers connections (https://shopify.dev/docs/api/admin-graphql/latest/queries/orders,
 * /queries/products, /queries/customers): {@code first} at most 250, opaque cursors that remember the last node's sort key (so a page after a change neither skips nor repeats), the
 * search filter on {@code updated_at} (https://shopify.dev/docs/api/usage/search-syntax), {@code sortKey: UPDATED_AT},
 * {@code nodes} or {@code edges { node }}; each answer holds exactly the fields the query selects (a small selection
 * parser projects the shop's documents onto it), nested connections as their {@code first} allows.
 * {@code ordersCount { count precision }} counts up to 10,000.</li>
 * <li>Calculated query cost and the leaky bucket (https://shopify.dev/docs/api/usage/rate-limits,
 * https://shopify.dev/docs/apps/build/apis/graphql-admin/rate-limits): objects cost 1, scalars and enums 0, a
 * connection 2 plus {@code first} times its node's cost (the actual cost counts the nodes returned), a mutation 10;
 * one query may ask at most 1,000 points (MAX_COST_EXCEEDED). Every answer states {@code extensions.cost}
 * ({@code requestedQueryCost}, {@code actualQueryCost}, {@code throttleStatus}). A query asking more than the
 * bucket holds is answered 200 with {@code errors[0].extensions.code: THROTTLED}, no data and a null actual cost.
 * The bucket refills at {@code restoreRate} per second on the clock given (a test's: nobody sleeps); another client of
 * the same app and shop can draw on it ({@link #drain}).</li>
 * <li>Bulk operations (https://shopify.dev/docs/api/usage/bulk-operations/queries): {@code bulkOperationRunQuery}
 * (one bulk query per app and shop at a time, else the user error OPERATION_IN_PROGRESS), the operation by
 * {@code node(id:)} and {@code currentBulkOperation}, going CREATED → RUNNING → COMPLETED (or FAILED with an
 * {@code errorCode}, or CANCELED) as the clock passes; once completed, a JSONL file at a signed URL on another host
 * (this fake's second server, on 127.0.0.2, standing for Google Cloud Storage): one line per order with its fields,
 * then one line per line item with {@code __parentId}; {@code url} is null when the query matched nothing. The
 * file is written to disk as the operation completes (streamed, never whole in memory) and reflects the shop as the
 * operation started.</li>
 * </ul>
 */
public final class FakeShopify implements AutoCloseable {
    public static final String TOKEN = "shpat_" + java.util.UUID.randomUUID().toString().replace("-", "");
    public static final String API = "/admin/api/2025-10";
    static final double SINGLE_QUERY_MAX = 1000;

    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpServer api;
    private final HttpServer files;
    private final LongSupplier nanos;
    private final double maximum;
    private final double restoreRate;
    private double available;
    private long refilledAt;

    /** The shop's orders, products and customers by id (documents are replaced on change, never changed in place). */
    private final Map<String, ObjectNode> orders = new LinkedHashMap<>();
    private final Map<String, ObjectNode> products = new LinkedHashMap<>();
    private final Map<String, ObjectNode> customers = new LinkedHashMap<>();
    /** Each connection the fake serves, by its query's name, and the type its GIDs name. */
    private final Map<String, Map<String, ObjectNode>> connections = Map.of("orders", orders, "products", products,
            "customers", customers);
    private static final Map<String, String> CONNECTION_OF_TYPE = Map.of("Order", "orders", "Product", "products",
            "Customer", "customers");
    /** A generated shop instead (the 100,000-order benchmark): order number → document, none held. */
    private LongFunction<ObjectNode> generated;
    private long generatedCount;

    private final Map<String, CursorKey> cursors = new ConcurrentHashMap<>();
    private final List<BulkOperation> operations = new ArrayList<>();
    private Duration bulkTakes = Duration.ofSeconds(3);
    private String nextBulkFailure;
    private final List<Path> written = new CopyOnWriteArrayList<>();

    /** Every GraphQL request body, in order, and every answer. */
    public final List<JsonNode> requests = new CopyOnWriteArrayList<>();
    public final List<JsonNode> answers = new CopyOnWriteArrayList<>();
    /** The headers of every request the file host received, in order. */
    public final List<Map<String, List<String>>> fileRequests = new CopyOnWriteArrayList<>();
    private int throttled;

    public FakeShopify(LongSupplier nanos, double maximum, double restoreRate) {
        this.nanos = nanos;
        this.maximum = maximum;
        this.restoreRate = restoreRate;
        this.available = maximum;
        this.refilledAt = nanos.getAsLong();
        this.api = FakeHttp.serve(this::handle);
        try {
            files = HttpServer.create(new InetSocketAddress("127.0.0.2", 0), 0);
            files.setExecutor(Executors.newCachedThreadPool());
            files.createContext("/", this::serveFile);
            files.start();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The address Rowflow's base URL is replaced with (the manifest's {@code /graphql.json} follows). */
    public String base() {
        return FakeHttp.baseUrl(api) + API;
    }

    public synchronized int throttled() {
        return throttled;
    }

    public synchronized double available() {
        refill();
        return available;
    }

    /** Another client of the same app and shop spends points: the bucket keeps what is left. */
    public synchronized void drain(double points) {
        refill();
        available = Math.max(0, available - points);
    }

    // ---- the shop's data

    /** Adds or replaces an order, product or customer (the type its GID names). */
    public synchronized void put(ObjectNode document) {
        String id = document.get("id").asText();
        String type = id.substring("gid://shopify/".length(), id.lastIndexOf('/'));
        connections.get(CONNECTION_OF_TYPE.get(type)).put(id, document);
    }

    public synchronized List<ObjectNode> orders() {
        return nodes("orders");
    }

    /** The documents of a connection (orders, products, customers), in the order first put. */
    public synchronized List<ObjectNode> nodes(String connection) {
        return new ArrayList<>(connections.get(connection).values());
    }

    /** Serves {@code count} orders made by {@code order} (1 to count), in that order, none kept in memory. */
    public synchronized void generate(long count, LongFunction<ObjectNode> order) {
        this.generated = order;
        this.generatedCount = count;
    }

    /** How long a bulk operation runs on the fake's clock (CREATED for the first tenth of it). */
    public synchronized void bulkTakes(Duration duration) {
        this.bulkTakes = duration;
    }

    /** The next bulk operation ends FAILED with this errorCode (ACCESS_DENIED, INTERNAL_SERVER_ERROR, TIMEOUT). */
    public synchronized void failNextBulk(String errorCode) {
        this.nextBulkFailure = errorCode;
    }

    /** Another bulk query of the same app (another flow) starts now and runs for {@code duration}. */
    public synchronized void otherBulkRuns(Duration duration) {
        BulkOperation other = new BulkOperation(operations.size() + 1, nanos.getAsLong(), duration, null, List.of(),
                null);
        operations.add(other);
    }

    public synchronized List<BulkOperation> bulkOperations() {
        return new ArrayList<>(operations);
    }

    // ---- GraphQL

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            if (!exchange.getRequestMethod().equals("POST") || !exchange.getRequestURI().getPath().equals(API
                    + "/graphql.json")) {
                FakeHttp.json(exchange, 404, Map.of("errors", "Not Found"), Map.of());
                return;
            }
            if (!TOKEN.equals(exchange.getRequestHeaders().getFirst("X-Shopify-Access-Token"))) {
                FakeHttp.json(exchange, 401, Map.of("errors", "[API] Invalid API key or access token (unrecognized"
                        + " login or wrong password)"), Map.of());
                return;
            }
            JsonNode body = JSON.readTree(exchange.getRequestBody());
            requests.add(body);
            ObjectNode answer;
            try {
                answer = answer(body);
            } catch (IllegalArgumentException refused) {
                // GraphQL's way: 200 with errors, no data.
                answer = JSON.createObjectNode();
                answer.putArray("errors").addObject().put("message", refused.getMessage());
            }
            answers.add(answer);
            FakeHttp.json(exchange, 200, answer, Map.of());
        }
    }

    private synchronized ObjectNode answer(JsonNode body) {
        Selection.Operation operation = Selection.parse(body.path("query").asText());
        JsonNode variables = body.path("variables");
        ObjectNode out = JSON.createObjectNode();
        double requested = operation.mutation() ? 10 : 0;
        for (Selection.Field field : operation.fields()) {
            requested += requestedCost(field, variables);
        }
        refill();
        if (requested > SINGLE_QUERY_MAX) {
            ObjectNode error = out.putArray("errors").addObject();
            error.put("message", "Query cost is " + (long) requested + ", which exceeds the single query max cost"
                    + " limit (" + (long) SINGLE_QUERY_MAX + ").");
            error.putObject("extensions").put("code", "MAX_COST_EXCEEDED").put("cost", requested)
                    .put("maxCost", SINGLE_QUERY_MAX);
            return out;
        }
        if (available < requested) {
            throttled++;
            ObjectNode error = out.putArray("errors").addObject();
            error.put("message", "Throttled");
            error.putObject("extensions").put("code", "THROTTLED").put("documentation",
                    "https://shopify.dev/api/usage/rate-limits");
            cost(out, requested, null);
            return out;
        }
        ObjectNode data = out.putObject("data");
        double actual = operation.mutation() ? 10 : 0;
        for (Selection.Field field : operation.fields()) {
            Answer answer = switch (field.name()) {
                case "orders", "products", "customers" -> connection(field, variables,
                        connections.get(field.name()).values());
                case "ordersCount" -> count(field);
                case "bulkOperationRunQuery" -> runBulk(field, variables);
                case "node" -> node(field, variables);
                case "currentBulkOperation" -> current(field);
                default -> throw new IllegalArgumentException("The fake does not serve " + field.name());
            };
            data.set(field.name(), answer.value());
            actual += answer.cost();
        }
        available -= actual; // the requested points are taken, the difference to the actual cost refunded
        cost(out, requested, actual);
        return out;
    }

    private void refill() {
        long now = nanos.getAsLong();
        available = Math.min(maximum, available + restoreRate * (now - refilledAt) / 1e9);
        refilledAt = now;
    }

    private void cost(ObjectNode out, double requested, Double actual) {
        ObjectNode cost = out.putObject("extensions").putObject("cost");
        cost.put("requestedQueryCost", (long) requested);
        if (actual == null) {
            cost.putNull("actualQueryCost");
        } else {
            cost.put("actualQueryCost", (long) (double) actual);
        }
        ObjectNode status = cost.putObject("throttleStatus");
        status.put("maximumAvailable", maximum);
        status.put("currentlyAvailable", Math.floor(available));
        status.put("restoreRate", restoreRate);
    }

    /** A field's value in the answer, and what it cost. */
    private record Answer(JsonNode value, double cost) {
    }

    private double requestedCost(Selection.Field field, JsonNode variables) {
        return switch (field.name()) {
            case "orders", "products", "customers" -> connectionCost(field, variables, null);
            case "bulkOperationRunQuery" -> 0; // the mutation's 10
            default -> 1 + selectionCost(field.selection(), variables);
        };
    }

    /** A connection: 2 + n × (1 + its node's selection), n being {@code first} (or what was returned). */
    private static double connectionCost(Selection.Field field, JsonNode variables, Integer returned) {
        int n = returned != null ? returned : intArg(field, "first", variables, 0);
        Selection.Field node = nodeSelection(field);
        return 2 + n * (1 + (node == null ? 0 : selectionCost(node.selection(), variables)));
    }

    private static double selectionCost(List<Selection.Field> fields, JsonNode variables) {
        double cost = 0;
        for (Selection.Field f : fields) {
            if (f.selection().isEmpty()) {
                continue; // scalars and enums are free
            }
            if (f.name().equals("...")) {
                cost += selectionCost(f.selection(), variables);
                continue;
            }
            if (nodeSelection(f) != null) {
                cost += connectionCost(f, variables, null);
            } else if (!f.name().equals("pageInfo")) {
                cost += 1 + selectionCost(f.selection(), variables);
            }
        }
        return cost;
    }

    /** The node selection of a connection field ({@code nodes {…}} or {@code edges { node {…} }}); null if none. */
    private static Selection.Field nodeSelection(Selection.Field connection) {
        for (Selection.Field f : connection.selection()) {
            if (f.name().equals("nodes")) {
                return f;
            }
            if (f.name().equals("edges")) {
                for (Selection.Field e : f.selection()) {
                    if (e.name().equals("node")) {
                        return e;
                    }
                }
            }
        }
        return null;
    }

    private static int intArg(Selection.Field field, String name, JsonNode variables, int otherwise) {
        JsonNode value = arg(field, name, variables);
        return value == null || value.isNull() ? otherwise : value.asInt();
    }

    /** An argument's value: a variable's, a string's, or the literal as written (a number, an enum). */
    private static JsonNode arg(Selection.Field field, String name, JsonNode variables) {
        String raw = field.arguments().get(name);
        if (raw == null) {
            return null;
        }
        if (raw.startsWith("$")) {
            JsonNode value = variables.get(raw.substring(1));
            return value == null ? com.fasterxml.jackson.databind.node.NullNode.getInstance() : value;
        }
        if (raw.startsWith("\"")) {
            return JSON.getNodeFactory().textNode(raw.substring(1, raw.length() - 1));
        }
        return JSON.getNodeFactory().textNode(raw);
    }

    // ---- connections, paged

    private record CursorKey(String updatedAt, long id) {
    }

    private static final Comparator<ObjectNode> BY_UPDATE = Comparator
            .comparing((ObjectNode o) -> Instant.parse(o.get("updatedAt").asText()))
            .thenComparingLong(FakeShopify::number);

    private static long number(ObjectNode order) {
        String id = order.get("id").asText();
        return Long.parseLong(id.substring(id.lastIndexOf('/') + 1));
    }

    private Answer connection(Selection.Field field, JsonNode variables, java.util.Collection<ObjectNode> documents) {
        int first = intArg(field, "first", variables, 0);
        if (first < 1 || first > 250) {
            throw new IllegalArgumentException("first must be 1 to 250, was " + first);
        }
        List<ObjectNode> matching = new ArrayList<>(documents);
        JsonNode filter = arg(field, "query", variables);
        if (filter != null && !filter.isNull()) {
            matching.removeIf(o -> !UpdatedAt.of(filter.asText()).test(o));
        }
        JsonNode sort = arg(field, "sortKey", variables);
        if (sort != null && sort.asText().equals("UPDATED_AT")) {
            matching.sort(BY_UPDATE);
        } else {
            matching.sort(Comparator.comparingLong(FakeShopify::number));
        }
        JsonNode after = arg(field, "after", variables);
        if (after != null && !after.isNull()) {
            CursorKey key = cursors.get(after.asText());
            if (key == null) {
                throw new IllegalArgumentException("Invalid cursor for current pagination sort.");
            }
            Instant at = Instant.parse(key.updatedAt());
            matching.removeIf(o -> {
                int c = Instant.parse(o.get("updatedAt").asText()).compareTo(at);
                return c < 0 || c == 0 && number(o) <= key.id();
            });
        }
        List<ObjectNode> page = matching.subList(0, Math.min(first, matching.size()));
        ObjectNode connection = JSON.createObjectNode();
        Selection.Field node = nodeSelection(field);
        double cost = 2;
        String endCursor = null;
        ArrayNode nodes = null;
        ArrayNode edges = null;
        for (Selection.Field f : field.selection()) {
            if (f.name().equals("nodes")) {
                nodes = connection.putArray("nodes");
            } else if (f.name().equals("edges")) {
                edges = connection.putArray("edges");
            }
        }
        for (ObjectNode order : page) {
            Projection projected = project(order, node.selection(), variables, true);
            cost += 1 + projected.cost();
            endCursor = HexFormat.of().formatHex(ThreadLocalRandom.current().ints(12, 0, 256).collect(
                    java.io.ByteArrayOutputStream::new, (o, b) -> o.write(b), (a, b) -> { }).toByteArray());
            cursors.put(endCursor, new CursorKey(order.get("updatedAt").asText(), number(order)));
            if (nodes != null) {
                nodes.add(projected.value());
            }
            if (edges != null) {
                ObjectNode edge = edges.addObject();
                edge.put("cursor", endCursor);
                edge.set("node", projected.value());
            }
        }
        for (Selection.Field f : field.selection()) {
            if (f.name().equals("pageInfo")) {
                ObjectNode info = connection.putObject("pageInfo");
                info.put("hasNextPage", matching.size() > page.size());
                info.put("endCursor", endCursor);
            }
        }
        return new Answer(connection, cost);
    }

    private Answer count(Selection.Field field) {
        long count = generated != null ? generatedCount : orders.size();
        ObjectNode value = JSON.createObjectNode();
        value.put("count", Math.min(count, 10_000));
        value.put("precision", count > 10_000 ? "AT_LEAST" : "EXACT");
        return new Answer(value, 1);
    }

    /** A node projected onto a selection, and its cost (its objects and nested connections). */
    private record Projection(ObjectNode value, double cost) {
    }

    /**
     * The document's fields the selection names, in the selection's order. A list field selected as a connection
     * ({@code nodes} / {@code edges}) is answered as one, {@code first} of it when paged; in a bulk line
     * ({@code paged} false) nested connections are left out (their nodes are lines of their own).
     */
    private static Projection project(ObjectNode document, List<Selection.Field> selection, JsonNode variables,
            boolean paged) {
        ObjectNode out = JSON.createObjectNode();
        double cost = 0;
        for (Selection.Field f : selection) {
            JsonNode value = document.get(f.name());
            if (value == null) {
                throw new IllegalArgumentException("Field '" + f.name() + "' doesn't exist on type");
            }
            Selection.Field node = f.selection().isEmpty() ? null : nodeSelection(f);
            if (node != null) {
                if (!paged) {
                    continue;
                }
                int first = intArg(f, "first", variables, 0);
                ObjectNode connection = out.putObject(f.name());
                ArrayNode nodes = connection.putArray("nodes");
                double each = 0;
                int n = 0;
                for (JsonNode child : value) {
                    if (n == first) {
                        break;
                    }
                    Projection p = project((ObjectNode) child, node.selection(), variables, true);
                    nodes.add(p.value());
                    each += 1 + p.cost();
                    n++;
                }
                cost += 2 + each;
            } else if (!f.selection().isEmpty() && value.isObject()) {
                Projection p = project((ObjectNode) value, f.selection(), variables, paged);
                out.set(f.name(), p.value());
                cost += 1 + p.cost();
            } else {
                out.set(f.name(), value);
            }
        }
        return new Projection(out, cost);
    }

    /**
     * Shopify's search syntax, as far as updated_at goes (orders, products and customers alike):
     * updated_at:>='2024-01-01T00:00:00Z'.
     */
    private record UpdatedAt(String op, Instant at) {
        private static final Pattern FILTER = Pattern.compile("updated_at:(>=|<=|>|<)'?([^'\\s]+)'?");

        static UpdatedAt of(String query) {
            Matcher m = FILTER.matcher(query);
            if (!m.matches()) {
                throw new IllegalArgumentException("The fake reads only updated_at filters, not " + query);
            }
            String text = m.group(2);
            Instant at = text.length() == 10 ? Instant.parse(text + "T00:00:00Z") : Instant.parse(text);
            return new UpdatedAt(m.group(1), at);
        }

        boolean test(ObjectNode order) {
            int c = Instant.parse(order.get("updatedAt").asText()).compareTo(at);
            return switch (op) {
                case ">=" -> c >= 0;
                case ">" -> c > 0;
                case "<=" -> c <= 0;
                default -> c < 0;
            };
        }
    }

    // ---- bulk operations

    /** One bulk query: when it started, how long it runs, how it ends, and what it exports. */
    public final class BulkOperation {
        final long number;
        final long startedAt;
        final Duration takes;
        final String failure;
        final Iterable<ObjectNode> snapshot;
        final Selection.Field root;
        final String signature = HexFormat.of().formatHex(ThreadLocalRandom.current().ints(32, 0, 256).collect(
                java.io.ByteArrayOutputStream::new, (o, b) -> o.write(b), (a, b) -> { }).toByteArray());
        Path file;
        long roots;
        long objects;

        BulkOperation(long number, long startedAt, Duration takes, String failure, Iterable<ObjectNode> snapshot,
                Selection.Field root) {
            this.number = number;
            this.startedAt = startedAt;
            this.takes = takes;
            this.failure = failure;
            this.snapshot = snapshot;
            this.root = root;
        }

        public String id() {
            return "gid://shopify/BulkOperation/" + (720_000_000L + number);
        }

        public String status() {
            long ran = nanos.getAsLong() - startedAt;
            if (ran < takes.toNanos() / 10) {
                return "CREATED";
            }
            if (ran < takes.toNanos()) {
                return "RUNNING";
            }
            return failure == null ? "COMPLETED" : "FAILED";
        }

        /** The signed address of the file, as Google Cloud Storage signs one (the signature is the credential). */
        public String url() {
            return "http://127.0.0.2:" + files.getAddress().getPort() + "/shopify-bulk/" + number
                    + "/bulk-operation.jsonl?X-Goog-Algorithm=GOOG4-RSA-SHA256&X-Goog-Expires=604800"
                    + "&X-Goog-Signature=" + signature;
        }

        public String signature() {
            return signature;
        }

        /** The size of the file written, once the operation completed and was asked about. */
        public long fileSize() throws IOException {
            return Files.size(file);
        }

        ObjectNode describe(List<Selection.Field> selection) {
            String status = status();
            if (status.equals("COMPLETED") && file == null && root != null) {
                write();
            }
            ObjectNode all = JSON.createObjectNode();
            all.put("id", id());
            all.put("status", status);
            all.put("errorCode", status.equals("FAILED") ? failure : null);
            all.put("objectCount", String.valueOf(status.equals("COMPLETED") ? objects : 0));
            all.put("rootObjectCount", String.valueOf(status.equals("COMPLETED") ? roots : 0));
            boolean hasFile = status.equals("COMPLETED") && roots > 0;
            try {
                all.put("fileSize", hasFile ? String.valueOf(Files.size(file)) : null);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
            all.put("url", hasFile ? url() : null);
            all.put("partialDataUrl", (String) null);
            all.put("type", "QUERY");
            ObjectNode out = JSON.createObjectNode();
            for (Selection.Field f : selection) {
                if (f.name().equals("...")) {
                    out.setAll(describe(f.selection()));
                } else {
                    out.set(f.name(), all.get(f.name()));
                }
            }
            return out;
        }

        /** The JSONL file, written as Shopify's documented output: each root node, then its connection's nodes. */
        private void write() {
            Selection.Field node = nodeSelection(root);
            try {
                file = Files.createTempFile("fake-shopify-bulk", ".jsonl");
                written.add(file);
                try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 16);
                        JsonGenerator json = new JsonFactory(JSON).createGenerator(out)) {
                    json.setRootValueSeparator(null);
                    for (ObjectNode order : snapshot) {
                        json.writeTree(project(order, node.selection(), JSON.createObjectNode(), false).value());
                        json.writeRaw('\n');
                        roots++;
                        objects++;
                        for (Selection.Field f : node.selection()) {
                            Selection.Field child = f.selection().isEmpty() ? null : nodeSelection(f);
                            if (child == null) {
                                continue;
                            }
                            for (JsonNode item : order.get(f.name())) {
                                ObjectNode line = project((ObjectNode) item, child.selection(),
                                        JSON.createObjectNode(), false).value();
                                line.put("__parentId", order.get("id").asText());
                                json.writeTree(line);
                                json.writeRaw('\n');
                                objects++;
                            }
                        }
                    }
                }
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    private Answer runBulk(Selection.Field field, JsonNode variables) {
        ObjectNode payload = JSON.createObjectNode();
        ArrayNode userErrors = JSON.createArrayNode();
        BulkOperation running = operations.stream().filter(o -> o.status().equals("CREATED")
                || o.status().equals("RUNNING")).findFirst().orElse(null);
        Selection.Field root = null;
        if (running == null) {
            JsonNode query = arg(field, "query", variables);
            Selection.Operation bulk = Selection.parse(query.asText());
            if (bulk.fields().size() != 1 || nodeSelection(bulk.fields().get(0)) == null) {
                userErrors.addObject().put("message", "Bulk queries must contain at least one connection.")
                        .put("code", "INVALID").putArray("field").add("query");
            } else {
                root = bulk.fields().get(0);
            }
        } else {
            userErrors.addObject().put("message", "A bulk query operation for this app and shop is already in"
                    + " progress: " + running.id() + ".").put("code", "OPERATION_IN_PROGRESS").putNull("field");
        }
        if (!userErrors.isEmpty()) {
            payload.putNull("bulkOperation");
            payload.set("userErrors", userErrors);
            return new Answer(payload, 0);
        }
        List<ObjectNode> copy = new ArrayList<>(connections.getOrDefault(root.name(), orders).values());
        JsonNode sort = arg(root, "sortKey", JSON.createObjectNode());
        if (sort != null && sort.asText().equals("UPDATED_AT")) {
            copy.sort(BY_UPDATE);
        }
        Iterable<ObjectNode> snapshot = generated != null ? generatedOrders(generated, generatedCount) : copy;
        BulkOperation operation = new BulkOperation(operations.size() + 1, nanos.getAsLong(), bulkTakes,
                nextBulkFailure, snapshot, root);
        nextBulkFailure = null;
        operations.add(operation);
        for (Selection.Field f : field.selection()) {
            if (f.name().equals("bulkOperation")) {
                payload.set("bulkOperation", operation.describe(f.selection()));
            } else if (f.name().equals("userErrors")) {
                payload.set("userErrors", userErrors);
            }
        }
        return new Answer(payload, 0);
    }

    private static Iterable<ObjectNode> generatedOrders(LongFunction<ObjectNode> order, long count) {
        return () -> new Iterator<>() {
            long next = 1;

            @Override
            public boolean hasNext() {
                return next <= count;
            }

            @Override
            public ObjectNode next() {
                return order.apply(next++);
            }
        };
    }

    private Answer node(Selection.Field field, JsonNode variables) {
        String id = arg(field, "id", variables).asText();
        BulkOperation operation = operations.stream().filter(o -> o.id().equals(id)).findFirst().orElse(null);
        return new Answer(operation == null ? null : operation.describe(field.selection()), 1);
    }

    private Answer current(Selection.Field field) {
        return new Answer(operations.isEmpty() ? null : operations.get(operations.size() - 1).describe(
                field.selection()), 1);
    }

    private void serveFile(HttpExchange exchange) throws IOException {
        try (exchange) {
            fileRequests.add(Map.copyOf(exchange.getRequestHeaders()));
            Matcher m = Pattern.compile("/shopify-bulk/(\\d+)/bulk-operation\\.jsonl").matcher(
                    exchange.getRequestURI().getPath());
            Map<String, String> query = FakeHttp.query(exchange.getRequestURI().getRawQuery());
            BulkOperation operation;
            synchronized (this) {
                operation = m.matches() ? operations.stream().filter(o -> o.number == Long.parseLong(m.group(1)))
                        .findFirst().orElse(null) : null;
            }
            if (operation == null || operation.file == null || !operation.signature.equals(query.get(
                    "X-Goog-Signature"))) {
                // Google Cloud Storage's refusal of a bad signature: 403 with an XML body.
                byte[] body = "<?xml version='1.0' encoding='UTF-8'?><Error><Code>SignatureDoesNotMatch</Code></Error>"
                        .getBytes(java.nio.charset.StandardCharsets.UTF_8);
                exchange.getResponseHeaders().set("Content-Type", "application/xml; charset=UTF-8");
                exchange.sendResponseHeaders(403, body.length);
                exchange.getResponseBody().write(body);
                return;
            }
            exchange.getResponseHeaders().set("Content-Type", "application/jsonl");
            exchange.sendResponseHeaders(200, Files.size(operation.file));
            try (InputStream in = Files.newInputStream(operation.file); OutputStream out = exchange.getResponseBody()) {
                in.transferTo(out);
            }
        }
    }

    @Override
    public void close() {
        api.stop(0);
        files.stop(0);
        for (Path file : written) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException ignored) {
                // a temp file left behind
            }
        }
    }

    // ---- orders as Shopify documents them (https://shopify.dev/docs/api/admin-graphql/latest/objects/Order)

    /** A money bag in one currency: {shopMoney: {amount, currencyCode}}, the amount as Shopify's decimal text. */
    public static ObjectNode money(BigDecimal amount, String currency) {
        ObjectNode bag = JSON.createObjectNode();
        bag.putObject("shopMoney").put("amount", amount.toPlainString()).put("currencyCode", currency);
        return bag;
    }

    /** One line item: {id, sku, title, quantity, originalUnitPriceSet}. */
    public record Item(long id, String sku, String title, int quantity, BigDecimal unitPrice) {
    }

    /**
     * An order document with every field the connector asks for. Totals follow from the items: subtotal = Σ quantity ×
     * unit price, total = subtotal − discount + shipping + tax.
     */
    public static ObjectNode order(long number, String name, String email, Instant created, Instant updated,
            boolean cancelled, String currency, String customerId, BigDecimal discount, BigDecimal shipping,
            BigDecimal tax, List<Item> items) {
        ObjectNode o = JSON.createObjectNode();
        o.put("id", "gid://shopify/Order/" + number);
        o.put("name", name);
        o.put("email", email);
        o.put("createdAt", created.toString());
        o.put("updatedAt", updated.toString());
        o.put("processedAt", created.toString());
        o.put("cancelledAt", cancelled ? updated.toString() : null);
        o.put("closedAt", cancelled ? updated.toString() : null);
        o.put("displayFinancialStatus", cancelled ? "VOIDED" : "PAID");
        o.put("displayFulfillmentStatus", cancelled ? "UNFULFILLED" : "FULFILLED");
        o.put("currencyCode", currency);
        if (customerId == null) {
            o.putNull("customer");
        } else {
            o.putObject("customer").put("id", customerId);
        }
        BigDecimal subtotal = BigDecimal.ZERO;
        for (Item item : items) {
            subtotal = subtotal.add(item.unitPrice().multiply(BigDecimal.valueOf(item.quantity())));
        }
        o.set("subtotalPriceSet", money(subtotal, currency));
        o.set("totalDiscountsSet", money(discount, currency));
        o.set("totalShippingPriceSet", money(shipping, currency));
        o.set("totalTaxSet", money(tax, currency));
        o.set("totalPriceSet", money(subtotal.subtract(discount).add(shipping).add(tax), currency));
        ArrayNode lines = o.putArray("lineItems");
        for (Item item : items) {
            ObjectNode line = lines.addObject();
            line.put("id", "gid://shopify/LineItem/" + item.id());
            line.put("sku", item.sku());
            line.put("title", item.title());
            line.put("quantity", item.quantity());
            line.set("originalUnitPriceSet", money(item.unitPrice(), currency));
        }
        return o;
    }

    /** A copy of the order changed at {@code at}: the discount and total as given, the rest kept. */
    public static ObjectNode changed(ObjectNode order, Instant at, BigDecimal extraDiscount) {
        ObjectNode copy = order.deepCopy();
        copy.put("updatedAt", at.toString());
        String currency = copy.get("currencyCode").asText();
        BigDecimal discount = new BigDecimal(copy.at("/totalDiscountsSet/shopMoney/amount").asText()).add(extraDiscount);
        BigDecimal total = new BigDecimal(copy.at("/totalPriceSet/shopMoney/amount").asText()).subtract(extraDiscount);
        copy.set("totalDiscountsSet", money(discount, currency));
        copy.set("totalPriceSet", money(total, currency));
        copy.put("displayFinancialStatus", "PARTIALLY_REFUNDED");
        return copy;
    }

    // ---- products (https://shopify.dev/docs/api/admin-graphql/latest/objects/Product) and customers
    // (https://shopify.dev/docs/api/admin-graphql/latest/objects/Customer)

    /** One product variant: {id, title, sku, price, compareAtPrice, inventoryQuantity}; prices are Money text. */
    public record Variant(long id, String title, String sku, BigDecimal price, BigDecimal compareAtPrice,
            int inventoryQuantity) {
    }

    /**
     * A product document with every field the connector asks for: the price range and total inventory follow from
     * the variants, a handle from the title; a draft is not published.
     */
    public static ObjectNode product(long number, String title, String status, Instant created, Instant updated,
            String currency, List<Variant> variants) {
        ObjectNode p = JSON.createObjectNode();
        p.put("id", "gid://shopify/Product/" + number);
        p.put("title", title);
        p.put("handle", title.toLowerCase(java.util.Locale.ROOT).replaceAll("[^a-z0-9]+", "-"));
        p.put("status", status);
        p.put("vendor", "Rowflow Goods");
        p.put("productType", "Apparel");
        p.putArray("tags").add("rowflow").add(status.toLowerCase(java.util.Locale.ROOT));
        p.put("createdAt", created.toString());
        p.put("updatedAt", updated.toString());
        p.put("publishedAt", status.equals("ACTIVE") ? created.plusSeconds(60).toString() : null);
        p.put("totalInventory", variants.stream().mapToInt(Variant::inventoryQuantity).sum());
        BigDecimal min = variants.stream().map(Variant::price).min(BigDecimal::compareTo).orElse(BigDecimal.ZERO);
        BigDecimal max = variants.stream().map(Variant::price).max(BigDecimal::compareTo).orElse(BigDecimal.ZERO);
        ObjectNode range = p.putObject("priceRangeV2");
        range.putObject("minVariantPrice").put("amount", min.toPlainString()).put("currencyCode", currency);
        range.putObject("maxVariantPrice").put("amount", max.toPlainString()).put("currencyCode", currency);
        ArrayNode nodes = p.putArray("variants");
        for (Variant v : variants) {
            nodes.addObject().put("id", "gid://shopify/ProductVariant/" + v.id()).put("title", v.title())
                    .put("sku", v.sku()).put("price", v.price().toPlainString())
                    .put("compareAtPrice", v.compareAtPrice() == null ? null : v.compareAtPrice().toPlainString())
                    .put("inventoryQuantity", v.inventoryQuantity());
        }
        return p;
    }

    /**
     * A customer document with every field the connector asks for. Without an email or phone its default one is
     * null; one who never ordered has not activated an account (DISABLED). numberOfOrders is an UnsignedInt64, which
     * Shopify sends as text.
     */
    public static ObjectNode customer(long number, String firstName, String lastName, String email, String phone,
            Instant created, Instant updated, long numberOfOrders, BigDecimal amountSpent, String currency) {
        ObjectNode c = JSON.createObjectNode();
        c.put("id", "gid://shopify/Customer/" + number);
        c.put("firstName", firstName);
        c.put("lastName", lastName);
        c.put("displayName", firstName == null ? email : firstName + " " + lastName);
        c.put("state", numberOfOrders > 0 ? "ENABLED" : "DISABLED");
        c.put("verifiedEmail", email != null);
        c.put("taxExempt", false);
        c.putArray("tags");
        c.putNull("note");
        c.put("createdAt", created.toString());
        c.put("updatedAt", updated.toString());
        c.put("numberOfOrders", Long.toString(numberOfOrders));
        if (email == null) {
            c.putNull("defaultEmailAddress");
        } else {
            c.putObject("defaultEmailAddress").put("emailAddress", email).put("marketingState",
                    number % 2 == 0 ? "SUBSCRIBED" : "NOT_SUBSCRIBED");
        }
        if (phone == null) {
            c.putNull("defaultPhoneNumber");
        } else {
            c.putObject("defaultPhoneNumber").put("phoneNumber", phone).put("marketingState", "NOT_SUBSCRIBED");
        }
        c.putObject("amountSpent").put("amount", amountSpent.toPlainString()).put("currencyCode", currency);
        return c;
    }

    /** A copy of a document changed at {@code at}: its updatedAt and {@code field} set, the rest kept. */
    public static ObjectNode updated(ObjectNode document, Instant at, String field, JsonNode value) {
        ObjectNode copy = document.deepCopy();
        copy.put("updatedAt", at.toString());
        copy.set(field, value);
        return copy;
    }

    /** GraphQL selections, as far as Rowflow's queries go: fields, aliases left out, arguments, inline fragments. */
    static final class Selection {
        record Field(String name, Map<String, String> arguments, List<Field> selection) {
        }

        record Operation(boolean mutation, List<Field> fields) {
        }

        private final String text;
        private int at;

        private Selection(String text) {
            this.text = text;
        }

        static Operation parse(String query) {
            Selection p = new Selection(query);
            p.space();
            boolean mutation = false;
            if (p.text.startsWith("query", p.at) || p.text.startsWith("mutation", p.at)) {
                mutation = p.text.startsWith("mutation", p.at);
                p.name();
                p.space();
                if (p.peek() != '{' && p.peek() != '(') {
                    p.name();
                    p.space();
                }
                if (p.peek() == '(') {
                    p.skipBalanced('(', ')');
                    p.space();
                }
            }
            return new Operation(mutation, p.selectionSet());
        }

        private List<Field> selectionSet() {
            expect('{');
            List<Field> fields = new ArrayList<>();
            while (true) {
                space();
                if (peek() == '}') {
                    at++;
                    return fields;
                }
                if (text.startsWith("...", at)) {
                    at += 3;
                    space();
                    if (text.startsWith("on", at)) {
                        name();
                        space();
                        name();
                        space();
                    }
                    fields.add(new Field("...", Map.of(), selectionSet()));
                    continue;
                }
                String name = name();
                space();
                Map<String, String> arguments = new LinkedHashMap<>();
                if (peek() == '(') {
                    at++;
                    while (true) {
                        space();
                        if (peek() == ')') {
                            at++;
                            break;
                        }
                        String argument = name();
                        space();
                        expect(':');
                        space();
                        arguments.put(argument, value());
                    }
                    space();
                }
                List<Field> selection = peek() == '{' ? selectionSet() : List.of();
                fields.add(new Field(name, arguments, selection));
            }
        }

        private String value() {
            int start = at;
            char c = peek();
            if (c == '"') {
                at++;
                while (text.charAt(at) != '"') {
                    at += text.charAt(at) == '\\' ? 2 : 1;
                }
                at++;
            } else if (c == '[') {
                skipBalanced('[', ']');
            } else {
                if (c == '$') {
                    at++;
                }
                while (at < text.length() && (Character.isLetterOrDigit(text.charAt(at)) || "_.-".indexOf(
                        text.charAt(at)) >= 0)) {
                    at++;
                }
            }
            return text.substring(start, at);
        }

        private void skipBalanced(char open, char close) {
            int depth = 0;
            do {
                char c = text.charAt(at++);
                if (c == open) {
                    depth++;
                } else if (c == close) {
                    depth--;
                }
            } while (depth > 0);
        }

        private String name() {
            int start = at;
            while (at < text.length() && (Character.isLetterOrDigit(text.charAt(at)) || text.charAt(at) == '_')) {
                at++;
            }
            if (start == at) {
                throw new IllegalArgumentException("A name expected at " + at + " of " + text);
            }
            return text.substring(start, at);
        }

        private void expect(char c) {
            space();
            if (peek() != c) {
                throw new IllegalArgumentException("'" + c + "' expected at " + at + " of " + text);
            }
            at++;
        }

        private char peek() {
            return at < text.length() ? text.charAt(at) : '\0';
        }

        private void space() {
            while (at < text.length() && (Character.isWhitespace(text.charAt(at)) || text.charAt(at) == ',')) {
                at++;
            }
        }
    }
}
