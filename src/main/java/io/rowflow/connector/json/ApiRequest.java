package io.rowflow.connector.json;

import io.rowflow.common.error.DataException;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.hc.core5.net.URIBuilder;

/**
 * One request to a JSON API, before any paging: its method, its address, the headers, the query parameters and those
 * that are credentials (sent alike, kept apart because they are never shown), a body (null for none) and the dotted
 * path of the records in each answer (empty: the answer itself). JSON from URL makes one from its settings, the
 * connector DSL from a manifest's stream; {@link Requester} sends it, a {@link Paginator} turns it into pages.
 */
public record ApiRequest(String method, URI uri, Map<String, String> headers, Map<String, String> query,
        Map<String, String> secretQuery, String body, String recordsPath) {
    public ApiRequest {
        // Kept in their order: headers and parameters go out as they were given.
        headers = Collections.unmodifiableMap(new LinkedHashMap<>(headers));
        query = Collections.unmodifiableMap(new LinkedHashMap<>(query));
        secretQuery = Collections.unmodifiableMap(new LinkedHashMap<>(secretQuery));
    }

    /** A GET of one JSON document (a field list, an account), its credentials in the headers and secret query. */
    public static ApiRequest get(URI uri, Map<String, String> headers, Map<String, String> secretQuery) {
        return new ApiRequest("GET", uri, headers, Map.of(), secretQuery, null, "");
    }

    /** The address with the query parameters, the secret ones, then the paging's (each replacing one of its name). */
    public URI uri(Map<String, String> paging) {
        Map<String, String> all = new LinkedHashMap<>(query);
        all.putAll(secretQuery);
        return withQuery(uri, all, paging);
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
}
