package io.rowflow.writer.excelonline;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.rowflow.common.error.DataException;
import io.rowflow.common.error.UpstreamException;
import io.rowflow.connector.AccessTokens;
import io.rowflow.http.HttpBody;
import io.rowflow.http.HttpRequestSpec;
import io.rowflow.http.SafeHttpClient;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Microsoft Graph for one connection, through the project's HTTP client (network guard, retries, 429 and 503 waited
 * out as Retry-After asks): JSON calls with the connection's bearer token, a token Graph rejects renewed once, and
 * Graph's refusals said in plain words with the fix.
 */
final class GraphClient {
    static final ObjectMapper JSON = new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES,
            false);

    /** A drive: a user's OneDrive ({@code personal}, {@code business}) or a SharePoint library ({@code documentLibrary}). */
    record Drive(String id, String name, String driveType) {
    }

    record Folder(Integer childCount) {
    }

    /** A file or folder; {@code folder} is set for a folder only. */
    record DriveItem(String id, String name, Long size, Folder folder, String webUrl) {
    }

    /** Where a file's bytes go, and which of them Graph still lacks ("26-": from byte 26 to the end). */
    record UploadSession(String uploadUrl, List<String> nextExpectedRanges) {
    }

    record WorkbookSession(String id) {
    }

    record Worksheet(String id, String name) {
    }

    /** A range as Graph answers it: its address with the sheet's name ("Data!A1:C20"). */
    record Range(String address) {
    }

    /** One page of a collection, and the address of the next when there is one. */
    record Page<T>(List<T> value, @JsonProperty("@odata.nextLink") String nextLink) {
    }

    /** A successful answer's status (an upload fragment's 202 or the last one's 200/201) and body. */
    record Answer(int status, JsonNode body) {
    }

    private final SafeHttpClient http;
    private final String baseUrl;
    private final AccessTokens tokens;
    private final AtomicLong calls = new AtomicLong();

    GraphClient(SafeHttpClient http, String baseUrl, AccessTokens tokens) {
        if (tokens == null) {
            throw new DataException("The Microsoft connection has not been signed in: open it under Connections and"
                    + " choose Reconnect");
        }
        this.http = http;
        this.baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
        this.tokens = tokens;
    }

    /** Requests Graph answered or refused so far (an upload's fragments included). */
    long calls() {
        return calls.get();
    }

    /** A path segment, percent-encoded (a file or sheet name with spaces, a worksheet id in braces). */
    static String segment(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }

    <T> T get(String path, Class<T> type, String doing) {
        return JSON.convertValue(call("GET", path, null, Map.of(), doing).body(), type);
    }

    /** Every item of a collection, following {@code @odata.nextLink} page after page. */
    <T> List<T> list(String path, Class<T> type, String doing) {
        JavaType pageType = JSON.getTypeFactory().constructParametricType(Page.class, type);
        List<T> all = new ArrayList<>();
        String next = baseUrl + path;
        while (next != null) {
            Page<T> page = JSON.convertValue(send("GET", URI.create(next), null, Map.of(), doing).body(), pageType);
            if (page.value() != null) {
                all.addAll(page.value());
            }
            next = page.nextLink();
        }
        return all;
    }

    <T> T post(String path, Object body, Map<String, String> headers, Class<T> type, String doing) {
        return JSON.convertValue(call("POST", path, body, headers, doing).body(), type);
    }

    /** A call to a Graph path, its body (a record or a map) sent as JSON; answers Graph's JSON (null when empty). */
    Answer call(String method, String path, Object body, Map<String, String> headers, String doing) {
        return send(method, URI.create(baseUrl + path), body, headers, doing);
    }

    private Answer send(String method, URI uri, Object body, Map<String, String> headers, String doing) {
        String json = body == null ? null : JSON.valueToTree(body).toString();
        String token = tokens.current();
        try {
            return execute(new HttpRequestSpec(method, uri, headers(token, headers, json != null), json), doing);
        } catch (UpstreamException e) {
            if (e.status() != 401) {
                throw e;
            }
            // An access token revoked or rotated before its expiry: renewed once (a refused refresh marks the
            // connection for reconnecting, and says so).
            String renewed = tokens.afterRejection(token);
            try {
                return execute(new HttpRequestSpec(method, uri, headers(renewed, headers, json != null), json), doing);
            } catch (UpstreamException again) {
                if (again.status() == 401) {
                    throw new UpstreamException("Microsoft refused the account's sign-in while " + doing + ": reconnect"
                            + " the Microsoft account (Connections → Reconnect)", again.upstreamMessage(), again, false,
                            401);
                }
                throw again;
            }
        }
    }

    /**
     * One fragment of an upload session: a PUT to its pre-authenticated URL, which takes no Authorization header (one
     * would make it answer 401), and whose address is itself a credential (kept out of logs).
     */
    Answer putFragment(URI uploadUrl, byte[] bytes, long from, long total, String doing) {
        Map<String, String> headers = Map.of("Content-Range", "bytes " + from + "-" + (from + bytes.length - 1) + "/"
                + total);
        return execute(HttpRequestSpec.bytes("PUT", uploadUrl, headers, bytes, true), doing);
    }

    /** A call to an upload session's own URL (its state, or cancelling it); no Authorization header either. */
    Answer uploadSession(String method, URI uploadUrl, String doing) {
        return execute(new HttpRequestSpec(method, uploadUrl, Map.of("Accept", "application/json"), null, true), doing);
    }

    private static Map<String, String> headers(String token, Map<String, String> extra, boolean hasBody) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Authorization", "Bearer " + token);
        headers.put("Accept", "application/json");
        if (hasBody) {
            headers.put("Content-Type", "application/json");
        }
        headers.putAll(extra);
        return headers;
    }

    private Answer execute(HttpRequestSpec spec, String doing) {
        try {
            return http.execute(spec, GraphClient::answer);
        } catch (UpstreamException e) {
            throw translated(e, doing);
        } finally {
            calls.incrementAndGet();
        }
    }

    private static Answer answer(HttpBody body) throws IOException {
        byte[] bytes = body.stream().readAllBytes();
        return new Answer(body.status(), bytes.length == 0 ? null : JSON.readTree(bytes));
    }

    /**
     * A refusal as a user can act on it; the status, whether it may pass and the wait Graph asked for are kept, so a
     * run retries what may pass. A 401 stays as it is: {@link #send} renews the token first.
     */
    static UpstreamException translated(UpstreamException e, String doing) {
        if (e.status() == 401) {
            return e;
        }
        String said = graphError(e.upstreamMessage());
        String sentence = switch (e.status()) {
            case 403 -> "Microsoft does not let this account change it while " + doing + " (" + said + "): pick a"
                    + " drive and folder the account may edit, or ask the owner to share it with edit rights";
            case 404 -> "Microsoft found nothing there while " + doing + " (" + said + "): it was deleted, moved or"
                    + " renamed, or the account cannot see it; pick it again in the destination's settings";
            case 409 -> "Microsoft refused a conflicting change while " + doing + " (" + said + ")";
            case 423 -> "The workbook is locked while " + doing + " (" + said + "): someone is editing it in a way"
                    + " that blocks changes, or it is checked out; the next run tries again";
            case 429 -> "Microsoft kept throttling the requests while " + doing + ": " + e.getMessage();
            case 507 -> "The drive is full while " + doing + ": free some space in it, or pick another drive";
            default -> "Microsoft Graph failed while " + doing + ": " + e.getMessage() + (said.isEmpty() ? "" : " ("
                    + said + ")");
        };
        boolean passing = e.passing() || e.status() == 423;
        return new UpstreamException(sentence, e.upstreamMessage(), e, passing, e.status(), e.retryAfter());
    }

    /** Graph's error code and message ({"error": {"code", "message"}}), or the start of the body. */
    static String graphError(String body) {
        if (body == null || body.isBlank()) {
            return "";
        }
        try {
            JsonNode error = JSON.readTree(body).path("error");
            if (error.isObject()) {
                return error.path("code").asText("") + ": " + error.path("message").asText("");
            }
        } catch (IOException notJson) {
            // fall through to the text itself
        }
        return body.length() > 200 ? body.substring(0, 200) + "…" : body;
    }
}
