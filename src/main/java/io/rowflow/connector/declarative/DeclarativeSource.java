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
                manifest.oauth() != null);
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
            RecordSink shaped = admitted(stream.incremental(), sync, listColumns(stream.listColumns(),
                    columns(stream.unwrap(), fields.labels(), sink)));
            JsonNode component = stream.incremental() == null ? null : stream.incremental().get("component");
            if (stream.partition() != null) {
                readPartitions(api, stream, config, since, fields, shaped);
            } else if (since != null && component != null) {
                components.require(component.asText(), "component").readChanges(new StreamComponent.Call(api.base(),
                        headers, api.context(), stream.incremental().path("options"), fields.names(), since), shaped);
            } else {
                pages.read(api.context().withConfig(request(api, stream, config, since, fields, null, Map.of())), shaped);
            }
        } catch (UpstreamException e) {
            String sentence = manifest.errors().get(e.status());
            if (sentence == null) {
                throw e;
            }
            throw new UpstreamException(sentence + " (" + e.getMessage() + ")", e.upstreamMessage(), e, false, e.status());
        }
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

    private record Fields(List<String> names, Map<String, String> labels) {
        static final Fields NONE = new Fields(List.of(), Map.of());
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
        String labelField = spec.hasNonNull("label") ? spec.get("label").asText() : null;
        for (JsonNode field : records) {
            String name = field.path(spec.get("name").asText()).asText();
            if (!name.isEmpty()) {
                names.add(name);
                if (labelField != null && !field.path(labelField).asText().isBlank()) {
                    labels.put(name, field.path(labelField).asText().strip());
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
        return new Fields(names, labels);
    }

    /** Records with the unwrapped object's fields as columns of their own, named by their labels. */
    private static RecordSink columns(String unwrap, Map<String, String> labels, RecordSink sink) {
        if (unwrap == null) {
            return sink;
        }
        String prefix = unwrap + ".";
        return record -> {
            Map<String, Object> out = new LinkedHashMap<>();
            record.forEach((key, value) -> {
                if (!key.startsWith(prefix)) {
                    out.put(key, value);
                }
            });
            record.forEach((key, value) -> {
                if (key.startsWith(prefix)) {
                    String field = key.substring(prefix.length());
                    // A nested value (Jira's status.name) keeps its path under the field's label: "Status.name".
                    int dot = field.indexOf('.');
                    String head = dot < 0 ? field : field.substring(0, dot);
                    String label = labels.getOrDefault(head, head) + (dot < 0 ? "" : field.substring(dot));
                    // Two fields with one label (or a label taken by a top-level column) keep their own names.
                    out.put(out.containsKey(label) ? label + " (" + field + ")" : label, value);
                }
            });
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
