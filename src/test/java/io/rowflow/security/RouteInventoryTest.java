package io.rowflow.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.oidc.AuthorizationCodeFlow;
import io.quarkus.security.Authenticated;
import io.rowflow.workspace.RequiresRole;
import io.rowflow.workspace.SignedIn;
import jakarta.annotation.security.PermitAll;
import jakarta.annotation.security.RolesAllowed;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Deny by default, checked: every REST method declares who may call it. A new endpoint without a rule fails here
 * (and answers 403 at run time, since {@code deny-unannotated-endpoints} is on); a new public one must be added to
 * {@link #PUBLIC} on purpose.
 */
class RouteInventoryTest {
    static final List<String> PUBLIC = List.of(
            "GET /api/v1/auth/setup",
            "POST /api/v1/auth/setup",
            "POST /api/v1/auth/sign-in",
            "POST /api/v1/hooks/{secret}",
            "GET /api/v1/published/{token}.{format}");

    @Test
    void everyRouteDeclaresWhoMayCallIt() throws Exception {
        List<Routes> routes = Routes.all();
        assertThat(routes).hasSizeGreaterThan(30);
        for (Routes route : routes) {
            if (route.has(PermitAll.class)) {
                assertThat(PUBLIC).as("%s is public but not in the list of public routes", route).contains(route.toString());
                continue;
            }
            assertThat(route.has(Authenticated.class) || route.has(RolesAllowed.class))
                    .as("%s needs @Authenticated (or @PermitAll)", route).isTrue();
            // The identity provider's sign-in is authenticated by the provider itself (OIDC code flow).
            assertThat(route.has(RequiresRole.class) || route.has(SignedIn.class) || route.has(AuthorizationCodeFlow.class))
                    .as("%s needs @RequiresRole(...) or @SignedIn", route).isTrue();
        }
        assertThat(routes.stream().map(Routes::toString)).containsAll(PUBLIC);
    }
}
