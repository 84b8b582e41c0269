package io.rowflow.workspace;

import io.quarkus.security.identity.SecurityIdentity;
import io.rowflow.account.CallerIdentity;
import io.rowflow.account.RequestRateLimiter;
import io.rowflow.common.error.AccessDeniedException;
import io.rowflow.common.error.InvalidInputException;
import io.rowflow.common.error.NotFoundException;
import io.rowflow.common.error.NotSignedInException;
import io.vertx.core.http.HttpServerRequest;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.interceptor.AroundInvoke;
import jakarta.interceptor.Interceptor;
import jakarta.interceptor.InvocationContext;
import jakarta.ws.rs.PathParam;
import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Set;
import java.util.UUID;

/**
 * Enforces {@link RequiresRole} and {@link SignedIn}: resolves the caller, checks the CSRF token of cookie-signed
 * writes, applies the per-caller rate limit, and for workspace endpoints checks the caller's role there.
 */
@ApplicationScoped
public class AccessCheck {
    public static final String WORKSPACE_HEADER = "Rowflow-Workspace";
    public static final String CSRF_HEADER = "X-CSRF-Token";
    private static final Set<String> SAFE_METHODS = Set.of("GET", "HEAD", "OPTIONS");

    @Inject
    SecurityIdentity identity;
    @Inject
    HttpServerRequest request;
    @Inject
    Caller caller;
    @Inject
    Memberships memberships;
    @Inject
    RequestRateLimiter rateLimiter;

    /** Interceptor of {@link RequiresRole} endpoints. */
    @Interceptor
    @RequiresRole(Role.VIEWER)
    @Priority(Interceptor.Priority.PLATFORM_AFTER)
    public static class RoleInterceptor {
        @Inject
        AccessCheck access;

        @AroundInvoke
        Object check(InvocationContext context) throws Exception {
            return access.enforce(context);
        }
    }

    /** Interceptor of {@link SignedIn} endpoints. */
    @Interceptor
    @SignedIn
    @Priority(Interceptor.Priority.PLATFORM_AFTER)
    public static class SignedInInterceptor {
        @Inject
        AccessCheck access;

        @AroundInvoke
        Object check(InvocationContext context) throws Exception {
            return access.enforce(context);
        }
    }

    Object enforce(InvocationContext context) throws Exception {
        CallerIdentity who = CallerIdentity.of(identity)
                .orElseThrow(() -> new NotSignedInException("Sign in, or send an API token as 'Authorization: Bearer <token>'"));
        if (who.viaSession() && !SAFE_METHODS.contains(request.method().name())) {
            String sent = request.getHeader(CSRF_HEADER);
            if (sent == null || !MessageDigest.isEqual(sent.getBytes(StandardCharsets.UTF_8),
                    who.csrfToken().getBytes(StandardCharsets.UTF_8))) {
                throw new AccessDeniedException("A change made with a session cookie needs the " + CSRF_HEADER
                        + " header holding the session's CSRF token");
            }
        }
        // Per credential and per person: several tokens do not multiply one person's allowance.
        rateLimiter.acquire(who.credentialKey());
        rateLimiter.acquire("user:" + who.userId());
        caller.signedIn(who.userId(), who.email());
        RequiresRole rule = annotation(context.getMethod(), RequiresRole.class);
        if (rule != null) {
            enterWorkspace(context, who, rule.value());
        }
        return context.proceed();
    }

    private void enterWorkspace(InvocationContext context, CallerIdentity who, Role needed) {
        UUID workspaceId = workspaceOf(context);
        Role role;
        if (workspaceId == null) {
            MembershipEntity first = memberships.firstOf(who.userId())
                    .orElseThrow(() -> new AccessDeniedException("You are not a member of any workspace"));
            workspaceId = first.workspaceId;
            role = first.role;
        } else {
            UUID id = workspaceId;
            role = memberships.roleOf(who.userId(), workspaceId)
                    .orElseThrow(() -> NotFoundException.of("Workspace", id));
        }
        if (!role.includes(needed)) {
            throw new AccessDeniedException("Your role in this workspace is " + role.id() + "; this needs "
                    + needed.id() + " or above");
        }
        caller.inWorkspace(workspaceId, role);
    }

    /** The path's {@code workspaceId}, else the {@value #WORKSPACE_HEADER} header, else null (the first one). */
    private UUID workspaceOf(InvocationContext context) {
        Annotation[][] annotations = context.getMethod().getParameterAnnotations();
        for (int i = 0; i < annotations.length; i++) {
            for (Annotation a : annotations[i]) {
                if (a instanceof PathParam p && p.value().equals("workspaceId")) {
                    return (UUID) context.getParameters()[i];
                }
            }
        }
        String header = request.getHeader(WORKSPACE_HEADER);
        if (header == null || header.isBlank()) {
            return null;
        }
        try {
            return UUID.fromString(header.strip());
        } catch (IllegalArgumentException e) {
            throw InvalidInputException.field(WORKSPACE_HEADER, "not a workspace id: \"" + header + "\"");
        }
    }

    static <A extends Annotation> A annotation(Method method, Class<A> type) {
        A onMethod = method.getAnnotation(type);
        return onMethod != null ? onMethod : method.getDeclaringClass().getAnnotation(type);
    }
}
