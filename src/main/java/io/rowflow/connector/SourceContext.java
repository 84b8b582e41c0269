package io.rowflow.connector;

import com.fasterxml.jackson.databind.JsonNode;
import io.rowflow.http.RequestBudget;
import io.rowflow.http.SafeHttpClient;
import java.util.UUID;

/**
 * What a source needs for one read: its settings (secrets included, decrypted), the HTTP client to use, the request
 * budget to draw from before each request (an API's published rate limit, kept proactively), the stream to read, the
 * connection it reads through, and — for connections signed in with OAuth — where to get a current access token
 * before each request (it is refreshed when it is about to expire, also in the middle of a long read); for an
 * incremental read, where the last one stopped ({@code sync}, null for a full read); whether the read is a
 * {@code sample} (a preview's or a Test's first records, cut short by the caller), so a source skips work meant for
 * whole reads (Shopify's bulk export of every order); and the workspace the connection lies in ({@code workspaceId},
 * null when the read is not on behalf of one), which bounds what a source may open of the workspace's own (its
 * uploaded files).
 */
public record SourceContext(JsonNode config, SafeHttpClient http, RequestBudget budget, String stream, UUID connectionId,
        AccessTokens accessTokens, IncrementalSync sync, boolean sample, UUID workspaceId) {
    public SourceContext(JsonNode config, SafeHttpClient http, RequestBudget budget, String stream, UUID connectionId,
            AccessTokens accessTokens, IncrementalSync sync) {
        this(config, http, budget, stream, connectionId, accessTokens, sync, false, null);
    }

    public SourceContext(JsonNode config, SafeHttpClient http) {
        this(config, http, RequestBudget.UNLIMITED, null, null, null, null, false, null);
    }

    public SourceContext withConfig(JsonNode other) {
        return new SourceContext(other, http, budget, stream, connectionId, accessTokens, sync, sample, workspaceId);
    }

    public SourceContext withBudget(RequestBudget other) {
        return new SourceContext(config, http, other, stream, connectionId, accessTokens, sync, sample, workspaceId);
    }

    /** The stream to read, of a connector that has several (null: its first). */
    public SourceContext withStream(String name) {
        return new SourceContext(config, http, budget, name, connectionId, accessTokens, sync, sample, workspaceId);
    }

    public SourceContext withConnection(UUID id, AccessTokens tokens) {
        return new SourceContext(config, http, budget, stream, id, tokens, sync, sample, workspaceId);
    }

    /** Reads only what changed since the state given (see {@link IncrementalSync}); null reads everything. */
    public SourceContext withSync(IncrementalSync incremental) {
        return new SourceContext(config, http, budget, stream, connectionId, accessTokens, incremental, sample,
                workspaceId);
    }

    /** A read of the first few records only (a preview, a Test): the caller stops it early. */
    public SourceContext asSample() {
        return new SourceContext(config, http, budget, stream, connectionId, accessTokens, sync, true, workspaceId);
    }

    /** The workspace the read is for (see the record's description). */
    public SourceContext withWorkspace(UUID workspace) {
        return new SourceContext(config, http, budget, stream, connectionId, accessTokens, sync, sample, workspace);
    }
}
