package io.rowflow.testing;

import io.quarkus.test.junit.callback.QuarkusTestBeforeEachCallback;
import io.quarkus.test.junit.callback.QuarkusTestMethodContext;
import io.restassured.RestAssured;
import io.restassured.filter.Filter;
import java.util.List;

/**
 * Before each {@code @QuarkusTest}, makes RestAssured send the test admin's API token with every request that carries
 * no credentials of its own, as a script automating Rowflow would. The token is made on first use after each
 * application start. A class marked {@link SignedOut} sends only what it adds itself.
 */
public class SignInBeforeEach implements QuarkusTestBeforeEachCallback {
    private static volatile boolean enabled;
    private static int tokenPort = -1;
    private static String token;
    /** The test profile the token was made under: another profile restarts the application on a clean database. */
    private static Class<?> tokenProfile;

    private static final Filter ADMIN_TOKEN = (request, response, context) -> {
        boolean hasCredentials = request.getHeaders().hasHeaderWithName("Authorization")
                || request.getCookies().hasCookieWithName("rowflow_session");
        if (enabled && !hasCredentials && !request.getURI().contains("/api/v1/auth/")) {
            request.header("Authorization", "Bearer " + adminToken(request.getPort()));
        }
        return context.next(request, response);
    };

    private static synchronized String adminToken(int port) {
        if (token == null || tokenPort != port) {
            token = Api.createToken(Api.ADMIN_EMAIL, Api.ADMIN_PASSWORD);
            tokenPort = port;
        }
        return token;
    }

    @Override
    public void beforeEach(QuarkusTestMethodContext context) {
        enabled = !context.getTestInstance().getClass().isAnnotationPresent(SignedOut.class);
        io.quarkus.test.junit.TestProfile annotated = context.getTestInstance().getClass()
                .getAnnotation(io.quarkus.test.junit.TestProfile.class);
        Class<?> profile = annotated == null ? null : annotated.value();
        synchronized (SignInBeforeEach.class) {
            if (profile != tokenProfile) {
                token = null;
                tokenProfile = profile;
            }
        }
        if (!RestAssured.filters().contains(ADMIN_TOKEN)) {
            RestAssured.filters(List.of(ADMIN_TOKEN));
        }
    }
}
