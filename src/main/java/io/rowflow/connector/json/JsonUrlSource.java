package io.rowflow.connector.json;

import com.fasterxml.jackson.databind.JsonNode;
import io.rowflow.common.error.DataException;
import io.rowflow.common.error.UpstreamException;
import io.rowflow.common.schema.ConfigSchema;
import io.rowflow.connector.ConnectorDescriptor;
import io.rowflow.connector.SourceConnector;
import io.rowflow.connector.SourceContext;
import io.rowflow.http.HttpRequestSpec;
import io.rowflow.http.Origin;
import io.rowflow.pipeline.RecordSink;
import io.rowflow.pipeline.TextInference;
import jakarta.enterprise.context.ApplicationScoped;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.hc.core5.net.URIBuilder;

/**
 * Reads records from a JSON API, following its pagination: a next link (in the body or the Link header), offset and
 * limit, page numbers, or a cursor.
 */
@ApplicationScoped
public class JsonUrlSource implements SourceConnector {
    public static final String ID = "json-url";
    private static final ConfigSchema SCHEMA = ConfigSchema.fromResource("schemas/json-url.json");
    private static final Pattern LINK_NEXT = Pattern.compile("<([^>]*)>\\s*;[^,]*rel=\"?next\"?", Pattern.CASE_INSENSITIVE);

    @Override
    public ConnectorDescriptor descriptor() {
        return new ConnectorDescriptor(ID, "JSON from URL", "files", "none", SCHEMA.document(), List.of("records"));
    }

    @Override
    public ConfigSchema schema() {
        return SCHEMA;
    }

    @Override
    public Optional<Origin> origin(JsonNode config) {
        return Origin.parse(config == null ? null : config.path("url").asText(null));
    }

    @Override
    public TextInference textInference() {
        return TextInference.TEMPORAL_ONLY;
    }

    /**
     * What a reader of pages may add around each request beyond the records: values to read from each response
     * (a GraphQL query's cost), a wait before each request (until the points it costs are back), and what each page
     * said at those paths.
     */
    public interface PageHook {
        PageHook NONE = new PageHook() {
        };

        /** Dotted paths of scalar values to read from every response. */
        default List<String> capturePaths() {
            return List.of();
        }

        /** Called before each page is asked for; may wait. */
        default void beforeRequest() {
        }

        /** What a page held at {@link #capturePaths()} (a path it did not have is absent). */
        default void afterPage(Map<String, String> captured) {
        }
    }

    @Override
    public void read(SourceContext context, RecordSink sink) {
        read(context, sink, PageHook.NONE);
    }

    public void read(SourceContext context, RecordSink sink, PageHook hook) {
        JsonNode config = SCHEMA.withDefaults(context.config());
        Pagination paging = Pagination.from(config.path("pagination"));
        String recordsPath = config.path("recordsPath").asText("").trim();
        List<String> capture = new java.util.ArrayList<>(List.of(paging.nextLinkPath(), paging.cursorPath(),
                paging.totalPath(), paging.lastPagePath(), paging.hasMorePath()));
        capture.addAll(hook.capturePaths());
        JsonPageReader reader = new JsonPageReader(recordsPath, capture);
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Accept", "application/json");
        config.path("headers").fields().forEachRemaining(e -> headers.put(e.getKey(), e.getValue().asText()));
        String method = config.path("method").asText("GET");
        String firstBody = config.hasNonNull("body") ? config.get("body").asText() : null;
        JsonNode bodyTemplate = paging.cursorBodyPath().isBlank() ? null : parsedBody(firstBody);
        String body = firstBody;
        Map<String, String> query = new LinkedHashMap<>();
        config.path("query").fields().forEachRemaining(e -> query.put(e.getKey(), e.getValue().asText()));
        config.path("secretQuery").fields().forEachRemaining(e -> query.put(e.getKey(), e.getValue().asText()));
        URI base = URI.create(config.path("url").asText().trim());

        URI next = withQuery(base, query, paging.firstPageParameters());
        long offset = 0;
        long pageNumber = paging.startPage();
        String previousCursor = null;
        long previousDigest = 0;
        long previousRecords = -1;
        for (int page = 1; next != null; page++) {
            if (page > paging.maxPages()) {
                throw new DataException("Stopped after " + paging.maxPages() + " pages (pagination.maxPages): the API"
                        + " kept answering with more pages");
            }
            URI current = next;
            String currentBody = body;
            // A next link to another origin is followed without the connection's credentials (headers, token).
            boolean ownOrigin = Origin.same(base, current);
            Supplier<PageResult> fetch = () -> {
                hook.beforeRequest();
                HttpRequestSpec request = new HttpRequestSpec(method, current, headers, currentBody);
                return context.http().execute(ownOrigin ? request : request.withoutCredentials(), response -> {
                    if (response.isWebPage()) {
                        throw new DataException("The address answered with a web page (HTML), not JSON: the link may"
                                + " have expired or need a sign-in. Nothing was written.");
                    }
                    PageDigest digest = new PageDigest();
                    return new PageResult(reader.read(response.stream(), record -> {
                        digest.add(record);
                        sink.accept(record);
                    }), response.header().apply("Link"), digest.value());
                }, context.budget());
            };
            PageResult result = ownOrigin ? withFreshToken(context, headers, fetch) : fetch.get();
            JsonPageReader.Page read = result.page();
            if (page > 1 && read.records() > 0 && read.records() == previousRecords && result.digest() == previousDigest
                    && (paging.type().equals("page") || paging.type().equals("offset"))) {
                throw new DataException("Page " + page + " of the API repeats page " + (page - 1) + " record for record:"
                        + " the API seems to ignore the \"" + (paging.type().equals("page") ? paging.pageParam()
                                : paging.offsetParam()) + "\" parameter. Check the paging settings of the connection;"
                        + " the run stopped rather than read the same rows again and again, and wrote nothing");
            }
            previousDigest = result.digest();
            previousRecords = read.records();
            if (!read.recordsFound() && (page == 1 || bodyTemplate != null)) {
                // A GraphQL API answers a failed query (a throttled one too) with 200 and errors instead of data: a
                // later page without its records is a failure, not the end.
                throw new DataException((page == 1 ? "The response" : "Page " + page + " of the response")
                        + " has nothing at \"" + JsonPageReader.display(recordsPath) + "\"; check the path to the"
                        + " records" + (page == 1 ? "" : " (the API may have answered with errors instead)"));
            }
            hook.afterPage(read.captured());
            if (!paging.hasMorePath().isBlank()
                    && "false".equalsIgnoreCase(read.captured().get(paging.hasMorePath()))) {
                break;
            }
            next = switch (paging.type()) {
                case "none" -> null;
                case "next_link" -> nextLink(current, paging, read, result.link());
                case "offset" -> {
                    offset += read.records();
                    yield lastPage(read) || paging.saysLast(read, offset) ? null : withQuery(base, query, Map.of(
                            paging.offsetParam(), Long.toString(offset), paging.limitParam(),
                            Integer.toString(paging.pageSize())));
                }
                case "page" -> {
                    pageNumber++;
                    yield lastPage(read) || paging.saysLast(read, Long.MIN_VALUE) ? null : withQuery(base, query,
                            paging.pageParameters(pageNumber));
                }
                case "cursor" -> {
                    String cursor = read.captured().get(paging.cursorPath());
                    if (cursor == null || cursor.isEmpty()) {
                        yield null;
                    }
                    if (cursor.equals(previousCursor)) {
                        throw new DataException("The API returned the same cursor twice (\"" + paging.cursorPath()
                                + "\"); stopping to avoid an endless loop");
                    }
                    previousCursor = cursor;
                    if (bodyTemplate != null) {
                        // GraphQL: the same address, the cursor in the body's variables.
                        body = withCursor(bodyTemplate, paging.cursorBodyPath(), cursor);
                        yield current;
                    }
                    yield withQuery(base, query, Map.of(paging.cursorParam(), cursor));
                }
                default -> throw new IllegalStateException("Unknown pagination " + paging.type());
            };
        }
    }

    /**
     * Runs one request with the connection's current OAuth token (asked before every request, so a token that expires
     * during a long read is refreshed in between); a 401 means the provider revoked it early, so it is refreshed and
     * the request made once more. A 401 carries no records, so nothing is read twice. Without OAuth, just the request.
     */
    public static <T> T withFreshToken(SourceContext context, Map<String, String> headers, Supplier<T> request) {
        if (context.accessTokens() == null) {
            return request.get();
        }
        context.budget().awaitRoom(); // the token is picked once the request may go, not before a wait for the budget
        String token = context.accessTokens().current();
        headers.put("Authorization", "Bearer " + token);
        try {
            return request.get();
        } catch (UpstreamException e) {
            if (e.status() != 401) {
                throw e;
            }
            headers.put("Authorization", "Bearer " + context.accessTokens().afterRejection(token));
            return request.get();
        }
    }

    private static JsonNode parsedBody(String body) {
        try {
            JsonNode parsed = body == null ? null : CURSOR_JSON.readTree(body);
            if (parsed == null || !parsed.isObject()) {
                throw new DataException("Paging with the cursor in the request body needs a JSON object as the body");
            }
            return parsed;
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new DataException("The request body is not JSON, so the cursor cannot be put in it: "
                    + e.getOriginalMessage());
        }
    }

    /** The body with the cursor at a dotted path (variables.cursor), the objects on the way made where missing. */
    static String withCursor(JsonNode template, String path, String cursor) {
        com.fasterxml.jackson.databind.node.ObjectNode body = template.deepCopy();
        com.fasterxml.jackson.databind.node.ObjectNode at = body;
        String[] parts = path.split("\\.");
        for (int i = 0; i < parts.length - 1; i++) {
            JsonNode child = at.get(parts[i]);
            at = child instanceof com.fasterxml.jackson.databind.node.ObjectNode object ? object
                    : at.putObject(parts[i]);
        }
        at.put(parts[parts.length - 1], cursor);
        return body.toString();
    }

    private static final com.fasterxml.jackson.databind.ObjectMapper CURSOR_JSON =
            new com.fasterxml.jackson.databind.ObjectMapper();

    private record PageResult(JsonPageReader.Page page, Optional<String> link, long digest) {
    }

    /** A running hash of a page's records, to notice an API that answers the same page again and again. */
    private static final class PageDigest {
        private long value = 1;

        void add(Map<String, Object> record) {
            value = 31 * value + record.hashCode();
        }

        long value() {
            return value;
        }
    }

    /**
     * Offset and page-number paging end on an empty page. Stopping on a short page would save one request, but APIs
     * that cap the page size below the one asked for would then lose every page after the first.
     */
    private static boolean lastPage(JsonPageReader.Page page) {
        return page.records() == 0;
    }

    private static URI nextLink(URI current, Pagination paging, JsonPageReader.Page page, Optional<String> linkHeader) {
        String link;
        if (paging.nextLinkPath() != null && !paging.nextLinkPath().isBlank()) {
            link = page.captured().get(paging.nextLinkPath());
        } else {
            link = linkHeader.map(LINK_NEXT::matcher).filter(Matcher::find).map(m -> m.group(1)).orElse(null);
        }
        if (link == null || link.isBlank()) {
            return null;
        }
        URI next = current.resolve(link.trim());
        if (next.equals(current)) {
            throw new DataException("The next link points at the page just read; stopping to avoid an endless loop");
        }
        return next;
    }

    public static URI withQuery(URI base, Map<String, String> query, Map<String, String> paging) {
        try {
            URIBuilder builder = new URIBuilder(base);
            query.forEach(builder::setParameter);
            paging.forEach(builder::setParameter);
            return builder.build();
        } catch (URISyntaxException e) {
            throw new DataException("The URL is not valid: " + e.getMessage());
        }
    }

    /** The pagination settings, with their defaults. */
    record Pagination(String type, String nextLinkPath, String offsetParam, String limitParam, String pageParam,
            String pageSizeParam, int startPage, int pageSize, String cursorPath, String cursorParam, int maxPages,
            String totalPath, String lastPagePath, String cursorBodyPath, String hasMorePath) {
        static Pagination from(JsonNode node) {
            return new Pagination(node.path("type").asText("none"), node.path("nextLinkPath").asText(""),
                    node.path("offsetParam").asText("offset"), node.path("limitParam").asText("limit"),
                    node.path("pageParam").asText("page"), node.path("pageSizeParam").asText(""),
                    node.path("startPage").asInt(1), node.path("pageSize").asInt(100), node.path("cursorPath").asText(""),
                    node.path("cursorParam").asText(""), node.path("maxPages").asInt(100_000),
                    node.path("totalPath").asText(""), node.path("lastPagePath").asText(""),
                    node.path("cursorBodyPath").asText(""), node.path("hasMorePath").asText(""));
        }

        /**
         * Whether the page says it is the last one (isLast: true), or the records read reach the total it states:
         * then no further, empty page is asked for (one request per paged read saved).
         */
        boolean saysLast(JsonPageReader.Page page, long readSoFar) {
            if (!lastPagePath.isBlank() && "true".equalsIgnoreCase(page.captured().get(lastPagePath))) {
                return true;
            }
            if (totalPath.isBlank() || readSoFar == Long.MIN_VALUE) {
                return false;
            }
            try {
                return readSoFar >= Long.parseLong(String.valueOf(page.captured().get(totalPath)).trim());
            } catch (NumberFormatException noTotal) {
                return false;
            }
        }

        Map<String, String> firstPageParameters() {
            return switch (type) {
                case "offset" -> Map.of(offsetParam, "0", limitParam, Integer.toString(pageSize));
                case "page" -> pageParameters(startPage);
                default -> Map.of();
            };
        }

        Map<String, String> pageParameters(long page) {
            Map<String, String> parameters = new LinkedHashMap<>();
            parameters.put(pageParam, Long.toString(page));
            if (!pageSizeParam.isBlank()) {
                parameters.put(pageSizeParam, Integer.toString(pageSize));
            }
            return parameters;
        }
    }
}
