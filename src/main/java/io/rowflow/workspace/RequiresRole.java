package io.rowflow.workspace;

import jakarta.enterprise.util.Nonbinding;
import jakarta.interceptor.InterceptorBinding;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Declares who may call an endpoint that works inside a workspace: a signed-in member whose role there includes
 * {@link #value()}. The workspace is the path's {@code workspaceId} when the endpoint has one, else the
 * {@code Rowflow-Workspace} header, else the caller's first workspace. Every REST method of Rowflow carries this,
 * {@link SignedIn} or {@code @PermitAll}; RouteInventoryTest fails on one that carries none.
 */
@InterceptorBinding
@Target({ ElementType.TYPE, ElementType.METHOD })
@Retention(RetentionPolicy.RUNTIME)
public @interface RequiresRole {
    @Nonbinding
    Role value();
}
