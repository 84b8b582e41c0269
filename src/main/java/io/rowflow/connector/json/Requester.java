package io.rowflow.connector.json;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.rowflow.common.error.DataException;
import io.rowflow.common.error.UpstreamException;
import io.rowflow.connector.SourceContext;
import io.rowflow.http.HttpRequestSpec;
import io.rowflow.http.Origin;
import io.rowflow.http.RateLimitWaits;
import io.rowflow.http.SafeHttpClient;
import io.rowflow.pipeline.RecordSink;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.jboss.logging.Logger;

/**
 * Sends {@link ApiRequest}s for one read through the read's HTTP client (its network guard, retries of 429 and 5xx)
 * and request budget, with the connection's current OAuth token: one request answered whole, or every page of one,
 * its records streamed to the sink as they are read and the next page asked for as its {@link Paginator} says.
 */
public final class Requester {
    /** Pages read at the most when nothing else says: an API that always answers with a next page is stopped. */
    public static final int MAX_PAGES = 100_000;

    private static final Logger LOG = Logger.getLogger(Requester.class);
    /** Decimals as BigDecimal, as pages read them, so a component's records keep every digit. */
    private static final ObjectMapper TREE = new ObjectMapper().enable(
            com.fasterxml.jackson.databind.DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);

    private final SourceContext context;
    private final PageHook hook;

    /**
     * The answer itself, unless it is a web page: a sign-in or captive-portal page in front of the API answers 200
     * with HTML, which must fail the read saying so rather than as unreadable JSON or as a page without records.
     */
    public static io.rowflow.http.HttpBody requireJson(io.rowflow.http.HttpBody response) {
        if (response.isWebPage()) {
            throw new DataException("The address answered with a web page (HTML), not JSON: the link may have expired"
                    + " or need a sign-in. Nothing was written.");
        }
        return response;
    }

    public Requester(SourceContext context) {
        this(context, PageHook.NONE);
    }

    public Requester(SourceContext context, PageHook hook) {
        this.context = context;
        this.hook = hook;
    }

    /** One request, its answer read whole by {@code reader}. */
    public <T> T send(ApiRequest request, SafeHttpClient.BodyReader<T> reader) {
        Map<String, String> headers = new LinkedHashMap<>(request.headers());
        return withFreshToken(context, headers, () -> context.http().execute(new HttpRequestSpec(request.method(),
                request.uri(Map.of()), headers, request.body()), reader, context.budget()));
    }

    public void readPages(ApiRequest request, Paginator paginator, RecordSink sink) {
        readPages(request, paginator, MAX_PAGES, sink);
    }

    /** Every page of the request, {@code maxPages} at the most. */
    public void readPages(ApiRequest request, Paginator paginator, int maxPages, RecordSink sink) {
        List<String> capture = new ArrayList<>(paginator.capturePaths());
        capture.addAll(hook.capturePaths());
        JsonPageReader reader = new JsonPageReader(request.recordsPath(), capture);
        String lastField = paginator.lastRecordField();
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Accept", "application/json");
        headers.putAll(request.headers());
        long previousDigest = 0;
        long previousRecords = -1;
        Optional<Paginator.PageRequest> next = Optional.of(paginator.first(request));
        int refusals = 0;
        for (int page = 1; next.isPresent(); page++) {
            if (page > maxPages) {
                throw new DataException("Stopped after " + maxPages + " pages (pagination.maxPages): the API"
                        + " kept answering with more pages");
            }
            Paginator.PageRequest current = next.get();
            // A next link to another origin is followed without the connection's credentials (headers, token).
            boolean ownOrigin = Origin.same(request.uri(), current.uri());
            Supplier<PageResult> fetch = () -> {
                hook.beforeRequest();
                HttpRequestSpec spec = new HttpRequestSpec(request.method(), current.uri(), headers, current.body());
                return context.http().execute(ownOrigin ? spec : spec.withoutCredentials(), response -> {
                    requireJson(response);
                    PageDigest digest = new PageDigest();
                    Object[] last = new Object[1];
                    JsonPageReader.Page read = reader.read(response.stream(), record -> {
                        digest.add(record);
                        if (lastField != null) {
                            last[0] = record.get(lastField); // before the sink, which may reshape the record
                        }
                        sink.accept(record);
                    });
                    return new PageResult(read, response.header().apply("Link"), digest.value(),
                            last[0] == null ? null : last[0].toString());
                }, context.budget());
            };
            PageResult result = ownOrigin ? withFreshToken(context, headers, fetch) : fetch.get();
            JsonPageReader.Page read = result.page();
            String refused = read.records() == 0 ? refusedForNow(read.captured(), ++refusals) : null;
            if (refused != null) {
                page--; // the same page again, once the hook's wait (before the request) has passed
                continue;
            }
            refusals = 0;
            if (page > 1 && read.records() > 0 && read.records() == previousRecords && result.digest() == previousDigest
                    && paginator instanceof Paginator.Numbered numbered) {
                throw new DataException("Page " + page + " of the API repeats page " + (page - 1) + " record for record:"
                        + " the API seems to ignore the \"" + numbered.positionParam() + "\" parameter. Check the"
                        + " paging settings of the connection; the run stopped rather than read the same rows again"
                        + " and again, and wrote nothing");
            }
            if (read.records() > 0) {
                // First what the page said of itself: an API that answers a failure with 200 (Slack's ok: false) is
                // reported as that failure, not as a page without records. (A page without records was seen above.)
                hook.afterPage(read.captured());
            }
            previousDigest = result.digest();
            previousRecords = read.records();
            if (!read.recordsFound() && (page == 1 || paginator.everyPageHoldsRecords())) {
                throw new DataException((page == 1 ? "The response" : "Page " + page + " of the response")
                        + " has nothing at \"" + JsonPageReader.display(request.recordsPath()) + "\"; check the path"
                        + " to the records" + (page == 1 ? "" : " (the API may have answered with errors instead)"));
            }
            next = paginator.next(request, current, new Paginator.Page(read.records(), read.captured(),
                    result.link(), result.lastRecordValue()));
        }
    }

    /** Refusals of one request in a row (THROTTLED) after which the read stops rather than keep asking. */
    static final int MAX_REFUSALS_IN_A_ROW = 10;

    /**
     * What a page without records said of itself ({@link PageHook#afterPage}), and whether it was a refusal for now
     * that the hook wants asked again: null when not. The hook waits before the next request as the answer said.
     */
    private String refusedForNow(Map<String, String> captured, int inARow) {
        hook.afterPage(captured);
        String why = hook.askAgain(captured);
        if (why == null) {
            return null;
        }
        if (inARow >= MAX_REFUSALS_IN_A_ROW) {
            throw new UpstreamException(why + " " + inARow + " times in a row, although each time Rowflow waited as"
                    + " long as the answer said; something else is using up the same quota (another process with this"
                    + " app's token). Try the run again later", why, null, true, 429);
        }
        LOG.infof("%s; asking again once the wait the answer states has passed", why);
        RateLimitWaits.report(why + "; waiting as the answer says, then asking again");
        return why;
    }

    /**
     * One JSON request answered whole, as a page is: the hook waits before it (the query's points), sees what it
     * said, and has it asked again while the API refuses it for now (THROTTLED). For the API calls of a Java component
     * (Shopify's bulk operation: start it, ask how it is going).
     */
    public JsonNode query(ApiRequest request) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Accept", "application/json");
        headers.putAll(request.headers());
        for (int inARow = 1;; inARow++) {
            JsonNode answer = withFreshToken(context, headers, () -> {
                hook.beforeRequest();
                return context.http().execute(new HttpRequestSpec(request.method(), request.uri(Map.of()), headers,
                        request.body()), response -> TREE.readTree(requireJson(response).stream()), context.budget());
            });
            Map<String, String> captured = new java.util.HashMap<>();
            for (String path : hook.capturePaths()) {
                JsonNode value = answer.at("/" + path.replace(".", "/"));
                if (value.isValueNode()) {
                    captured.put(path, value.isNull() ? null : value.asText());
                }
            }
            if (refusedForNow(captured, inARow) == null) {
                return answer;
            }
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

    private record PageResult(JsonPageReader.Page page, Optional<String> link, long digest, String lastRecordValue) {
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
}
