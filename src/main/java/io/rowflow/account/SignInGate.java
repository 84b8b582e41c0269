package io.rowflow.account;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.vertx.http.runtime.filters.Filters;
import io.rowflow.common.error.BusyException;
import io.rowflow.common.error.Problem;
import io.rowflow.common.error.TooManyRequestsException;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * Refuses sign-in attempts from an address that {@link SignInThrottle} would refuse whatever the email, on the I/O
 * thread and before the body is read: a flood from one address then costs no worker thread, no database access and
 * no hash, and other people's requests keep their threads. It also bounds the sign-ins in progress from all addresses
 * together ({@code max-in-progress}). The same answers as the endpoint's (problem+json,
 * Retry-After); attempts that get through are checked again, per email, by the endpoint.
 */
@ApplicationScoped
public class SignInGate {
    static final String PATH = "/api/v1/auth/sign-in";

    private final SignInThrottle throttle;
    private final ObjectMapper json;

    public SignInGate(SignInThrottle throttle, ObjectMapper json) {
        this.throttle = throttle;
        this.json = json;
    }

    /** After SecurityHeaders (100), so that refusals carry the same headers as every other answer. */
    void register(@Observes Filters filters) {
        filters.register(this::gate, 50);
    }

    private void gate(RoutingContext context) {
        if (context.request().method() != HttpMethod.POST || !PATH.equals(context.request().path())) {
            context.next();
            return;
        }
        String address = context.request().remoteAddress() == null ? null : context.request().remoteAddress().host();
        TooManyRequestsException refusal = throttle.refusalFor(address);
        if (refusal == null) {
            refusal = throttle.enter();
            if (refusal == null) {
                context.addEndHandler(ended -> throttle.leave());
                context.next();
                return;
            }
        }
        int status = refusal instanceof BusyException ? 503 : 429;
        String body;
        try {
            body = json.writeValueAsString(new Problem(Problem.typeUri(refusal.problemType()), refusal.title(), status,
                    refusal.getMessage(), PATH, null));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        context.response().setStatusCode(status).putHeader("Content-Type", Problem.MEDIA_TYPE)
                .putHeader("Retry-After", String.valueOf(Math.max(1, (refusal.retryAfter().toMillis() + 999) / 1000)))
                .end(body);
    }
}
