package io.rowflow.connector.declarative;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.rowflow.common.digest.Digests;
import io.rowflow.common.error.UpstreamException;
import io.rowflow.common.schema.ConfigSchema;
import io.rowflow.connector.ConnectorDescriptor;
import io.rowflow.connector.SourceConnector;
import io.rowflow.connector.SourceContext;
import io.rowflow.connector.json.JsonUrlSource;
import io.rowflow.http.HttpRequestSpec;
import io.rowflow.http.RequestBudget;
import io.rowflow.pipeline.RecordSink;
import io.rowflow.pipeline.TextInference;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
public final class DeclarativeSource implements SourceConnector {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{\\s*config\\.([A-Za-z0-9_]+)\\s*}}");
    /** One budget per credential on this node, whatever the number of runs reading with it. */
    private static final Map<String, RequestBudget> BUDGETS = new ConcurrentHashMap<>();

    private final Manifest manifest;
    /** The installation's replacement of the manifest's base URL, trusted as configured; null to use the manifest's. */
    private final URI baseUrl;
    private final ConfigSchema schema;
    private final JsonUrlSource pages;

    DeclarativeSource(Manifest manifest, URI baseUrl, JsonUrlSource pages) {
        this.manifest = manifest;
        this.baseUrl = baseUrl;
        this.schema = ConfigSchema.of(manifest.spec());
        this.pages = pages;
    }

    @Override
    public ConnectorDescriptor descriptor() {
        return new ConnectorDescriptor(manifest.id(), manifest.name(), manifest.category(), manifest.auth().get("type")
                .asText(), manifest.spec(), manifest.streams().stream().map(Manifest.Stream::name).toList());
    }

    @Override
    public ConfigSchema schema() {
        return schema;
    }

    /** APIs such as HubSpot send every value as text, numbers included: types are found from the text. */
    @Override
    public TextInference textInference() {
        return TextInference.ALL;
    }

    @Override
    public void read(SourceContext context, RecordSink sink) {
        Manifest.Stream stream = manifest.stream(context.stream());
        JsonNode config = schema.withDefaults(context.config());
        URI base = base(config);
        Map<String, String> headers = new LinkedHashMap<>();
        Map<String, String> secretQuery = new LinkedHashMap<>();
        authenticate(config, headers, secretQuery);
        SourceContext budgeted = context.withBudget(budget(context, headers, secretQuery));
        Map<String, String> query = new LinkedHashMap<>();
        stream.params().forEach((k, v) -> query.put(k, fill(v, config)));
        Map<String, String> labels = Map.of();
        try {
            if (stream.discoverFields() != null) {
                Fields fields = discover(base, stream.discoverFields(), headers, secretQuery, budgeted);
                query.put(stream.discoverFields().get("param").asText(), String.join(",", fields.names()));
                labels = fields.labels();
            }
            ObjectNode request = JSON.createObjectNode();
            request.put("url", url(base, fill(stream.path(), config)).toString());
            request.set("headers", JSON.valueToTree(headers));
            request.set("query", JSON.valueToTree(query));
            request.set("secretQuery", JSON.valueToTree(secretQuery));
            request.put("recordsPath", stream.records());
            request.set("pagination", pagination(stream.paginator()));
            pages.read(budgeted.withConfig(request), columns(stream.unwrap(), labels, sink));
        } catch (UpstreamException e) {
            String sentence = manifest.errors().get(e.status());
            if (sentence == null) {
                throw e;
            }
            throw new UpstreamException(sentence + " (" + e.getMessage() + ")", e.upstreamMessage(), e, false, e.status());
        }
    }

    /** The manifest's OAuth settings, if it can sign in with OAuth. */
    public java.util.Optional<JsonNode> oauth() {
        return java.util.Optional.ofNullable(manifest.oauth());
    }

    public List<String> oauthScopes() {
        return manifest.oauthScopes();
    }

    private void authenticate(JsonNode config, Map<String, String> headers, Map<String, String> secretQuery) {
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

    private RequestBudget budget(SourceContext context, Map<String, String> headers, Map<String, String> secretQuery) {
        if (manifest.rateLimitRequests() == null) {
            return RequestBudget.UNLIMITED;
        }
        // By connection when known (its token changes as it is refreshed), else by the credentials themselves.
        String credential = Digests.sha256(manifest.id() + "\n" + (context.connectionId() != null ? context.connectionId()
                : headers + "\n" + secretQuery));
        return BUDGETS.computeIfAbsent(credential, k -> RequestBudget.of(manifest.rateLimitRequests(),
                manifest.rateLimitWindow()));
    }

    private record Fields(List<String> names, Map<String, String> labels) {
    }

    /** The stream's fields as the API lists them (custom ones included), with the labels people know them by. */
    private Fields discover(URI base, JsonNode spec, Map<String, String> headers, Map<String, String> secretQuery,
            SourceContext context) {
        URI uri = JsonUrlSource.withQuery(url(base, spec.get("path").asText()), secretQuery, Map.of());
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

    /** The API's address for this connection: the installation's, or the manifest's with the connection's settings. */
    private URI base(JsonNode config) {
        if (baseUrl != null) {
            return baseUrl;
        }
        URI base = URI.create(fill(manifest.baseUrl(), config));
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
            case "offset" -> out.put("type", "offset").put("pageSize", paginator.get("page_size").asInt())
                    .put("offsetParam", paginator.path("offset_param").asText("offset"))
                    .put("limitParam", paginator.path("limit_param").asText("limit"));
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
