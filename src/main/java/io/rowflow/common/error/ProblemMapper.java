package io.rowflow.common.error;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.ConstraintViolationException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * The one place where exceptions become HTTP answers: every error leaves as RFC 9457 problem+json. 5xx are logged at
 * error level, the rest at debug, and no stack trace is ever sent to the client.
 */
public class ProblemMapper {
    private static final Logger LOG = Logger.getLogger(ProblemMapper.class);

    /**
     * Domain exception → HTTP status, for the base exceptions of this package: a feature's own exception takes the
     * status of the nearest listed class it extends (a transform's mistake is an {@link InvalidInputException}, 422),
     * so this table names no other feature. One that extends none of them answers 500 (a secret that cannot be read).
     */
    static final Map<Class<? extends RowflowException>, Integer> STATUS_BY_EXCEPTION = Map.ofEntries(
            Map.entry(NotSignedInException.class, 401),
            Map.entry(AccessDeniedException.class, 403),
            Map.entry(NotFoundException.class, 404),
            Map.entry(InvalidInputException.class, 422),
            Map.entry(DataException.class, 422),
            Map.entry(ConflictException.class, 409),
            Map.entry(ContentTooLargeException.class, 413),
            Map.entry(NotConfiguredException.class, 409),
            Map.entry(UpstreamException.class, 502),
            Map.entry(TooManyRequestsException.class, 429),
            Map.entry(BusyException.class, 503));

    /** The status of the nearest class of {@code type} the table lists; 500 when none is. */
    static int statusOf(Class<?> type) {
        for (Class<?> c = type; c != null && RowflowException.class.isAssignableFrom(c); c = c.getSuperclass()) {
            Integer status = STATUS_BY_EXCEPTION.get(c);
            if (status != null) {
                return status;
            }
        }
        return 500;
    }

    @ServerExceptionMapper
    public Response rowflow(RowflowException e, UriInfo uri) {
        int status = statusOf(e.getClass());
        List<FieldError> errors = e.fieldErrors().isEmpty() ? null : e.fieldErrors();
        Response response = respond(status, e.problemType(), e.title(), e.getMessage(), uri, errors, e);
        if (e instanceof NotSignedInException) {
            return Response.fromResponse(response).header("WWW-Authenticate", "Bearer realm=\"rowflow\"").build();
        }
        if (e instanceof TooManyRequestsException limited) { // BusyException (503) included
            return Response.fromResponse(response)
                    .header("Retry-After", Math.max(1, (limited.retryAfter().toMillis() + 999) / 1000)).build();
        }
        return response;
    }

    /** Quarkus Security's own answers (no credentials, bad credentials, a role check) as problems too. */
    @ServerExceptionMapper({ UnauthorizedException.class, AuthenticationFailedException.class })
    public Response unauthenticated(RuntimeException e, UriInfo uri) {
        return rowflow(new NotSignedInException("Sign in, or send an API token as 'Authorization: Bearer <token>'"), uri);
    }

    @ServerExceptionMapper
    public Response forbidden(ForbiddenException e, UriInfo uri) {
        return rowflow(new AccessDeniedException("You may not do this"), uri);
    }

    @ServerExceptionMapper
    public Response constraintViolation(ConstraintViolationException e, UriInfo uri) {
        List<FieldError> errors = e.getConstraintViolations().stream()
                .map(v -> new FieldError(fieldPath(v), v.getMessage()))
                .sorted(Comparator.comparing(FieldError::field))
                .toList();
        String detail = errors.stream().map(f -> f.field() + ": " + f.message()).collect(Collectors.joining("; "));
        return respond(422, "invalid-input", "Invalid input", detail, uri, errors, e);
    }

    /** Declared for its exact type, so it replaces Quarkus' built-in (non-problem) answer. */
    @ServerExceptionMapper
    public Response mismatchedJson(MismatchedInputException e, UriInfo uri) {
        return unreadableJson(e, uri);
    }

    @ServerExceptionMapper
    public Response unreadableJson(JsonProcessingException e, UriInfo uri) {
        String field = null;
        if (e instanceof JsonMappingException mapping && !mapping.getPath().isEmpty()) {
            field = mapping.getPath().stream()
                    .map(ref -> ref.getFieldName() != null ? ref.getFieldName() : "[" + ref.getIndex() + "]")
                    .collect(Collectors.joining(".")).replace(".[", "[");
        }
        String message = plainJsonMessage(e);
        if (field != null && e instanceof com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException unknown) {
            message = "is not a field of this request; it has " + unknown.getKnownPropertyIds().stream()
                    .map(String::valueOf).sorted().collect(Collectors.joining(", "));
        }
        if (field != null) {
            // Well-formed JSON whose fields do not fit the request: a field to correct, as other invalid input.
            return respond(422, "invalid-input", "Invalid input", field + ": " + message, uri,
                    List.of(new FieldError(field, message)), e);
        }
        return respond(400, "malformed-request", "Malformed request body", "The request body is not valid JSON: "
                + message, uri, null, e);
    }

    /**
     * Jackson's message in words a client understands: the expected kind of value instead of Java type names
     * ("must be a UUID", not "Cannot deserialize value of type `java.util.UUID`…"), and no parser internals.
     */
    static String plainJsonMessage(JsonProcessingException e) {
        if (e instanceof MismatchedInputException mismatch && mismatch.getTargetType() != null) {
            return "must be " + kindOf(mismatch.getTargetType());
        }
        String message = e.getOriginalMessage() == null ? "" : e.getOriginalMessage();
        int source = message.indexOf(" (start marker at");
        message = (source > 0 ? message.substring(0, source) : message).replaceAll("`[\\w.$\\[\\]<>, ]+`", "a value")
                .replaceAll("\\s+", " ").strip();
        var location = e.getLocation();
        return location == null ? message : message + " (line " + location.getLineNr() + ", column "
                + location.getColumnNr() + ")";
    }

    private static String kindOf(Class<?> type) {
        if (type == java.util.UUID.class) {
            return "a UUID (like 123e4567-e89b-12d3-a456-426614174000)";
        }
        if (type == Integer.class || type == int.class || type == Long.class || type == long.class
                || type == Short.class || type == short.class || type == java.math.BigInteger.class) {
            return "a whole number";
        }
        if (Number.class.isAssignableFrom(type) || type == double.class || type == float.class) {
            return "a number";
        }
        if (type == Boolean.class || type == boolean.class) {
            return "true or false";
        }
        if (type == String.class || type == Character.class || type == char.class) {
            return "text";
        }
        if (type.isEnum()) {
            return "one of " + java.util.Arrays.stream(type.getEnumConstants())
                    .map(c -> c.toString().toLowerCase(java.util.Locale.ROOT)).collect(Collectors.joining(", "));
        }
        if (java.time.temporal.Temporal.class.isAssignableFrom(type)) {
            return "a date or time in ISO-8601 form (like 2026-03-26T10:15:30Z)";
        }
        if (java.time.Duration.class == type) {
            return "a duration in ISO-8601 form (like PT30M)";
        }
        if (java.util.Collection.class.isAssignableFrom(type) || type.isArray()
                || com.fasterxml.jackson.databind.node.ArrayNode.class == type) {
            return "a list";
        }
        return "an object";
    }

    @ServerExceptionMapper
    public Response webApplication(WebApplicationException e, UriInfo uri) {
        if (e.getCause() instanceof JsonProcessingException json) {
            return unreadableJson(json, uri); // the JSON reader wraps syntax errors
        }
        int status = e.getResponse().getStatus();
        Response.Status known = Response.Status.fromStatusCode(status);
        String title = known != null ? known.getReasonPhrase() : "HTTP " + status;
        return respond(status, "http-" + status, title, e.getMessage(), uri, null, e);
    }

    @ServerExceptionMapper(priority = 10_000)
    public Response unexpected(Throwable e, UriInfo uri) {
        return respond(500, "internal-error", "Internal error",
                "An unexpected error occurred; the server log has the details.", uri, null, e);
    }

    static Response respond(int status, String slug, String title, String detail, UriInfo uri, List<FieldError> errors,
            Throwable cause) {
        if (status >= 500 && status != 503) { // 503: the server shedding load on purpose, not an error
            LOG.errorf(cause, "%s %s answered %d", uri == null ? "" : uri.getPath(), slug, status);
        } else {
            LOG.debugf("%s answered %d: %s", uri == null ? "" : uri.getPath(), status, detail);
        }
        Problem problem = new Problem(Problem.typeUri(slug), title, status, detail,
                uri == null ? null : uri.getPath(), errors);
        return Response.status(status).type(Problem.MEDIA_TYPE).entity(problem).build();
    }

    /** {@code create.request.config.url} → {@code config.url}: drop the Java method and parameter names. */
    private static String fieldPath(ConstraintViolation<?> violation) {
        String path = violation.getPropertyPath().toString();
        String[] parts = path.split("\\.", 3);
        return parts.length == 3 ? parts[2] : parts[parts.length - 1];
    }
}
