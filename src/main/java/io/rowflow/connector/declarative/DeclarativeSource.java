package io.rowflow.connector.declarative;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.rowflow.common.digest.Digests;
import io.rowflow.common.error.UpstreamException;
import io.rowflow.common.schema.ConfigSchema;
import io.rowflow.connector.ChangeTimes;
import io.rowflow.connector.ConnectorDescriptor;
import io.rowflow.connector.IncrementalSync;
import io.rowflow.connector.OAuthSignIn;
import io.rowflow.connector.SourceConnector;
import io.rowflow.connector.SourceContext;
import io.rowflow.connector.json.JsonUrlSource;
import io.rowflow.http.HttpRequestSpec;
import io.rowflow.http.Origin;
import io.rowflow.http.RequestBudget;
import io.rowflow.pipeline.RecordSink;
import io.rowflow.pipeline.TextInference;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A source defined by a manifest, read by one engine: the manifest's stream becomes requests (its path on the base
 * URL, its parameters, the authentication), pages are followed until the API's own last-page signal, records are
 * taken from their path, a nested object can be unwrapped into columns named by the labels the API gives its fields,
 * requests are drawn from the API's published budget, and the API's refusals become sentences a user can act on.
 * Paging, streaming and retries (429 with Retry-After, 5xx with backoff) are {@link JsonUrlSource}'s.
 */
public final class DeclarativeSource implements SourceConnector, OAuthSignIn {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{\\s*config\\.([A-Za-z0-9_]+)\\s*}}");
    /**
     * One budget per upstream account on this node (HubSpot's portal), whatever the number of connections and runs on
     * it; per credential for APIs that do not say which account a credential is of.
     */
    private static final Map<String, RequestBudget> BUDGETS = new ConcurrentHashMap<>();
    /** The upstream account of each credential, asked of the API once per credential on this node. */
    private static final Map<String, String> ACCOUNTS = new ConcurrentHashMap<>();

    private final Manifest manifest;
    /** The installation's replacement of the manifest's base URL, trusted as configured; null to use the manifest's. */
    private final URI baseUrl;
    private final ConfigSchema schema;
    private final JsonUrlSource pages;
    private final StreamComponents components;

    DeclarativeSource(Manifest manifest, URI baseUrl, JsonUrlSource pages, StreamComponents components) {
        this.manifest = manifest;
        this.baseUrl = baseUrl;
        this.schema = ConfigSchema.of(manifest.spec());
        this.pages = pages;
        this.components = components;
    }

    @Override
    public ConnectorDescriptor descriptor() {
        return new ConnectorDescriptor(manifest.id(), manifest.name(), manifest.category(), manifest.auth().get("type")
                .asText(), manifest.spec(), manifest.streams().stream().map(Manifest.Stream::name).toList(),
                manifest.streams().stream().filter(st -> st.incremental() != null).map(Manifest.Stream::name).toList(),
                manifest.oauth() != null).withBrand(manifest.brandColor(), manifest.monogram());
    }

    @Override
    public ConfigSchema schema() {
        return schema;
    }

    /**
     * As the manifest says ({@code typed_text}): APIs such as HubSpot send every value as text, numbers included, so
     * types are found from the text; an API such as Jira sends numbers as numbers and means its strings as text.
     */
    @Override
    public TextInference textInference() {
        return manifest.typedText();
    }

    /** The host the settings lead to (a Jira site); the manifest's allowed hosts bound it further. */
    @Override
    public Optional<Origin> origin(JsonNode config) {
        try {
            return Origin.of(base(schema.withDefaults(config)));
        } catch (RuntimeException notAllowed) {
            return Optional.empty();
        }
    }

    @Override
    public boolean incremental(String stream) {
        return manifest.stream(stream).incremental() != null;
    }

    /** Where and how one read reaches the API: its address, the authentication, the read's budget. */
    private record Api(URI base, Map<String, String> headers, Map<String, String> secretQuery, SourceContext context) {
    }

    @Override
    public boolean listsDeletions(String stream) {
        return manifest.stream(stream).deletions() != null;
    }

    @Override
    public void read(SourceContext context, RecordSink sink) {
        Manifest.Stream stream = manifest.stream(context.stream());
        JsonNode config = schema.withDefaults(context.config());
        Map<String, String> headers = new LinkedHashMap<>();
        Map<String, String> secretQuery = new LinkedHashMap<>();
        authenticate(config, headers, secretQuery);
        IncrementalSync sync = stream.incremental() == null ? null : context.sync();
        Instant since = sync == null ? null : sync.start(stream.lookback()).orElse(null);
        try {
            URI base = base(config);
            Api api = new Api(base, headers, secretQuery, context.withBudget(budget(context, base, headers, secretQuery)));
            Fields fields = stream.discoverFields() == null ? Fields.NONE
                    : discover(api, stream.discoverFields(), config);
            JsonNode mergedIds = since == null || stream.deletions() == null ? null : stream.deletions().get("merged_ids");
            Fields asked = mergedIds == null ? fields : fields.with(mergedIds.get("field").asText());
            RecordSink shaped = admitted(stream.incremental(), sync, mergedAway(mergedIds, stream.unwrap(), fields, sync,
                    listColumns(stream.listColumns(), documents(stream.documents(), config,
                            new StableColumns(stream.unwrap(), fields, sink)))));
            JsonNode component = stream.incremental() == null ? null : stream.incremental().get("component");
            if (stream.partition() != null) {
                readPartitions(api, stream, config, since, fields, shaped);
            } else if (since != null && component != null) {
                components.require(component.asText(), "component").readChanges(new StreamComponent.Call(api.base(),
                        headers, api.context(), stream.incremental().path("options"), asked.names(), since), shaped);
            } else {
                pages.read(api.context().withConfig(request(api, stream, config, since, asked, null, Map.of())), shaped);
            }
        } catch (UpstreamException e) {
            throw explained(e);
        }
    }

    /**
     * The records deleted since the last read: the manifest's listing of deleted records (read whole, kept only when
     * deleted after the start and not reported before), then the keys that changed records named as merged into them,
     * each key once. They are shaped as the stream's records are, so they have its columns.
     */
    @Override
    public void readDeletions(SourceContext context, RecordSink sink) {
        Manifest.Stream stream = manifest.stream(context.stream());
        IncrementalSync sync = context.sync();
        if (stream.deletions() == null || sync == null || sync.startDeletions(stream.lookback()).isEmpty()) {
            return;
        }
        JsonNode config = schema.withDefaults(context.config());
        Map<String, String> headers = new LinkedHashMap<>();
        Map<String, String> secretQuery = new LinkedHashMap<>();
        authenticate(config, headers, secretQuery);
        String keyField = stream.incremental().get("primary_key").asText();
        String deletedAt = stream.deletions().get("deleted_at").asText();
        java.util.Set<String> reported = new java.util.HashSet<>();
        try {
            URI base = base(config);
            Api api = new Api(base, headers, secretQuery, context.withBudget(budget(context, base, headers, secretQuery)));
            Fields fields = stream.discoverFields() == null ? Fields.NONE
                    : discover(api, stream.discoverFields(), config);
            RecordSink shaped = listColumns(stream.listColumns(), documents(stream.documents(), config,
                    new StableColumns(stream.unwrap(), fields, sink)));
            Manifest.Stream listing = stream.deletionListing();
            // The deletion time is the listing's own field: kept out, so deleted records have the stream's columns.
            boolean own = !deletedAt.equals(stream.incremental().get("cursor_field").asText());
            pages.read(api.context().withConfig(request(api, listing, config, null, fields, null, Map.of())), record -> {
                Object key = record.get(keyField);
                Object at = own ? record.remove(deletedAt) : record.get(deletedAt);
                if (key != null && sync.admitDeletion(key.toString(), ChangeTimes.parse(at))
                        && reported.add(key.toString())) {
                    shaped.accept(record);
                }
            });
            for (String key : sync.mergedAway()) {
                if (reported.add(key)) {
                    Map<String, Object> record = new LinkedHashMap<>();
                    record.put(keyField, key);
                    shaped.accept(record);
                }
            }
        } catch (UpstreamException e) {
            throw explained(e);
        }
    }

    /** The API's refusal in the manifest's words, where it has some for the status. */
    private UpstreamException explained(UpstreamException e) {
        String sentence = manifest.errors().get(e.status());
        if (sentence == null) {
            return e;
        }
        return new UpstreamException(sentence + " (" + e.getMessage() + ")", e.upstreamMessage(), e, false, e.status());
    }

    /**
     * The keys a changed record names in the manifest's merged-ids field, told to the read as gone; the field is asked
     * for even when the connection's field choice leaves it out, and then taken off the record again.
     */
    private static RecordSink mergedAway(JsonNode mergedIds, String unwrap, Fields fields, IncrementalSync sync,
            RecordSink sink) {
        if (mergedIds == null || sync == null) {
            return sink;
        }
        String field = mergedIds.get("field").asText();
        String path = unwrap == null ? field : unwrap + "." + field;
        String separator = mergedIds.path("separator").asText(";");
        boolean chosen = fields.names().isEmpty() || fields.names().contains(field);
        return record -> {
            Object value = chosen ? record.get(path) : record.remove(path);
            if (value != null) {
                for (String key : value.toString().split(Pattern.quote(separator))) {
                    if (!key.isBlank()) {
                        sync.mergedAway(key.strip());
                    }
                }
            }
            sink.accept(record);
        };
    }

    /**
     * The stream's first request: its path (with a parent's value for a partition), its parameters — the incremental
     * ones, with the start time, when reading changes — and the fields discovered.
     */
    private ObjectNode request(Api api, Manifest.Stream stream, JsonNode config, Instant since, Fields fields,
            String partition, Map<String, String> overrides) {
        Map<String, String> params = stream.params();
        if (since != null && stream.incremental().has("params")) {
            params = new LinkedHashMap<>();
            for (var p : (Iterable<Map.Entry<String, JsonNode>>) stream.incremental().get("params")::fields) {
                params.put(p.getKey(), p.getValue().asText());
            }
        }
        Map<String, String> query = new LinkedHashMap<>();
        for (Map.Entry<String, String> p : params.entrySet()) {
            query.put(p.getKey(), since == null ? fill(p.getValue(), config) : fillSince(fill(p.getValue(), config),
                    since, stream.incremental(), config));
        }
        if (!fields.names().isEmpty()) {
            query.put(stream.discoverFields().get("param").asText(), String.join(",", fields.names()));
        }
        query.putAll(overrides);
        String path = fill(stream.path(), config);
        if (partition != null) {
            path = path.replace("{{partition}}", java.net.URLEncoder.encode(partition, StandardCharsets.UTF_8)
                    .replace("+", "%20"));
        }
        ObjectNode request = JSON.createObjectNode();
        request.put("url", url(api.base(), path).toString());
        request.set("headers", JSON.valueToTree(api.headers()));
        request.set("query", JSON.valueToTree(query));
        request.set("secretQuery", JSON.valueToTree(api.secretQuery()));
        request.put("recordsPath", stream.records());
        request.set("pagination", pagination(stream.paginator()));
        return request;
    }

    /**
     * A stream read once per record of its parent stream (sprints per board, worklogs per issue), the parent's value
     * added as a column. Reading changes, the parent is asked for what changed too (an issue's worklog changes its
     * update time). A parent that has nothing of this stream (a Kanban board has no sprints) is skipped.
     */
    private void readPartitions(Api api, Manifest.Stream stream, JsonNode config, Instant since, Fields fields,
            RecordSink sink) {
        JsonNode partition = stream.partition();
        Manifest.Stream parent = manifest.stream(partition.get("stream").asText());
        Map<String, String> overrides = new LinkedHashMap<>();
        partition.path("params").fields().forEachRemaining(p -> overrides.put(p.getKey(), p.getValue().asText()));
        Instant parentSince = since != null && parent.incremental() != null && parent.incremental().has("params")
                ? since : null;
        String field = partition.get("field").asText();
        java.util.LinkedHashSet<String> values = new java.util.LinkedHashSet<>();
        pages.read(api.context().withConfig(request(api, parent, config, parentSince, Fields.NONE, null, overrides)),
                record -> {
                    Object value = record.get(field);
                    if (value != null) {
                        values.add(value.toString());
                    }
                });
        java.util.Set<Integer> skip = new java.util.HashSet<>();
        partition.path("skip_status").forEach(status -> skip.add(status.asInt()));
        String column = partition.get("column").asText();
        for (String value : values) {
            try {
                pages.read(api.context().withConfig(request(api, stream, config, since, fields, value, Map.of())),
                        record -> {
                            Map<String, Object> out = new LinkedHashMap<>();
                            out.put(column, value);
                            record.forEach(out::putIfAbsent);
                            sink.accept(out);
                        });
            } catch (UpstreamException e) {
                if (!skip.contains(e.status())) {
                    throw e;
                }
            }
        }
    }

    /** {@code {{since}}} replaced by the start time as the API reads it (its format, in its time zone). */
    private static String fillSince(String template, Instant since, JsonNode incremental, JsonNode config) {
        if (!template.contains("{{since}}")) {
            return template;
        }
        String zone = fill(incremental.path("since_zone").asText("UTC"), config);
        String format = incremental.hasNonNull("since_format") ? incremental.get("since_format").asText() : null;
        return template.replace("{{since}}", ChangeTimes.format(since, format,
                java.time.ZoneId.of(zone.isBlank() ? "UTC" : zone)));
    }

    /** Only changes not delivered before go on (see {@link IncrementalSync#admit}). */
    private static RecordSink admitted(JsonNode incremental, IncrementalSync sync, RecordSink sink) {
        if (incremental == null || sync == null) {
            return sink;
        }
        String keyField = incremental.get("primary_key").asText();
        String cursorField = incremental.get("cursor_field").asText();
        return record -> {
            Object key = record.get(keyField);
            if (sync.admit(key == null ? null : key.toString(), ChangeTimes.parse(record.get(cursorField)))) {
                sink.accept(record);
            }
        };
    }

    /** Arrays of objects (associated records) as one column of their values joined by commas: "501,502". */
    private static RecordSink listColumns(JsonNode specs, RecordSink sink) {
        if (specs == null || specs.isEmpty()) {
            return sink;
        }
        return record -> {
            for (JsonNode spec : specs) {
                Object list = record.remove(spec.get("path").asText());
                String joined = null;
                if (list instanceof io.rowflow.pipeline.JsonText text) {
                    try {
                        List<String> values = new java.util.ArrayList<>();
                        for (JsonNode item : JSON.readTree(text.json())) {
                            values.add(item.path(spec.get("field").asText()).asText());
                        }
                        joined = String.join(",", values);
                    } catch (java.io.IOException e) {
                        throw new IllegalStateException(e);
                    }
                }
                record.put(spec.get("column").asText(), joined);
            }
            sink.accept(record);
        };
    }

    /** The manifest's OAuth settings, if it can sign in with OAuth. */
    @Override
    public java.util.Optional<JsonNode> oauth() {
        return java.util.Optional.ofNullable(manifest.oauth());
    }

    @Override
    public List<String> oauthScopes() {
        return manifest.oauthScopes();
    }

    /** Whether the connection signed in with OAuth (its tokens are in its settings) rather than with the manifest's auth. */
    private boolean signedIn(JsonNode config) {
        return manifest.oauth() != null && config.hasNonNull("access_token") && !manifest.auth().get("type").asText()
                .equals("bearer");
    }

    private void authenticate(JsonNode config, Map<String, String> headers, Map<String, String> secretQuery) {
        if (signedIn(config)) {
            headers.put("Authorization", "Bearer " + config.get("access_token").asText());
            return;
        }
        JsonNode auth = manifest.auth();
        switch (auth.get("type").asText()) {
            case "bearer" -> headers.put("Authorization", "Bearer " + fill(auth.get("token").asText(), config));
            case "basic" -> headers.put("Authorization", "Basic " + Base64.getEncoder().encodeToString((fill(
                    auth.get("username").asText(), config) + ":" + fill(auth.get("password").asText(), config))
                    .getBytes(StandardCharsets.UTF_8)));
            case "api_key" -> (auth.get("in").asText().equals("header") ? headers : secretQuery)
                    .put(auth.get("name").asText(), fill(auth.get("value").asText(), config));
            default -> {
                // no credentials
            }
        }
    }

    /**
     * The budget of the upstream account the read's credential is of. APIs count requests per account (HubSpot: per
     * app and portal), so two connections on one account share one budget; the account is asked of the API once per
     * credential (a fixed credential, whichever connections hold it; an OAuth sign-in per connection, as its token
     * changes at every refresh). Without a way to ask, the credential stands for its account.
     */
    private RequestBudget budget(SourceContext context, URI base, Map<String, String> headers,
            Map<String, String> secretQuery) {
        Manifest.RateLimit limit = manifest.rateLimit();
        if (!limit.limited()) {
            return RequestBudget.UNLIMITED;
        }
        String credential = Digests.sha256(manifest.id() + "\n" + base + "\n" + (context.accessTokens() != null
                ? context.connectionId() : headers + "\n" + secretQuery));
        io.rowflow.http.RateLimitHeaders reader = io.rowflow.http.RateLimitHeaders.named(limit.headers());
        String account = limit.accountPath() == null ? "credential:" + credential : ACCOUNTS.get(credential);
        io.rowflow.http.RateLimitHeaders.State seen = null;
        if (account == null) {
            AccountAnswer answer = account(context, base, headers, secretQuery, limit, reader);
            account = answer.id() == null ? "credential:" + credential : "account:" + answer.id();
            ACCOUNTS.put(credential, account);
            seen = answer.limit();
        }
        RequestBudget budget = BUDGETS.computeIfAbsent(manifest.id() + "/" + account, k -> RequestBudget.following(
                manifest.name(), reader, limit.requests(), limit.per()));
        if (seen != null) {
            budget.observe(seen);
        }
        return budget;
    }

    /** The account a credential is of (null when the API does not tell it), and what that answer said of the limit. */
    private record AccountAnswer(String id, io.rowflow.http.RateLimitHeaders.State limit) {
    }

    private AccountAnswer account(SourceContext context, URI base, Map<String, String> headers,
            Map<String, String> secretQuery, Manifest.RateLimit limit, io.rowflow.http.RateLimitHeaders reader) {
        URI uri = JsonUrlSource.withQuery(url(base, limit.accountPath()), secretQuery, Map.of());
        Map<String, String> asked = new LinkedHashMap<>(headers);
        asked.put("Accept", "application/json");
        try {
            return JsonUrlSource.withFreshToken(context, asked, () -> context.http().execute(new HttpRequestSpec("GET",
                    uri, asked, null), response -> {
                        JsonNode id = JSON.readTree(response.stream()).path(limit.accountId());
                        return new AccountAnswer(id.isMissingNode() || id.isNull() ? null : id.asText(),
                                reader.read(response.header()).orElse(null));
                    }));
        } catch (UpstreamException e) {
            if (e.status() == 401 || e.passing()) {
                throw e; // the credential is refused, or the API is busy: the read would fail too
            }
            // The account cannot be told (a missing scope, an older API): the credential stands for it.
            return new AccountAnswer(null, null);
        }
    }

    /**
     * The fields the API lists for a stream, in its order: their names (asked for), labels (column names), and the
     * columns each gives ({@code columns}: the sub-fields its type declares, e.g. a user's displayName and
     * accountId; empty for a value that is its own column). {@code announced} are the fields the records carry.
     */
    record Fields(List<String> names, Map<String, String> labels, Map<String, List<String>> columns,
            List<String> announced) {
        static final Fields NONE = new Fields(List.of(), Map.of(), Map.of(), List.of());

        /** These fields and one more, when the fields are named at all (none named asks the API for its defaults). */
        Fields with(String field) {
            if (names.isEmpty() || names.contains(field)) {
                return this;
            }
            List<String> more = new java.util.ArrayList<>(names);
            more.add(field);
            return new Fields(more, labels, columns, announced);
        }
    }

    /** The stream's fields as the API lists them (custom ones included), with the labels people know them by. */
    private Fields discover(Api api, JsonNode spec, JsonNode config) {
        Map<String, String> headers = api.headers();
        SourceContext context = api.context();
        URI uri = JsonUrlSource.withQuery(url(api.base(), spec.get("path").asText()), api.secretQuery(), Map.of());
        JsonNode body = JsonUrlSource.withFreshToken(context, headers, () -> context.http().execute(
                new HttpRequestSpec("GET", uri, headers, null), response -> JSON.readTree(response.stream()),
                context.budget()));
        JsonNode records = body;
        for (String part : spec.get("records").asText().split("\\.")) {
            if (!part.isEmpty()) {
                records = records.path(part);
            }
        }
        List<String> names = new java.util.ArrayList<>();
        Map<String, String> labels = new LinkedHashMap<>();
        Map<String, List<String>> columns = new LinkedHashMap<>();
        List<String> returned = new java.util.ArrayList<>();
        String labelField = spec.hasNonNull("label") ? spec.get("label").asText() : null;
        JsonNode byType = spec.path("columns_by_type");
        for (JsonNode field : records) {
            String name = field.path(spec.get("name").asText()).asText();
            if (!name.isEmpty()) {
                names.add(name);
                if (labelField != null && !field.path(labelField).asText().isBlank()) {
                    labels.put(name, field.path(labelField).asText().strip());
                }
                List<String> sub = new java.util.ArrayList<>();
                if (spec.hasNonNull("type")) {
                    byType.path(at(field, spec.get("type").asText()).asText()).forEach(c -> sub.add(c.asText()));
                }
                columns.put(name, List.copyOf(sub));
                // A field the API never puts in a record (Jira's non-navigable ones) gets no column.
                if (!spec.hasNonNull("returned") || at(field, spec.get("returned").asText()).asBoolean(true)) {
                    returned.add(name);
                }
            }
        }
        // A connection may pick some fields (by name or label): the others are not asked for.
        String picked = spec.hasNonNull("select") ? fill(spec.get("select").asText(), config).strip() : "";
        if (!picked.isEmpty()) {
            List<String> chosen = new java.util.ArrayList<>();
            for (String wanted : picked.split("\\s*,\\s*")) {
                String name = names.contains(wanted) ? wanted : labels.entrySet().stream().filter(e -> e.getValue()
                        .equalsIgnoreCase(wanted)).map(Map.Entry::getKey).findFirst().orElse(null);
                if (name == null) {
                    throw new io.rowflow.common.error.DataException(manifest.name() + " has no field \"" + wanted
                            + "\" in this stream; it has " + names);
                }
                chosen.add(name);
            }
            names = chosen;
        }
        List<String> asked = names;
        // Without types the columns cannot be known before the records: they come as the records bring them.
        return spec.hasNonNull("type") ? new Fields(names, labels, columns, returned.stream().filter(asked::contains)
                .toList()) : new Fields(names, labels, Map.of(), List.of());
    }

    /** The value at a dotted path in a JSON object ("schema.type"). */
    private static JsonNode at(JsonNode node, String path) {
        for (String part : path.split("\\.")) {
            node = node.path(part);
        }
        return node;
    }

    /**
     * Records with the unwrapped object's fields as columns of their own, named by their labels, in a stable order:
     * with the field list's types, the first record is preceded by the columns of every field the API lists (the
     * record's own top-level columns first), so that the columns and their order come from the field list, not from
     * whichever record came first. A field whose type declares its columns (a user: displayName, accountId) gives
     * those, empty when the field is (an unassigned issue), and no others; a field without declared columns is one
     * column, or its nested values under its label ("Status.name") when its type is not known.
     */
    static final class StableColumns implements RecordSink {
        private final String prefix;
        private final Fields fields;
        private final RecordSink sink;
        /** Each field's column name: its label, or its label and name when another column has that label. */
        private Map<String, String> baseNames;

        StableColumns(String unwrap, Fields fields, RecordSink sink) {
            this.prefix = unwrap == null ? null : unwrap + ".";
            this.fields = fields;
            this.sink = sink;
        }

        @Override
        public void accept(Map<String, Object> record) {
            if (prefix == null) {
                sink.accept(record);
                return;
            }
            Map<String, Object> out = new LinkedHashMap<>();
            record.forEach((key, value) -> {
                if (!key.startsWith(prefix)) {
                    out.put(key, value);
                }
            });
            if (baseNames == null) {
                baseNames = fields.announced().isEmpty() ? Map.of() : baseNames(out.keySet());
                if (!fields.announced().isEmpty()) {
                    List<String> announced = new java.util.ArrayList<>(out.keySet());
                    for (String field : fields.announced()) {
                        List<String> sub = fields.columns().getOrDefault(field, List.of());
                        if (sub.isEmpty()) {
                            announced.add(baseNames.get(field));
                        } else {
                            sub.forEach(column -> announced.add(baseNames.get(field) + "." + column));
                        }
                    }
                    sink.accept(io.rowflow.pipeline.ColumnsAnnouncement.of(announced));
                }
            }
            record.forEach((key, value) -> {
                if (key.startsWith(prefix)) {
                    String field = key.substring(prefix.length());
                    // A nested value (Jira's status.name) keeps its path under the field's label: "Status.name".
                    int dot = field.indexOf('.');
                    String head = dot < 0 ? field : field.substring(0, dot);
                    String rest = dot < 0 ? "" : field.substring(dot + 1);
                    List<String> sub = fields.columns().getOrDefault(head, List.of());
                    String base = baseNames.get(head);
                    if (base == null) {
                        // Not in the field list: named as it comes, its label taken by another column keeps its name.
                        String label = fields.labels().getOrDefault(head, head) + (dot < 0 ? "" : field.substring(dot));
                        out.put(out.containsKey(label) ? label + " (" + field + ")" : label, value);
                    } else if (sub.isEmpty()) {
                        out.put(rest.isEmpty() ? base : base + "." + rest, value);
                    } else if (sub.contains(rest)) {
                        out.put(base + "." + rest, value);
                    }
                    // A field with declared columns: the empty field itself and its other nested values have none.
                }
            });
            sink.accept(out);
        }

        /** Column names for the listed fields: labels, two fields with one label (or a top-level name) told apart. */
        private Map<String, String> baseNames(java.util.Set<String> topLevel) {
            Map<String, String> names = new LinkedHashMap<>();
            java.util.Set<String> taken = new java.util.HashSet<>(topLevel);
            for (String field : fields.names()) {
                String label = fields.labels().getOrDefault(field, field);
                String name = taken.contains(label) ? label + " (" + field + ")" : label;
                taken.add(name);
                names.put(field, name);
            }
            return names;
        }
    }

    /**
     * Rich text in Atlassian Document Format (flattened as {@code x.type = "doc"}, {@code x.version},
     * {@code x.content}) as one column {@code x}: its plain text, or with {@code as: json} the document's JSON.
     */
    private static RecordSink documents(JsonNode documents, JsonNode config, RecordSink sink) {
        if (documents == null) {
            return sink;
        }
        String as = fill(documents.path("as").asText("text"), config).strip();
        boolean json = as.equals("json");
        return record -> {
            List<String> found = null;
            for (Map.Entry<String, Object> e : record.entrySet()) {
                if (e.getKey().endsWith(".type") && "doc".equals(e.getValue())) {
                    String at = e.getKey().substring(0, e.getKey().length() - 5);
                    if (io.rowflow.connector.adf.AdfText.isDocument("doc", record.get(at + ".version"),
                            record.get(at + ".content"))) {
                        if (found == null) {
                            found = new java.util.ArrayList<>();
                        }
                        found.add(at);
                    }
                }
            }
            if (found == null) {
                sink.accept(record);
                return;
            }
            List<String> documentsAt = found;
            Map<String, Object> out = new LinkedHashMap<>();
            for (Map.Entry<String, Object> e : record.entrySet()) {
                String key = e.getKey();
                String doc = documentsAt.stream().filter(at -> key.equals(at + ".type") || key.equals(at + ".version")
                        || key.equals(at + ".content")).findFirst().orElse(null);
                if (doc == null) {
                    out.put(key, e.getValue());
                } else if (!out.containsKey(doc)) {
                    Object content = record.get(doc + ".content");
                    String document = "{\"type\":\"doc\",\"version\":" + record.get(doc + ".version")
                            + ",\"content\":" + (content instanceof io.rowflow.pipeline.JsonText text ? text.json()
                                    : "[]") + "}";
                    out.put(doc, json ? new io.rowflow.pipeline.JsonText(document)
                            : io.rowflow.connector.adf.AdfText.of(document));
                }
            }
            sink.accept(out);
        };
    }

    /**
     * The API's address for this connection: the manifest's with the connection's settings (its OAuth address when it
     * signed in with OAuth), on the installation's host when configured.
     */
    private URI base(JsonNode config) {
        boolean signedIn = signedIn(config) && manifest.oauth().hasNonNull("base_url");
        URI base = URI.create(fill(signedIn ? manifest.oauth().get("base_url").asText() : manifest.baseUrl(), config));
        if (baseUrl != null) {
            // The installation's host, with the path that names the connection's site (/ex/jira/{cloudid}).
            return URI.create(baseUrl.toString().replaceAll("/+$", "") + (signedIn ? base.getRawPath() : ""));
        }
        if (!manifest.allows(base.getHost())) {
            throw new io.rowflow.common.error.InvalidInputException("The connection's settings lead to " + base.getHost()
                    + ", which " + manifest.name() + " does not use", List.of());
        }
        return base;
    }

    private static URI url(URI baseUrl, String path) {
        String base = baseUrl.toString().replaceAll("/+$", "");
        return URI.create(base + (path.startsWith("/") ? path : "/" + path));
    }

    private static ObjectNode pagination(JsonNode paginator) {
        ObjectNode out = JSON.createObjectNode();
        String type = paginator == null ? "none" : paginator.get("type").asText();
        switch (type) {
            case "cursor" -> out.put("type", "cursor").put("cursorPath", paginator.get("cursor_path").asText())
                    .put("cursorParam", paginator.get("param").asText());
            case "link" -> {
                out.put("type", "next_link");
                if (paginator.hasNonNull("link_path")) {
                    out.put("nextLinkPath", paginator.get("link_path").asText());
                }
            }
            case "offset" -> {
                out.put("type", "offset").put("pageSize", paginator.get("page_size").asInt())
                        .put("offsetParam", paginator.path("offset_param").asText("offset"))
                        .put("limitParam", paginator.path("limit_param").asText("limit"));
                if (paginator.hasNonNull("total_path")) {
                    out.put("totalPath", paginator.get("total_path").asText());
                }
                if (paginator.hasNonNull("last_page_path")) {
                    out.put("lastPagePath", paginator.get("last_page_path").asText());
                }
            }
            case "page" -> {
                out.put("type", "page").put("pageSize", paginator.get("page_size").asInt())
                        .put("pageParam", paginator.path("page_param").asText("page"))
                        .put("startPage", paginator.path("first_page").asInt(1));
                if (paginator.hasNonNull("size_param")) {
                    out.put("pageSizeParam", paginator.get("size_param").asText());
                }
            }
            default -> out.put("type", "none");
        }
        return out;
    }

    /** {@code {{config.field}}} replaced by the connection's setting; a missing one is empty. */
    static String fill(String template, JsonNode config) {
        Matcher m = PLACEHOLDER.matcher(template);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(out, Matcher.quoteReplacement(config.path(m.group(1)).asText("")));
        }
        m.appendTail(out);
        return out.toString();
    }
}
