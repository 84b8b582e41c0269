package io.rowflow.connector.shopify;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.rowflow.common.error.DataException;
import io.rowflow.common.error.UpstreamException;
import io.rowflow.connector.declarative.StreamComponent;
import io.rowflow.connector.json.ApiRequest;
import io.rowflow.http.HttpRequestSpec;
import io.rowflow.http.TimeSource;
import io.rowflow.http.RequestBudget;
import io.rowflow.pipeline.Flattener;
import io.rowflow.pipeline.RecordSink;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import org.jboss.logging.Logger;

/**
 * A whole read of a large Shopify list through a bulk operation (https://shopify.dev/docs/api/usage/bulk-operations/queries)
 * instead of thousands of pages: {@code bulkOperationRunQuery} starts it, the operation is polled by its id
 * until it is COMPLETED (or FAILED with an {@code errorCode}, or CANCELED), and the JSONL file at its {@code url} is
 * read line by line. Each line is one object; the nodes of a nested connection come as lines of their own that name
 * their parent in {@code __parentId} (grouped under it: {@code groupObjects: true}), and are put back into their
 * parent where the paged query has them ({@code options.children}: the GID type → the path, {@code LineItem:
 * lineItems.nodes}), so the records equal the paged read's. Only one order and its line items are held at a time.
 *
 * <p>The file lives on another host (Google Cloud Storage) at a signed address: it is fetched through the same
 * guarded client (the SSRF checks apply), without the shop's token, capped at the size Shopify announced, and its
 * address is never logged or put in a message (its query is the signature). The waits between polls pass on the
 * clock given, so a test's time moves without sleeping.
 */
@ApplicationScoped
public class ShopifyBulkQuery implements StreamComponent {
    private static final Logger LOG = Logger.getLogger(ShopifyBulkQuery.class);
    /** Decimals as BigDecimal, as the paged read's pages are read, so both reads give the same values. */
    private static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);
    /**
     * Grouped output (children right after their parent) is asked for explicitly: the default changes across API
     * versions, and only grouped lines can be put back together one order at a time.
     */
    static final String RUN = "mutation RunBulkQuery($query: String!) { bulkOperationRunQuery(query: $query,"
            + " groupObjects: true) { bulkOperation { id status } userErrors { field message code } } }";
    static final String POLL = "query BulkOperation($id: ID!) { node(id: $id) { ... on BulkOperation { id status"
            + " errorCode objectCount rootObjectCount fileSize url } } }";
    static final String CURRENT = "query CurrentBulkOperation { currentBulkOperation(type: QUERY) { id status } }";
    /** Times another bulk query of the same app and shop is waited out before this read gives up. */
    static final int STARTS = 5;

    private final TimeSource clock;

    @Inject
    public ShopifyBulkQuery() {
        this(TimeSource.SYSTEM);
    }

    public ShopifyBulkQuery(TimeSource clock) {
        this.clock = clock;
    }

    @Override
    public String id() {
        return "shopify-bulk";
    }

    /** What the options say: the bulk query, where each child type goes, and the waits between polls. */
    record Options(String query, Map<String, String> children, Duration firstPoll, Duration longestPoll) {
        static Options of(JsonNode options) {
            Map<String, String> children = new LinkedHashMap<>();
            options.path("children").fields().forEachRemaining(c -> children.put(c.getKey(), c.getValue().asText()));
            return new Options(options.get("query").asText(), children,
                    Duration.parse(options.path("first_poll").asText("PT1S")),
                    Duration.parse(options.path("longest_poll").asText("PT30S")));
        }
    }

    @Override
    public void read(Call call, RecordSink sink) {
        Options options = Options.of(call.options());
        String id = start(call, options);
        JsonNode done = awaitEnd(call, options, id);
        String url = done.path("url").asText(null);
        if (url == null) {
            LOG.infof("Shopify's bulk operation %s completed with no objects", id);
            return; // Shopify gives no file when the query matched nothing
        }
        long rows = download(call, options, URI.create(url), done.path("fileSize").asLong(-1), sink);
        long counted = done.path("rootObjectCount").asLong(-1);
        if (counted >= 0 && counted != rows) {
            LOG.warnf("Shopify's bulk operation %s counted %d objects at the root, its file held %d", id, counted, rows);
        }
    }

    /** Starts the bulk query; another of the same app and shop still running is waited out first. */
    private String start(Call call, Options options) {
        for (int attempt = 1;; attempt++) {
            ObjectNode body = JSON.createObjectNode().put("query", RUN);
            body.putObject("variables").put("query", options.query());
            JsonNode answer = graphql(call, body);
            JsonNode payload = answer.path("data").path("bulkOperationRunQuery");
            List<String> refusals = new ArrayList<>();
            boolean busy = false;
            for (JsonNode error : payload.path("userErrors")) {
                refusals.add(error.path("message").asText());
                busy |= "OPERATION_IN_PROGRESS".equals(error.path("code").asText());
            }
            if (busy && attempt < STARTS) {
                // Shopify runs one bulk query per app and shop: another flow's (or an earlier, cancelled run's).
                LOG.infof("Shopify is running another bulk query for this app and shop; waiting for it to end");
                awaitCurrentEnd(call, options);
                continue;
            }
            if (!refusals.isEmpty()) {
                throw new DataException("Shopify refused to start the bulk export: " + String.join("; ", refusals)
                        + (busy ? ". Another bulk query of this app kept the shop busy; run the flow again later" : ""));
            }
            String id = payload.path("bulkOperation").path("id").asText(null);
            if (id == null) {
                throw new UpstreamException("Shopify started no bulk export and named no reason", answer.toString(),
                        null, true);
            }
            LOG.infof("Shopify bulk operation %s started", id);
            return id;
        }
    }

    /** Polls the operation until it ends; answers it when COMPLETED, fails saying why otherwise. */
    private JsonNode awaitEnd(Call call, Options options, String id) {
        Duration wait = options.firstPoll();
        while (true) {
            ObjectNode body = JSON.createObjectNode().put("query", POLL);
            body.putObject("variables").put("id", id);
            JsonNode operation = graphql(call, body).path("data").path("node");
            String status = operation.path("status").asText("");
            switch (status) {
                case "COMPLETED":
                    return operation;
                case "CREATED", "RUNNING":
                    break;
                case "FAILED":
                    throw failed(operation.path("errorCode").asText("(no errorCode)"));
                case "CANCELED", "CANCELING":
                    throw new UpstreamException("Shopify's bulk export of this stream was canceled before it ended (by"
                            + " someone in the shop or another process using this app); run the flow again",
                            status, null, true);
                case "EXPIRED":
                    throw new UpstreamException("Shopify's bulk export expired before its file was read; run the flow"
                            + " again", status, null, true);
                default:
                    throw new UpstreamException("Shopify does not know the bulk operation " + id + " any more"
                            + " (status \"" + status + "\")", operation.toString(), null, true);
            }
            pause(wait);
            wait = min(wait.multipliedBy(2), options.longestPoll());
        }
    }

    /** Waits until the shop's current bulk query of this app is no longer running. */
    private void awaitCurrentEnd(Call call, Options options) {
        Duration wait = options.firstPoll();
        while (true) {
            JsonNode current = graphql(call, JSON.createObjectNode().put("query", CURRENT)).path("data")
                    .path("currentBulkOperation");
            String status = current.path("status").asText("");
            if (!status.equals("CREATED") && !status.equals("RUNNING") && !status.equals("CANCELING")) {
                return;
            }
            pause(wait);
            wait = min(wait.multipliedBy(2), options.longestPoll());
        }
    }

    /** FAILED, in words that say what to do (https://shopify.dev/docs/api/admin-graphql/latest/enums/BulkOperationErrorCode). */
    private static UpstreamException failed(String code) {
        return switch (code) {
            case "ACCESS_DENIED" -> new UpstreamException("Shopify stopped the bulk export: the app lacks an access"
                    + " scope the query needs (ACCESS_DENIED). Give the app read_orders (and read_all_orders for"
                    + " orders older than 60 days), then run the flow again", code, null, false, 403);
            case "TIMEOUT" -> new UpstreamException("Shopify's bulk export ran out of time (TIMEOUT); run the flow"
                    + " again, or ask Shopify's support if it keeps happening", code, null, true);
            case "INTERNAL_SERVER_ERROR" -> new UpstreamException("Shopify's bulk export failed on Shopify's side"
                    + " (INTERNAL_SERVER_ERROR); run the flow again", code, null, true);
            default -> new UpstreamException("Shopify's bulk export failed (" + code + "); run the flow again", code,
                    null, true);
        };
    }

    /** One GraphQL request to the shop, paced by its query cost and asked again when THROTTLED. */
    private static JsonNode graphql(Call call, ObjectNode body) {
        Map<String, String> headers = new LinkedHashMap<>(call.headers());
        headers.put("Content-Type", "application/json");
        URI endpoint = URI.create(call.base().toString().replaceAll("/+$", "") + "/graphql.json");
        JsonNode answer = call.requester().query(new ApiRequest("POST", endpoint, headers, Map.of(), Map.of(),
                body.toString(), ""));
        if (!answer.has("data") || answer.get("data").isNull()) {
            List<String> messages = new ArrayList<>();
            answer.path("errors").forEach(e -> messages.add(e.path("message").asText()));
            throw new UpstreamException("Shopify refused the bulk export's request: " + (messages.isEmpty()
                    ? "no data and no reason" : String.join("; ", messages)), answer.path("errors").toString(), null,
                    false);
        }
        return answer;
    }

    /**
     * Streams the JSONL file into records: each object line opens a record, the lines naming it as their parent go
     * into its lists, and it is emitted when the next object line (or the end) comes. Answers the records emitted.
     */
    private long download(Call call, Options options, URI url, long announcedBytes, RecordSink sink) {
        boolean plainApi = "http".equalsIgnoreCase(call.base().getScheme());
        if (!"https".equalsIgnoreCase(url.getScheme()) && !plainApi) {
            throw new UpstreamException("Shopify's bulk export gave a file address that is not https (" + url.getScheme()
                    + "://" + url.getHost() + "); it was not fetched", null, null, false);
        }
        LOG.infof("Reading Shopify's bulk export file from %s (%d bytes)", url.getHost(), announcedBytes);
        // No header of the connection goes to the file's host: the signed address is the only credential it takes.
        HttpRequestSpec spec = new HttpRequestSpec("GET", url, Map.of("Accept", "application/jsonl"), null, true);
        // Read as a stream whatever its size, but not past what Shopify announced (a MiB of slack for its count).
        long cap = announcedBytes >= 0 ? announcedBytes + (1 << 20) : Long.MAX_VALUE;
        return call.context().http().execute(spec, response -> {
            Assembler records = new Assembler(options.children(), sink);
            try (BufferedReader lines = new BufferedReader(new InputStreamReader(response.stream(),
                    StandardCharsets.UTF_8), 1 << 16)) {
                for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                    if (!line.isBlank()) {
                        records.line((ObjectNode) JSON.readTree(line));
                    }
                }
            }
            return records.finish();
        }, RequestBudget.UNLIMITED, cap);
    }

    /** Puts child lines back into their parent, one parent at a time. */
    static final class Assembler {
        private final Map<String, String> children;
        private final RecordSink sink;
        private ObjectNode open;
        private Map<String, ArrayNode> lists;
        private long emitted;

        Assembler(Map<String, String> children, RecordSink sink) {
            this.children = children;
            this.sink = sink;
        }

        void line(ObjectNode node) {
            JsonNode parent = node.remove("__parentId");
            if (parent == null) {
                emit();
                open = node;
                lists = new LinkedHashMap<>();
                children.keySet().forEach(type -> lists.put(type, JSON.createArrayNode()));
                return;
            }
            String type = gidType(node.path("id").asText());
            ArrayNode list = lists == null ? null : lists.get(type);
            if (list == null) {
                throw new DataException("Shopify's bulk file has a " + type + " line the bulk query does not place"
                        + " (options.children of the stream's retriever)");
            }
            if (!parent.asText().equals(open.path("id").asText())) {
                throw new DataException("Shopify's bulk file lists " + node.path("id").asText() + " away from its parent "
                        + parent.asText() + "; the export must group children under their parent (groupObjects)");
            }
            list.add(node);
        }

        long finish() {
            emit();
            return emitted;
        }

        private void emit() {
            if (open == null) {
                return;
            }
            for (Map.Entry<String, ArrayNode> list : lists.entrySet()) {
                ObjectNode at = open;
                String[] path = children.get(list.getKey()).split("\\.");
                for (int i = 0; i < path.length - 1; i++) {
                    at = at.has(path[i]) && at.get(path[i]).isObject() ? (ObjectNode) at.get(path[i])
                            : at.putObject(path[i]);
                }
                at.set(path[path.length - 1], list.getValue());
            }
            try (JsonParser parser = JSON.treeAsTokens(open)) {
                parser.nextToken();
                sink.accept(Flattener.flatten(parser));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            emitted++;
            open = null;
        }

        /** "LineItem" of gid://shopify/LineItem/123. */
        private static String gidType(String gid) {
            String[] parts = gid.split("/");
            return parts.length >= 2 ? parts[parts.length - 2] : gid;
        }
    }

    private void pause(Duration wait) {
        try {
            clock.sleep(wait);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CancellationException("Interrupted while waiting for Shopify's bulk export");
        }
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }
}
