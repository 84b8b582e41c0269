package io.rowflow.connector.json;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.rowflow.common.error.DataException;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * How an API's pages follow one another, one record per kind: each knows its first page's request and, from what a
 * page held, the next one (none after the last). JSON from URL (its pagination settings) and the connector DSL (a
 * stream's paginator) both page through this one family. A path that is not set is null.
 */
public sealed interface Paginator permits Paginator.None, Paginator.NextLink, Paginator.Cursor, Paginator.Numbered {
    None NONE = new None();

    /** One page asked for: its address (query included), its body, and where in the paging it is. */
    record PageRequest(URI uri, String body, long position, String cursor) {
    }

    /**
     * What a page held that paging reads: how many records, the values at the captured paths, the Link header, and
     * the value of {@link #lastRecordField()} in its last record (null without one).
     */
    record Page(long records, Map<String, String> captured, Optional<String> linkHeader, String lastRecordValue) {
        public Page(long records, Map<String, String> captured, Optional<String> linkHeader) {
            this(records, captured, linkHeader, null);
        }
    }

    /** The dotted paths in each answer this paging reads (a cursor, a next link, a total). */
    List<String> capturePaths();

    /** The field of each page's last record this paging reads (the id Stripe's next page starts after); null for none. */
    default String lastRecordField() {
        return null;
    }

    /** The first page's request. */
    default PageRequest first(ApiRequest request) {
        return new PageRequest(request.uri(Map.of()), request.body(), 0, null);
    }

    /** The request for the page after {@code current}, from what that page held; empty after the last page. */
    Optional<PageRequest> next(ApiRequest request, PageRequest current, Page page);

    /**
     * Whether a page without its records is a failure rather than the end. A GraphQL API answers a failed query (a
     * throttled one too) with 200 and errors instead of data; other APIs may end on a page without the path.
     */
    default boolean everyPageHoldsRecords() {
        return false;
    }

    /** One request. */
    record None() implements Paginator {
        @Override
        public List<String> capturePaths() {
            return List.of();
        }

        @Override
        public Optional<PageRequest> next(ApiRequest request, PageRequest current, Page page) {
            return Optional.empty();
        }
    }

    /** The next page's address from the body ({@code linkPath}) or, without one, the Link header's rel="next". */
    record NextLink(String linkPath) implements Paginator {
        private static final Pattern LINK_NEXT = Pattern.compile("<([^>]*)>\\s*;[^,]*rel=\"?next\"?",
                Pattern.CASE_INSENSITIVE);

        @Override
        public List<String> capturePaths() {
            return paths(linkPath);
        }

        @Override
        public Optional<PageRequest> next(ApiRequest request, PageRequest current, Page page) {
            String link = linkPath != null ? page.captured().get(linkPath) : page.linkHeader().map(LINK_NEXT::matcher)
                    .filter(Matcher::find).map(m -> m.group(1)).orElse(null);
            if (link == null || link.isBlank()) {
                return Optional.empty();
            }
            URI next = current.uri().resolve(link.trim());
            if (next.equals(current.uri())) {
                throw new DataException("The next link points at the page just read; stopping to avoid an endless loop");
            }
            return Optional.of(new PageRequest(next, current.body(), 0, null));
        }
    }

    /**
     * A cursor (a next-page token) at {@code cursorPath}, or the field {@code lastRecordField} of the page's last
     * record (Stripe: the next page starts after the last object's id), sent back as the query parameter {@code param}
     * or, for GraphQL, at {@code bodyPath} in the JSON body (variables.cursor) to the same address. An absent or empty
     * cursor (an empty page has no last record), or false at {@code hasMorePath} (pageInfo.hasNextPage), ends the read.
     */
    record Cursor(String cursorPath, String param, String bodyPath, String hasMorePath, String lastRecordField)
            implements Paginator {
        private static final ObjectMapper JSON = new ObjectMapper();

        public Cursor(String cursorPath, String param, String bodyPath, String hasMorePath) {
            this(cursorPath, param, bodyPath, hasMorePath, null);
        }

        @Override
        public List<String> capturePaths() {
            return paths(cursorPath, hasMorePath);
        }

        /** The request as it is; its body checked first when the cursor goes in it, before anything is asked. */
        @Override
        public PageRequest first(ApiRequest request) {
            if (bodyPath != null) {
                parsedBody(request.body());
            }
            return Paginator.super.first(request);
        }

        @Override
        public Optional<PageRequest> next(ApiRequest request, PageRequest current, Page page) {
            if (hasMorePath != null && "false".equalsIgnoreCase(page.captured().get(hasMorePath))) {
                return Optional.empty();
            }
            String cursor = lastRecordField != null ? page.lastRecordValue() : page.captured().get(cursorPath);
            if (cursor == null || cursor.isEmpty()) {
                return Optional.empty();
            }
            if (cursor.equals(current.cursor())) {
                throw new DataException("The API returned the same cursor twice (\"" + (lastRecordField != null
                        ? lastRecordField + "\" of the last record" : cursorPath + "\"")
                        + "); stopping to avoid an endless loop");
            }
            if (bodyPath != null) {
                return Optional.of(new PageRequest(current.uri(), withCursor(parsedBody(request.body()), bodyPath,
                        cursor), 0, cursor));
            }
            return Optional.of(new PageRequest(request.uri(Map.of(param, cursor)), request.body(), 0, cursor));
        }

        @Override
        public boolean everyPageHoldsRecords() {
            return bodyPath != null;
        }

        private static ObjectNode parsedBody(String body) {
            try {
                JsonNode parsed = body == null ? null : JSON.readTree(body);
                if (parsed == null || !parsed.isObject()) {
                    throw new DataException("Paging with the cursor in the request body needs a JSON object as the"
                            + " body");
                }
                return (ObjectNode) parsed;
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new DataException("The request body is not JSON, so the cursor cannot be put in it: "
                        + e.getOriginalMessage());
            }
        }

        /** The body with the cursor at a dotted path (variables.cursor), the objects on the way made where missing. */
        static String withCursor(ObjectNode body, String path, String cursor) {
            ObjectNode at = body;
            String[] parts = path.split("\\.");
            for (int i = 0; i < parts.length - 1; i++) {
                at = at.get(parts[i]) instanceof ObjectNode object ? object : at.putObject(parts[i]);
            }
            at.put(parts[parts.length - 1], cursor);
            return body.toString();
        }
    }

    /**
     * Paging by a number in the query: an offset or a page number. It ends on an empty page, or on a page that says
     * it is the last ({@code lastPagePath}: isLast true). Stopping on a short page would save one request, but APIs
     * that cap the page size below the one asked for would then lose every page after the first.
     */
    sealed interface Numbered extends Paginator permits Offset, PageNumber {
        /** The parameter that moves from page to page: an API that ignores it answers the same page again. */
        String positionParam();

        /** The query parameters that ask for the page at this position. */
        Map<String, String> parameters(long position);

        /** Whether the page says it is the last one, having read {@code readSoFar} records up to it. */
        boolean saysLast(Page page, long readSoFar);

        /** The first page's position: offset 0, or the API's first page number. */
        long start();

        /** The position of the page after the one at {@code position}, which held {@code records}. */
        long after(long position, long records);

        @Override
        default PageRequest first(ApiRequest request) {
            return new PageRequest(request.uri(parameters(start())), request.body(), start(), null);
        }

        @Override
        default Optional<PageRequest> next(ApiRequest request, PageRequest current, Page page) {
            long position = after(current.position(), page.records());
            if (page.records() == 0 || saysLast(page, position)) {
                return Optional.empty();
            }
            return Optional.of(new PageRequest(request.uri(parameters(position)), request.body(), position, null));
        }
    }

    /**
     * An offset and a limit; {@code totalPath} is where the body says how many records there are in all (Jira's total):
     * once that many are read no further, empty page is asked for.
     */
    record Offset(int pageSize, String offsetParam, String limitParam, String totalPath, String lastPagePath)
            implements Numbered {
        @Override
        public List<String> capturePaths() {
            return paths(totalPath, lastPagePath);
        }

        @Override
        public String positionParam() {
            return offsetParam;
        }

        @Override
        public long start() {
            return 0;
        }

        @Override
        public Map<String, String> parameters(long offset) {
            Map<String, String> parameters = new LinkedHashMap<>();
            parameters.put(offsetParam, Long.toString(offset));
            parameters.put(limitParam, Integer.toString(pageSize));
            return parameters;
        }

        @Override
        public long after(long offset, long records) {
            return offset + records;
        }

        @Override
        public boolean saysLast(Page page, long readSoFar) {
            if (flagged(page, lastPagePath)) {
                return true;
            }
            if (totalPath == null) {
                return false;
            }
            try {
                return readSoFar >= Long.parseLong(String.valueOf(page.captured().get(totalPath)).trim());
            } catch (NumberFormatException noTotal) {
                return false;
            }
        }
    }

    /** A page number from {@code firstPage} on, with the page size as {@code sizeParam} where the API takes one. */
    record PageNumber(int pageSize, String pageParam, String sizeParam, int firstPage, String lastPagePath)
            implements Numbered {
        @Override
        public List<String> capturePaths() {
            return paths(lastPagePath);
        }

        @Override
        public String positionParam() {
            return pageParam;
        }

        @Override
        public long start() {
            return firstPage;
        }

        @Override
        public Map<String, String> parameters(long page) {
            Map<String, String> parameters = new LinkedHashMap<>();
            parameters.put(pageParam, Long.toString(page));
            if (sizeParam != null) {
                parameters.put(sizeParam, Integer.toString(pageSize));
            }
            return parameters;
        }

        @Override
        public long after(long page, long records) {
            return page + 1;
        }

        @Override
        public boolean saysLast(Page page, long readSoFar) {
            return flagged(page, lastPagePath);
        }
    }

    /** Whether the page holds true at the path (a path not set never says so). */
    private static boolean flagged(Page page, String path) {
        return path != null && "true".equalsIgnoreCase(page.captured().get(path));
    }

    private static List<String> paths(String... paths) {
        return Stream.of(paths).filter(Objects::nonNull).toList();
    }
}
