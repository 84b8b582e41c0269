package io.rowflow.common.web;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.rowflow.common.error.Problem;
import io.vertx.core.Future;
import io.vertx.core.http.HttpServerResponse;

/**
 * RFC 9457 answers written at the HTTP layer, before (or instead of) the REST endpoints: {@code ProblemMapper} only
 * sees what reaches JAX-RS. Same body as every other problem.
 */
public final class RawProblems {
    private static final ObjectMapper JSON = new ObjectMapper();

    private RawProblems() {
    }

    public static String body(int status, String slug, String title, String detail, String instance) {
        try {
            return JSON.writeValueAsString(new Problem(Problem.typeUri(slug), title, status, detail, instance, null));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Ends {@code response} with a problem; does nothing (a completed future) when it has already been sent. */
    public static Future<Void> end(HttpServerResponse response, int status, String slug, String title, String detail,
            String instance) {
        if (response.ended() || response.headWritten()) {
            return Future.succeededFuture();
        }
        return response.setStatusCode(status).putHeader("Content-Type", Problem.MEDIA_TYPE)
                .end(body(status, slug, title, detail, instance));
    }
}
