package io.rowflow.connector.declarative;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.rowflow.common.digest.Digests;
import io.rowflow.common.error.UpstreamException;
import io.rowflow.common.schema.ConfigSchema;
import io.rowflow.connector.ChangeTimes;
import io.rowflow.connector.ConnectorDescriptor;
import io.rowflow.connector.IncrementalSync;
import io.rowflow.connector.OAuthSignIn;
import io.rowflow.connector.SourceConnector;
import io.rowflow.connector.SourceContext;
import io.rowflow.connector.json.ApiRequest;
import io.rowflow.connector.json.PageHook;
import io.rowflow.connector.json.Paginator;
import io.rowflow.connector.json.Requester;
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

/**
 * A source defined by a manifest, read by one engine: the manifest's stream becomes requests (its path on the base
 * URL, its parameters, the authentication), pages are followed until the API's own last-page signal, records are
 * taken from their path, a nested object can be unwrapped into columns named by the labels the API gives its fields,
 * requests are drawn from the API's published budget, and the API's refusals become sentences a user can act on.
 * The parts: {@link Templates} fills the manifest's placeholders (paths, parameters, JSON bodies, sign-in addresses),
 * a stream becomes an {@link ApiRequest} and its {@link Paginator}, which the {@link Requester} reads as JSON from URL
 * does (streaming, retries of 429 with Retry-After and 5xx with backoff), {@link PartitionRouter} reads a stream once
 * per parent record, {@link FieldDiscovery} asks for a stream's fields, {@link RecordPipeline} shapes the records, and
 * the request budget and {@link io.rowflow.http.QueryCostBudget} pace the requests; this class puts a read together
 * from them.
 */
public final class DeclarativeSource implements SourceConnector, OAuthSignIn {
    private static final ObjectMapper JSON = new ObjectMapper();
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
    private final StreamComponents components;

    /** How the budgets' waits pass: the system's clock, or a test's. */
    private final io.rowflow.http.TimeSource clock;
    /** One query-cost budget per credential on this node, for APIs that price their queries (rate_limit.cost). */
    private static final Map<String, io.rowflow.http.QueryCostBudget> COST_BUDGETS = new ConcurrentHashMap<>();

    DeclarativeSource(Manifest manifest, URI baseUrl, StreamComponents components) {
        this(manifest, baseUrl, components, io.rowflow.http.TimeSource.SYSTEM);
    }

    DeclarativeSource(Manifest manifest, URI baseUrl, StreamComponents components,
            io.rowflow.http.TimeSource clock) {
        this.clock = clock;
        this.manifest = manifest;
        this.baseUrl = baseUrl;
        this.schema = ConfigSchema.of(manifest.spec());
        this.components = components;
    }

    @Override
    public ConnectorDescriptor descriptor() {
        return new ConnectorDescriptor(manifest.id(), manifest.name(), manifest.category(), manifest.auth().get("type")
                .asText(), manifest.spec(), manifest.streams().stream().map(Manifest.Stream::name).toList(),
                manifest.streams().stream().filter(st -> st.incremental() != null).map(Manifest.Stream::name).toList(),
                manifest.oauth() != null).withBrand(manifest.brandColor(), manifest.monogram()).withPickers(
                        manifest.pickers().stream().map(p -> io.rowflow.writer.WriterDescriptor.Picker.ofSource(
                                manifest.id(), p.setting(), p.title(), p.dependsOn())).toList());
    }

    /** Pages of one picker's listing after which it stops: a list people pick from is never that long. */
    static final int MAX_PICKER_PAGES = 50;

    /**
     * What the account lists for a picked setting ({@code pickers} in the manifest): its path asked with the
     * connection's credentials and the settings it depends on, every page, each listed item an option. A refusal is
     * worded by the picker's own errors (a scope only listing needs), else by the manifest's, without the request's
     * address: the sentence is all the user needs.
     */
    @Override
    public List<io.rowflow.writer.PickerOption> options(String setting, SourceContext context,
            Map<String, String> values) {
        Manifest.Picker picker = manifest.pickers().stream().filter(p -> p.setting().equals(setting)).findFirst()
                .orElseThrow(() -> new io.rowflow.common.error.NotFoundException(manifest.name()
                        + " has no picker for \"" + setting + "\""));
        com.fasterxml.jackson.databind.node.ObjectNode config = schema.withDefaults(context.config());
        List<io.rowflow.common.error.FieldError> errors = new java.util.ArrayList<>();
        for (String name : picker.dependsOn()) {
            String value = values.get(name);
            if (value == null || value.isBlank()) {
                errors.add(new io.rowflow.common.error.FieldError(name, "choose it first"));
                continue;
            }
            // Only as the connection form allows it (a base id's pattern): the value goes into the API's path.
            config.put(name, value.strip());
            errors.addAll(ConfigSchema.of(manifest.spec().path("properties").path(name)).errors(config.get(name), name));
        }
        if (!errors.isEmpty()) {
            throw io.rowflow.common.error.InvalidInputException.of(errors);
        }
        Map<String, String> headers = new LinkedHashMap<>();
        Map<String, String> secretQuery = new LinkedHashMap<>();
        authenticate(config, headers, secretQuery);
        try {
            URI base = base(config);
            Api api = api(context, base, headers, secretQuery);
            ApiRequest list = new ApiRequest("GET", url(base, Templates.path(picker.path(), config, null)), headers,
                    Map.of(), secretQuery, null, picker.records());
            List<io.rowflow.writer.PickerOption> options = new java.util.ArrayList<>();
            Optional<Paginator.PageRequest> next = Optional.of(picker.paginator().first(list));
            for (int page = 1; next.isPresent(); page++) {
                if (page > MAX_PICKER_PAGES) {
                    throw new io.rowflow.common.error.DataException(manifest.name() + " kept listing more "
                            + picker.title().toLowerCase(java.util.Locale.ROOT) + " after " + MAX_PICKER_PAGES
                            + " pages; type it instead");
                }
                JsonNode answer = api.requester().query(new ApiRequest("GET", next.get().uri(), headers, Map.of(),
                        Map.of(), null, ""));
                List<JsonNode> items = within(picker, config, FieldDiscovery.at(answer, picker.records()));
                for (JsonNode item : items) {
                    JsonNode value = FieldDiscovery.at(item, picker.value());
                    if (value.isValueNode() && !value.isNull() && !value.asText().isBlank()) {
                        JsonNode label = FieldDiscovery.at(item, picker.label());
                        options.add(new io.rowflow.writer.PickerOption(value.asText(), label.isValueNode()
                                && !label.isNull() && !label.asText().isBlank() ? label.asText() : value.asText()));
                    }
                }
                Map<String, String> captured = new java.util.HashMap<>();
                for (String path : picker.paginator().capturePaths()) {
                    JsonNode found = FieldDiscovery.at(answer, path);
                    if (found.isValueNode() && !found.isNull()) {
                        captured.put(path, found.asText());
                    }
                }
                next = picker.paginator().next(list, next.get(), new Paginator.Page(items.size(), captured,
                        Optional.empty()));
            }
            return options;
        } catch (UpstreamException e) {
            String sentence = picker.errors().getOrDefault(e.status(), manifest.errors().get(e.status()));
            throw sentence == null ? e : new UpstreamException(sentence, e.upstreamMessage(), e, false, e.status());
        }
    }

    /**
     * The list a picker offers: the listed items themselves, or ({@code within}) the list inside the one item whose
     * field among {@code match} holds the chosen value (a table named by its id or its name, for its views).
     */
    private List<JsonNode> within(Manifest.Picker picker, JsonNode config, JsonNode items) {
        List<JsonNode> listed = new java.util.ArrayList<>();
        if (picker.within() == null) {
            items.forEach(listed::add);
            return listed;
        }
        String wanted = Templates.config(picker.within().get("value").asText(), config).strip();
        for (JsonNode item : items) {
            for (JsonNode field : picker.within().get("match")) {
                if (FieldDiscovery.at(item, field.asText()).asText().equals(wanted)) {
                    FieldDiscovery.at(item, picker.within().get("records").asText()).forEach(listed::add);
                    return listed;
                }
            }
        }
        List<String> named = Templates.settingsNamed(picker.within().get("value").asText());
        throw io.rowflow.common.error.InvalidInputException.field(named.isEmpty() ? picker.setting() : named.get(0),
                manifest.name() + " lists no \"" + wanted + "\" here");
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

    /**
     * Where and how one read reaches the API: its address, the authentication, the read's budget, and the requester
     * that sends its requests (paced by the API's query cost where it prices queries).
     */
    private record Api(URI base, Map<String, String> headers, Map<String, String> secretQuery, SourceContext context,
            Requester requester) {
        /** A GET of one JSON document at a path of the API, authenticated. */
        ApiRequest get(String path) {
            return ApiRequest.get(url(base, path), headers, secretQuery);
        }
    }

    /** Where and how one read reaches the API, its budgets drawn for the credential. */
    private Api api(SourceContext context, URI base, Map<String, String> headers, Map<String, String> secretQuery) {
        SourceContext budgeted = context.withBudget(budget(context, base, headers, secretQuery));
        return new Api(base, headers, secretQuery, budgeted, new Requester(budgeted, pacing(context, base, headers,
                secretQuery).andThen(failuresInBody())));
    }

    /**
     * For an API that answers a failure with HTTP 200 and names it in the body ({@code error_path}: Slack's
     * {"ok": false, "error": "invalid_auth"}): the page stops the read with the failure, in the manifest's words where
     * it has some for the code, rather than reading as a page without records.
     */
    private PageHook failuresInBody() {
        String path = manifest.errorPath();
        if (path == null) {
            return PageHook.NONE;
        }
        return new PageHook() {
            @Override
            public List<String> capturePaths() {
                return List.of(path);
            }

            @Override
            public void afterPage(Map<String, String> captured) {
                String code = captured.get(path);
                if (code == null || code.isBlank()) {
                    return;
                }
                String said = manifest.name() + " answered \"" + code + "\"";
                Manifest.CodedError known = manifest.errorCodes().get(code);
                throw known == null ? new UpstreamException(said, code, null, false, 0)
                        : new RefusalInWords(known.message() + " (" + said + ")", code, known.status());
            }
        };
    }

    /** A refusal already put in the manifest's words (a code named in the body): not explained again by status. */
    private static final class RefusalInWords extends UpstreamException {
        RefusalInWords(String message, String upstreamMessage, int status) {
            super(message, upstreamMessage, null, false, status);
        }
    }

    /**
     * For an API that prices its queries (rate_limit.cost): before each request, wait until the points the query is
     * expected to cost are back; after each page, follow what the API said of its bucket. One budget per credential.
     */
    private PageHook pacing(SourceContext context, URI base, Map<String, String> headers,
            Map<String, String> secretQuery) {
        Manifest.QueryCost cost = manifest.rateLimit().cost();
        if (cost == null) {
            return PageHook.NONE;
        }
        String credential = Digests.sha256(manifest.id() + "\n" + base + "\n" + (context.accessTokens() != null
                ? context.connectionId() : headers + "\n" + secretQuery));
        io.rowflow.http.QueryCostBudget budget = COST_BUDGETS.compute(credential, (k, kept) -> kept != null
                && kept.time() == clock ? kept : new io.rowflow.http.QueryCostBudget(manifest.name(), clock));
        return new PageHook() {
            @Override
            public List<String> capturePaths() {
                return cost.paths();
            }

            @Override
            public void beforeRequest() {
                budget.awaitRoom();
            }

            @Override
            public String askAgain(Map<String, String> captured) {
                // The bucket ran dry under another client of the same app and shop; afterPage saw what the answer
                // says is left, so the next beforeRequest waits until the query's points are back.
                return cost.throttled(captured) ? manifest.name() + " answered " + captured.get(cost.throttledPath())
                        + ": the shop's query points ran out" : null;
            }

            @Override
            public void afterPage(Map<String, String> captured) {
                Double requested = number(captured.get(cost.requested()));
                Double available = number(captured.get(cost.available()));
                Double rate = number(captured.get(cost.restoreRate()));
                if (requested != null && available != null && rate != null) {
                    budget.observe(new io.rowflow.http.QueryCostBudget.Observation(requested, available, rate,
                            cost.maximum() == null ? null : number(captured.get(cost.maximum()))));
                }
            }
        };
    }

    private static Double number(String text) {
        try {
            return text == null ? null : Double.valueOf(text.trim());
        } catch (NumberFormatException notANumber) {
            return null;
        }
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
            Api api = api(context, base, headers, secretQuery);
            FieldDiscovery.Fields fields = fields(api, stream, config);
            JsonNode mergedIds = since == null || stream.deletions() == null ? null : stream.deletions().get("merged_ids");
            FieldDiscovery.Fields asked = mergedIds == null ? fields : fields.with(mergedIds.get("field").asText());
            RecordSink shaped = RecordPipeline.converted(stream, RecordPipeline.admitted(stream.incremental(), sync,
                    RecordPipeline.mergedAway(mergedIds, stream.unwrap(), fields, sync, RecordPipeline.listColumns(
                            stream.listColumns(), RecordPipeline.documents(stream.documents(), config,
                                    new RecordPipeline.StableColumns(stream.unwrap(), fields, sink))))));
            JsonNode component = stream.incremental() == null ? null : stream.incremental().get("component");
            if (stream.partition() != null) {
                readPartitions(api, stream, config, since, fields, shaped);
            } else if (stream.retriever() != null && retrieverReads(api, stream, config, since, context.sample())) {
                // What YAML cannot express: the stream's read is Java's, its records shaped as declared.
                components.require(stream.retriever().get("component").asText(), "retriever").read(
                        new StreamComponent.Call(api.base(), headers, api.context(), stream.retriever()
                                .path("options"), asked.names(), since, api.requester()), shaped);
            } else if (since != null && component != null) {
                components.require(component.asText(), "component").readChanges(new StreamComponent.Call(api.base(),
                        headers, api.context(), stream.incremental().path("options"), asked.names(), since,
                        api.requester()), shaped);
            } else {
                api.requester().readPages(request(api, stream, config, since, asked, null, Map.of()),
                        stream.paginator(), shaped);
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
            Api api = api(context, base, headers, secretQuery);
            FieldDiscovery.Fields fields = fields(api, stream, config);
            RecordSink shaped = RecordPipeline.listColumns(stream.listColumns(), RecordPipeline.documents(
                    stream.documents(), config, new RecordPipeline.StableColumns(stream.unwrap(), fields, sink)));
            Manifest.Stream listing = stream.deletionListing();
            // The deletion time is the listing's own field: kept out, so deleted records have the stream's columns.
            boolean own = !deletedAt.equals(stream.incremental().get("cursor_field").asText());
            ApiRequest deleted = request(api, listing, config, null, fields, null, Map.of());
            api.requester().readPages(deleted, listing.paginator(), RecordPipeline.converted(stream, record -> {
                Object key = record.get(keyField);
                Object at = own ? record.remove(deletedAt) : record.get(deletedAt);
                if (key != null && sync.admitDeletion(key.toString(), ChangeTimes.parse(at))
                        && reported.add(key.toString())) {
                    shaped.accept(record);
                }
            }));
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

    /**
     * Whether the stream's component reads it this time ({@code retriever.only}): a component meant for whole reads
     * (Shopify's bulk export) leaves incremental reads and samples (a preview, a Test) to the declared requests, and
     * one meant for large lists reads only when the API counts at least so many records first.
     */
    private boolean retrieverReads(Api api, Manifest.Stream stream, JsonNode config, Instant since, boolean sample) {
        JsonNode only = stream.retriever().path("only");
        if (only.path("whole_reads").asBoolean(false) && (since != null || sample)) {
            return false;
        }
        JsonNode atLeast = only.path("at_least");
        if (atLeast.isMissingNode()) {
            return true;
        }
        Map<String, String> headers = new LinkedHashMap<>(api.headers());
        headers.put("Content-Type", "application/json");
        JsonNode body = Templates.body(atLeast.get("body"), config, null, null);
        JsonNode answer = api.requester().query(new ApiRequest(stream.method(), url(api.base(), Templates.path(
                stream.path(), config, null)), headers, Map.of(), api.secretQuery(), body.toString(), ""));
        JsonNode count = answer.at("/" + atLeast.get("path").asText().replace(".", "/"));
        if (!count.isNumber()) {
            throw new UpstreamException(manifest.name() + " did not say how many " + stream.title().toLowerCase(
                    java.util.Locale.ROOT) + " there are (nothing at " + atLeast.get("path").asText() + ")",
                    answer.path("errors").toString(), null, false, 0);
        }
        return count.asLong() >= atLeast.get("count").asLong();
    }

    /** The stream's fields as the API lists them, when the stream discovers them. */
    private FieldDiscovery.Fields fields(Api api, Manifest.Stream stream, JsonNode config) {
        return stream.discoverFields() == null ? FieldDiscovery.Fields.NONE : FieldDiscovery.discover(api.requester(),
                api.get(stream.discoverFields().get("path").asText()), stream.discoverFields(), config,
                manifest.name());
    }

    /** The API's refusal in the manifest's words, where it has some for the status. */
    private UpstreamException explained(UpstreamException e) {
        String sentence = manifest.errors().get(e.status());
        if (sentence == null || e instanceof RefusalInWords) {
            return e;
        }
        return new UpstreamException(sentence + " (" + e.getMessage() + ")", e.upstreamMessage(), e, false, e.status());
    }

    /**
     * The stream's first request: its path (with a parent's value for a partition), its parameters — the incremental
     * ones, with the start time, when reading changes — and the fields discovered.
     */
    private ApiRequest request(Api api, Manifest.Stream stream, JsonNode config, Instant since,
            FieldDiscovery.Fields fields, String partition, Map<String, String> overrides) {
        Map<String, String> params = stream.params();
        if (since != null && stream.incremental().has("params")) {
            params = new LinkedHashMap<>();
            for (var p : (Iterable<Map.Entry<String, JsonNode>>) stream.incremental().get("params")::fields) {
                params.put(p.getKey(), p.getValue().asText());
            }
        }
        Map<String, String> query = new LinkedHashMap<>();
        for (Map.Entry<String, String> p : params.entrySet()) {
            String value = Templates.partition(Templates.text(p.getValue(), config, since, stream.incremental()),
                    partition);
            // A parameter made from settings left empty is not sent: the API then takes its default (Slack's oldest
            // and latest, an Airtable view), where an empty value may be an error.
            if (!value.isBlank() || !Templates.fillsIn(p.getValue())) {
                query.put(p.getKey(), value);
            }
        }
        // Without a param the field list only names the columns (Pipedrive sends every custom field anyway).
        if (!fields.names().isEmpty() && stream.discoverFields().hasNonNull("param")) {
            query.put(stream.discoverFields().get("param").asText(), String.join(",", fields.names()));
        }
        query.putAll(overrides);
        Map<String, String> headers = new LinkedHashMap<>(api.headers());
        JsonNode body = Templates.body(stream.body(), config, since, stream.incremental());
        if (body != null) {
            headers.put("Content-Type", "application/json");
        }
        return new ApiRequest(stream.method(), url(api.base(), Templates.path(stream.path(), config, partition)),
                headers, query, api.secretQuery(), body == null ? null : body.toString(), stream.records());
    }

    /**
     * A stream read once per record of its parent stream. Reading changes, the parent is asked for what changed too
     * (an issue's worklog changes its update time).
     */
    private void readPartitions(Api api, Manifest.Stream stream, JsonNode config, Instant since,
            FieldDiscovery.Fields fields, RecordSink sink) {
        PartitionRouter router = stream.partition();
        if (router.values() != null) {
            router.readListed(config, (value, records) -> api.requester().readPages(request(api, stream, config, since,
                    fields, value, Map.of()), stream.paginator(), records), sink);
            return;
        }
        Manifest.Stream parent = manifest.stream(router.parent());
        Instant parentSince = since != null && parent.incremental() != null
                && (parent.incremental().has("params") || parent.incremental().has("body"))
                ? since : null;
        router.read(values -> api.requester().readPages(request(api, parent, config, parentSince,
                FieldDiscovery.Fields.NONE, null, router.parentParams()), parent.paginator(), values),
                (value, records) -> api.requester().readPages(request(api, stream, config, since, fields, value,
                        Map.of()), stream.paginator(), records), sink);
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

    /** The settings the manifest's authorize and token URLs are made from, in their order, each once. */
    @Override
    public List<String> settingsBeforeSignIn() {
        if (manifest.oauth() == null) {
            return List.of();
        }
        java.util.LinkedHashSet<String> names = new java.util.LinkedHashSet<>();
        names.addAll(Templates.settingsNamed(manifest.oauth().get("authorize_url").asText()));
        names.addAll(Templates.settingsNamed(manifest.oauth().get("token_url").asText()));
        return List.copyOf(names);
    }

    /**
     * An OAuth address made from the connection's settings. Each setting it uses must be valid as the connection form
     * declares it (a shop name's pattern), and the token URL's host — Rowflow calls it, with the client secret — must
     * be one the connector uses (allowed_hosts), as the API's address must; so must an authorize URL made from
     * settings (a fixed one, such as app.hubspot.com, is the browser's to open and may be elsewhere).
     */
    @Override
    public URI oauthAddress(String field, JsonNode settings) {
        String template = manifest.oauth().get(field).asText();
        List<io.rowflow.common.error.FieldError> errors = new java.util.ArrayList<>();
        for (String name : Templates.settingsNamed(template)) {
            JsonNode value = settings == null ? null : settings.get(name);
            if (value == null || value.asText().isBlank()) {
                errors.add(new io.rowflow.common.error.FieldError(name, "is needed before signing in to "
                        + manifest.name()));
                continue;
            }
            JsonNode property = manifest.spec().path("properties").path(name);
            if (property.isObject()) {
                errors.addAll(ConfigSchema.of(property).errors(value, name));
            }
        }
        if (!errors.isEmpty()) {
            throw io.rowflow.common.error.InvalidInputException.of(errors);
        }
        URI address;
        try {
            address = URI.create(Templates.config(template, settings));
        } catch (IllegalArgumentException notAnAddress) {
            throw new io.rowflow.common.error.InvalidInputException("The settings make no valid sign-in address for "
                    + manifest.name(), List.of());
        }
        // The authorize URL is the browser's; made from settings, it must still lead to the provider's own hosts.
        boolean templated = !Templates.settingsNamed(template).isEmpty();
        if ((field.equals("token_url") || templated) && !manifest.allows(address.getHost())) {
            throw new io.rowflow.common.error.InvalidInputException("The settings lead the sign-in to "
                    + address.getHost() + ", which " + manifest.name() + " does not use", List.of());
        }
        return address;
    }

    /**
     * An API address the token answer names (Pipedrive's api_domain, kept by {@code token_fields}) must be valid as
     * the connection form declares the setting and lead to a host the connector uses; otherwise the sign-in (or
     * refresh) is refused and nothing is kept, so a token is never sent where the manifest does not allow.
     */
    @Override
    public void checkSignedIn(JsonNode tokenSettings) {
        JsonNode oauth = manifest.oauth();
        if (oauth == null || !oauth.hasNonNull("base_url") || !oauth.hasNonNull("token_fields")) {
            return;
        }
        List<String> named = Templates.settingsNamed(oauth.get("base_url").asText());
        boolean fromAnswer = false;
        for (JsonNode setting : oauth.get("token_fields")) {
            fromAnswer |= named.contains(setting.asText()) && tokenSettings.has(setting.asText());
        }
        if (!fromAnswer) {
            return; // a refresh that did not name the address again keeps the one checked at sign-in
        }
        try {
            oauthAddress("base_url", tokenSettings);
        } catch (io.rowflow.common.error.InvalidInputException refused) {
            StringBuilder given = new StringBuilder();
            named.forEach(n -> given.append(given.isEmpty() ? "" : ", ").append(n).append(" \"")
                    .append(tokenSettings.path(n).asText()).append('"'));
            throw new UpstreamException(manifest.name() + "'s sign-in named an API address Rowflow will not send the"
                    + " token to (" + given + "): it must be one of " + manifest.name() + "'s own hosts ("
                    + String.join(", ", manifest.allowedHosts()) + "); nothing was connected", refused.getMessage(),
                    null, false, 0);
        }
    }

    /** Whether the connection signed in with OAuth (its tokens are in its settings) rather than with the manifest's auth. */
    private boolean signedIn(JsonNode config) {
        return manifest.oauth() != null && config.hasNonNull("access_token") && !authCarriesAccessToken();
    }

    /**
     * Whether the manifest's own auth already sends the sign-in's token (HubSpot's bearer token, Shopify's
     * X-Shopify-Access-Token header with {{config.access_token}}): then a signed-in connection is read the same way.
     */
    private boolean authCarriesAccessToken() {
        return manifest.auth().get("type").asText().equals("bearer")
                || Templates.settingsNamed(manifest.auth().toString()).contains("access_token");
    }

    private void authenticate(JsonNode config, Map<String, String> headers, Map<String, String> secretQuery) {
        if (signedIn(config)) {
            headers.put("Authorization", "Bearer " + config.get("access_token").asText());
            return;
        }
        JsonNode auth = manifest.auth();
        switch (auth.get("type").asText()) {
            case "bearer" -> headers.put("Authorization", "Bearer " + Templates.config(auth.get("token").asText(),
                    config));
            case "basic" -> headers.put("Authorization", "Basic " + Base64.getEncoder().encodeToString((
                    Templates.config(auth.get("username").asText(), config) + ":"
                    + Templates.config(auth.get("password").asText(), config)).getBytes(StandardCharsets.UTF_8)));
            case "api_key" -> (auth.get("in").asText().equals("header") ? headers : secretQuery)
                    .put(auth.get("name").asText(), Templates.config(auth.get("value").asText(), config));
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
        // A budget keeps the time of the clock it was made with; a read on another clock (a test's) gets its own.
        RequestBudget budget = BUDGETS.compute(manifest.id() + "/" + account, (k, kept) -> kept != null
                && kept.time() == clock ? kept : RequestBudget.following(manifest.name(), reader, limit.requests(),
                        limit.per(), limit.waitAfter429(), limit.shouldRetryHeader(), clock));
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
        Map<String, String> asked = new LinkedHashMap<>(headers);
        asked.put("Accept", "application/json");
        try {
            return new Requester(context).send(ApiRequest.get(url(base, limit.accountPath()), asked, secretQuery),
                    response -> {
                        JsonNode id = JSON.readTree(Requester.requireJson(response).stream()).path(limit.accountId());
                        return new AccountAnswer(id.isMissingNode() || id.isNull() ? null : id.asText(),
                                reader.read(response.header()).orElse(null));
                    });
        } catch (UpstreamException e) {
            if (e.status() == 401 || e.passing()) {
                throw e; // the credential is refused, or the API is busy: the read would fail too
            }
            // The account cannot be told (a missing scope, an older API): the credential stands for it.
            return new AccountAnswer(null, null);
        }
    }

    /**
     * The API's address for this connection: the manifest's with the connection's settings (its OAuth address when it
     * signed in with OAuth), on the installation's host when configured.
     */
    private URI base(JsonNode config) {
        boolean signedIn = signedIn(config) && manifest.oauth().hasNonNull("base_url");
        URI base = URI.create(Templates.config(signedIn ? manifest.oauth().get("base_url").asText()
                : manifest.baseUrl(), config));
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

    static URI url(URI baseUrl, String path) {
        String base = baseUrl.toString().replaceAll("/+$", "");
        return URI.create(base + (path.startsWith("/") ? path : "/" + path));
    }
}
