package io.rowflow.connector.declarative;

import com.fasterxml.jackson.databind.JsonNode;
import io.rowflow.connector.json.Paginator;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A declarative connector as read from {@code connectors/<id>/}: its metadata and its manifest, both already validated
 * against their JSON Schemas (connectors/metadata.schema.json, connectors/manifest.schema.json).
 */
public record Manifest(String id, String name, String version, String category, String icon, String brandColor,
        String monogram, URI docs, List<String> allowedHosts,
        List<String> oauthScopes, String baseUrl, JsonNode auth, RateLimit rateLimit, Map<Integer, String> errors,
        String errorPath, Map<String, CodedError> errorCodes, JsonNode spec, List<Stream> streams, JsonNode oauth,
        io.rowflow.pipeline.TextInference typedText, List<Picker> pickers) {

    /**
     * A setting picked from what the account lists ({@code pickers}): GET {@code path} (its placeholders filled with
     * the settings it {@code dependsOn}), paged as {@code paginator} says, the list at {@code records}; with
     * {@code within}, the list inside the one item matched there (a table's views). Each item gives an option's
     * {@code value} and {@code label}. {@code errors}: the sentences for refusals of this listing (a scope that only
     * listing needs), beside the manifest's.
     */
    public record Picker(String setting, String title, List<String> dependsOn, String path, String records,
            JsonNode within, String value, String label, Paginator paginator, Map<Integer, String> errors) {
        static Picker of(JsonNode p) {
            Map<Integer, String> errors = new LinkedHashMap<>();
            p.path("errors").forEach(e -> errors.put(e.get("status").asInt(), e.get("message").asText()));
            return new Picker(p.get("setting").asText(), p.get("title").asText(), texts(p.get("depends_on")),
                    p.get("path").asText(), p.get("records").asText(), p.get("within"), p.get("value").asText(),
                    p.path("label").asText(p.get("value").asText()), paginatorOf(p.get("paginator")), errors);
        }
    }

    /**
     * What a user reads when an answer names this failure at {@code error_path} (Slack's "invalid_auth" in a 200), and
     * the HTTP status it counts as (401 and 403 mark the connection's credentials refused); 0 for none.
     */
    public record CodedError(int status, String message) {
    }

    /**
     * One stream: its request ({@code method}, {@code path}, {@code params}, and a JSON {@code body} whose strings may
     * hold placeholders; null for none), where its records are, how its pages follow, the parent it is read once per
     * record of (null for none), and how its records are shaped.
     */
    public record Stream(String name, String title, String method, String path, Map<String, String> params,
            JsonNode body, String records, Paginator paginator, String unwrap, JsonNode discoverFields,
            JsonNode incremental, PartitionRouter partition, JsonNode listColumns, JsonNode documents,
            JsonNode retriever, List<String> unixTimeFields, RecordPipeline.MinorUnits minorUnits) {
        /** The lookback window of an incremental read: changes up to this long before the last one are read again. */
        java.time.Duration lookback() {
            return incremental == null || !incremental.hasNonNull("lookback") ? java.time.Duration.ZERO
                    : java.time.Duration.parse(incremental.get("lookback").asText());
        }

        /** How an incremental read lists the records deleted since the last one; null when it cannot. */
        JsonNode deletions() {
            return incremental == null ? null : incremental.get("deletions");
        }

        /** The listing of deleted records, read as a stream of its own with this stream's fields and shaping. */
        Stream deletionListing() {
            JsonNode deletions = deletions();
            Map<String, String> listingParams = new LinkedHashMap<>();
            deletions.path("params").fields().forEachRemaining(p -> listingParams.put(p.getKey(), p.getValue().asText()));
            return new Stream(name, title, "GET", deletions.get("path").asText(), listingParams, null,
                    deletions.get("records").asText(),
                    deletions.hasNonNull("paginator") ? paginatorOf(deletions.get("paginator")) : paginator, unwrap,
                    discoverFields,
                    null, null, listColumns, documents, null, unixTimeFields, minorUnits);
        }
    }

    /**
     * An API's rate limit: the published {@code requests} per {@code per} (null when it publishes none), the
     * {@code headers} its answers state the limit in (see {@link io.rowflow.http.RateLimitHeaders#named}), where to
     * learn the upstream account a credential belongs to ({@code accountPath} answering the account's id at
     * {@code accountId}), since the API counts per account, not per credential; null for neither; and how long it
     * refuses everything after a 429 that names no wait ({@code waitAfter429}, null when it does not say); and the
     * answer header in which it says whether a retry may succeed ({@code shouldRetryHeader}: Stripe-Should-Retry,
     * "true" or "false"; null when it has none).
     */
    public record RateLimit(Integer requests, Duration per, String headers, String accountPath, String accountId,
            QueryCost cost, Duration waitAfter429, String shouldRetryHeader) {
        static final RateLimit NONE = new RateLimit(null, null, null, null, null, null, null, null);

        static RateLimit of(JsonNode limit) {
            if (limit == null) {
                return NONE;
            }
            JsonNode account = limit.path("account");
            return new RateLimit(limit.hasNonNull("requests") ? limit.get("requests").asInt() : null,
                    limit.hasNonNull("per") ? Duration.parse(limit.get("per").asText()) : null,
                    limit.hasNonNull("headers") ? limit.get("headers").asText() : null,
                    account.hasNonNull("path") ? account.get("path").asText() : null,
                    account.hasNonNull("id") ? account.get("id").asText() : null,
                    limit.hasNonNull("cost") ? QueryCost.of(limit.get("cost")) : null,
                    limit.hasNonNull("wait_after_429") ? Duration.parse(limit.get("wait_after_429").asText()) : null,
                    limit.hasNonNull("should_retry_header") ? limit.get("should_retry_header").asText() : null);
        }

        boolean limited() {
            return requests != null || headers != null;
        }
    }

    /**
     * A budget of points rather than requests (Shopify's GraphQL query cost): where each answer says what the query
     * was expected to cost ({@code requested}), how many points are left ({@code available}), how fast they come back
     * ({@code restoreRate}, points per second) and how many the bucket holds ({@code maximum}, optional). Dotted paths
     * in the response body. {@code throttledPath} holding {@code throttledValue} marks an answer refused for want of
     * points (optional): it is asked again once the points it needs are back.
     */
    public record QueryCost(String requested, String available, String restoreRate, String maximum,
            String throttledPath, String throttledValue) {
        static QueryCost of(JsonNode cost) {
            JsonNode throttled = cost.path("throttled");
            return new QueryCost(cost.get("requested").asText(), cost.get("available").asText(),
                    cost.get("restore_rate").asText(), cost.hasNonNull("maximum") ? cost.get("maximum").asText() : null,
                    throttled.hasNonNull("path") ? throttled.get("path").asText() : null,
                    throttled.hasNonNull("value") ? throttled.get("value").asText() : null);
        }

        /** The paths to capture from each page. */
        List<String> paths() {
            List<String> paths = new ArrayList<>(List.of(requested, available, restoreRate));
            if (maximum != null) {
                paths.add(maximum);
            }
            if (throttledPath != null) {
                paths.add(throttledPath);
            }
            return paths;
        }

        /** Whether an answer is the API's refusal for want of points (Shopify's THROTTLED), to be asked again. */
        boolean throttled(Map<String, String> captured) {
            return throttledPath != null && throttledValue.equals(captured.get(throttledPath));
        }
    }

    static Manifest of(JsonNode metadata, JsonNode manifest) {
        Map<Integer, String> errors = new LinkedHashMap<>();
        Map<String, CodedError> errorCodes = new LinkedHashMap<>();
        for (JsonNode e : manifest.path("errors")) {
            if (e.hasNonNull("code")) {
                errorCodes.put(e.get("code").asText(), new CodedError(e.path("status").asInt(0),
                        e.get("message").asText()));
            } else {
                errors.put(e.get("status").asInt(), e.get("message").asText());
            }
        }
        List<Stream> streams = new ArrayList<>();
        for (JsonNode s : manifest.get("streams")) {
            Map<String, String> params = new LinkedHashMap<>();
            s.path("params").fields().forEachRemaining(p -> params.put(p.getKey(), p.getValue().asText()));
            streams.add(new Stream(s.get("name").asText(), s.path("title").asText(s.get("name").asText()),
                    s.path("method").asText("GET"), s.get("path").asText(), params, s.get("body"),
                    s.get("records").asText(), paginatorOf(s.get("paginator")),
                    s.hasNonNull("unwrap") ? s.get("unwrap").asText() : null, s.get("discover_fields"), s.get("incremental"),
                    s.hasNonNull("partition") ? PartitionRouter.of(s.get("partition")) : null, s.get("list_columns"),
                    s.get("documents"), s.get("retriever"), texts(s.get("unix_time_fields")),
                    RecordPipeline.MinorUnits.of(s.get("minor_units"))));
        }
        JsonNode limit = manifest.get("rate_limit");
        return new Manifest(metadata.get("id").asText(), metadata.get("name").asText(), metadata.get("version").asText(),
                metadata.get("category").asText(), metadata.path("icon").asText(null),
                metadata.path("brand_color").asText(null), metadata.path("monogram").asText(null),
                URI.create(metadata.get("docs").asText()),
                texts(metadata.get("allowed_hosts")), texts(metadata.get("oauth_scopes")),
                manifest.get("base_url").asText(), manifest.get("auth"),
                RateLimit.of(limit), errors, text(manifest, "error_path"), errorCodes, manifest.get("spec"), streams,
                manifest.get("oauth"), "dates".equals(manifest.path("typed_text").asText("all"))
                        ? io.rowflow.pipeline.TextInference.TEMPORAL_ONLY : io.rowflow.pipeline.TextInference.ALL,
                pickersOf(manifest.get("pickers")));
    }

    private static List<Picker> pickersOf(JsonNode pickers) {
        List<Picker> out = new ArrayList<>();
        if (pickers != null) {
            pickers.forEach(p -> out.add(Picker.of(p)));
        }
        return List.copyOf(out);
    }

    /** A stream's {@code paginator} as the paginator JSON from URL pages with too; none when it has none. */
    static Paginator paginatorOf(JsonNode paginator) {
        if (paginator == null) {
            return Paginator.NONE;
        }
        return switch (paginator.get("type").asText()) {
            case "cursor" -> new Paginator.Cursor(text(paginator, "cursor_path"), text(paginator, "param"),
                    text(paginator, "body_path"), text(paginator, "has_more_path"),
                    text(paginator, "last_record_field"));
            case "link" -> new Paginator.NextLink(text(paginator, "link_path"));
            case "offset" -> new Paginator.Offset(paginator.get("page_size").asInt(),
                    paginator.path("offset_param").asText("offset"), paginator.path("limit_param").asText("limit"),
                    text(paginator, "total_path"), text(paginator, "last_page_path"));
            case "page" -> new Paginator.PageNumber(paginator.get("page_size").asInt(),
                    paginator.path("page_param").asText("page"), text(paginator, "size_param"),
                    paginator.path("first_page").asInt(1), null);
            default -> Paginator.NONE;
        };
    }

    /** A paginator's optional text; an empty one is not set, as in JSON from URL's settings. */
    private static String text(JsonNode node, String field) {
        String text = node.path(field).asText("");
        return text.isBlank() ? null : text;
    }

    private static List<String> texts(JsonNode array) {
        List<String> out = new ArrayList<>();
        if (array != null) {
            array.forEach(n -> out.add(n.asText()));
        }
        return out;
    }

    /** Whether a host is one the connector may reach: listed, or under a listed {@code *.domain}. */
    boolean allows(String host) {
        return host != null && allowedHosts.stream().anyMatch(h -> h.startsWith("*.") ? host.endsWith(h.substring(1))
                && host.length() > h.length() - 1 : h.equalsIgnoreCase(host));
    }

    Stream stream(String name) {
        if (name == null) {
            return streams.get(0);
        }
        return streams.stream().filter(s -> s.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no stream " + name));
    }
}
