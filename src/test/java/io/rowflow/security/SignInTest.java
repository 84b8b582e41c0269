package io.rowflow.security;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.rowflow.testing.Api;
import io.rowflow.testing.FakeApi;
import io.rowflow.testing.SignedOut;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Local sign-in, lockout, sessions with CSRF protection, API tokens, deny-by-default and security headers. */
@QuarkusTest
@SignedOut
class SignInTest {
    @Inject
    EntityManager em;

    private static String newUser(String email) {
        String owner = Api.createToken(Api.ADMIN_EMAIL, Api.ADMIN_PASSWORD);
        Api.addMember(owner, Api.firstWorkspace(owner), email, "editor", "sign-in-password-1");
        return email;
    }

    private static Response signIn(String email, String password) {
        return given().contentType(ContentType.JSON).body(Map.of("email", email, "password", password))
                .post("/api/v1/auth/sign-in");
    }

    @Test
    void everyProtectedRouteAnswers401WithoutCredentials() throws Exception {
        for (Routes route : Routes.all()) {
            if (RouteInventoryTest.PUBLIC.contains(route.toString())) {
                continue;
            }
            if (route.toString().equals("GET /api/v1/auth/oidc/sign-in")) {
                // The identity provider's sign-in sends the browser to the provider instead.
                given().redirects().follow(false).get(route.path()).then().statusCode(302)
                        .header("Location", containsString("/authorize?"));
                continue;
            }
            String path = route.path().replaceAll("\\{[^}]+}", "00000000-0000-0000-0000-000000000009")
                    .replace("/destinations/00000000-0000-0000-0000-000000000009/", "/destinations/0/");
            Response answer = given().contentType(ContentType.JSON).body("{}").request(route.verb(), path);
            assertThat(answer.statusCode()).as("%s: %s", route, answer.asString()).isEqualTo(401);
            assertThat(answer.contentType()).as(route.toString()).startsWith("application/problem+json");
            assertThat(answer.header("WWW-Authenticate")).as(route.toString()).contains("Bearer");
        }
        given().header("Authorization", "Bearer rf_pat_not-a-real-token").get("/api/v1/flows").then().statusCode(401);
    }

    @Test
    void signInSetsAProtectedSessionAndWritesNeedTheCsrfToken() {
        String email = newUser("csrf@sign-in.test");
        Response signedIn = signIn(email, "sign-in-password-1");
        signedIn.then().statusCode(200).body("user.email", equalTo(email));
        String setCookie = signedIn.headers().getValues("Set-Cookie").stream()
                .filter(c -> c.startsWith("rowflow_session=")).findFirst().orElseThrow();
        assertThat(setCookie).contains("HttpOnly").contains("SameSite=Lax").doesNotContain("Secure");
        String session = signedIn.cookie("rowflow_session");
        String csrf = signedIn.jsonPath().getString("csrfToken");

        given().cookie("rowflow_session", session).get("/api/v1/flows").then().statusCode(200);
        Map<String, Object> connection = Map.of("name", "c", "connectorId", "csv-url",
                "config", Map.of("url", FakeApi.shared().url("/files/x.csv")));
        // A cross-site form post carries the cookie but cannot know the token.
        given().cookie("rowflow_session", session).contentType(ContentType.JSON).body(connection)
                .post("/api/v1/connections").then().statusCode(403).body("detail", containsString("X-CSRF-Token"));
        given().cookie("rowflow_session", session).header("X-CSRF-Token", "guess").contentType(ContentType.JSON)
                .body(connection).post("/api/v1/connections").then().statusCode(403);
        given().cookie("rowflow_session", session).header("X-CSRF-Token", csrf).contentType(ContentType.JSON)
                .body(connection).post("/api/v1/connections").then().statusCode(201);

        // Behind a TLS proxy the cookie is Secure.
        Response overTls = given().header("X-Forwarded-Proto", "https").contentType(ContentType.JSON)
                .body(Map.of("email", email, "password", "sign-in-password-1")).post("/api/v1/auth/sign-in");
        assertThat(overTls.headers().getValues("Set-Cookie")).anyMatch(c -> c.startsWith("rowflow_session=") && c.contains("Secure"));
        assertThat(overTls.header("Strict-Transport-Security")).contains("max-age=");

        given().cookie("rowflow_session", session).header("X-CSRF-Token", csrf).post("/api/v1/auth/sign-out").then()
                .statusCode(204);
        given().cookie("rowflow_session", session).get("/api/v1/flows").then().statusCode(401);
    }

    @Test
    void repeatedFailuresMakeTheAddressWaitForThatEmailEvenWithTheRightPassword() throws Exception {
        String email = newUser("lockout@sign-in.test");
        signIn("nobody@sign-in.test", "whatever-password").then().statusCode(401)
                .body("detail", equalTo("Wrong email or password"));
        for (int i = 0; i < 4; i++) {
            signIn(email, "wrong-password-" + i).then().statusCode(401).body("detail", equalTo("Wrong email or password"));
        }
        signIn(email, "wrong-password-5").then().statusCode(429).header("Retry-After", equalTo("2"));
        signIn(email, "sign-in-password-1").then().statusCode(429)
                .body("detail", containsString("Too many failed sign-ins with this email from your address"));
        Thread.sleep(2_100); // the test profile locks for 2 s (SignInThrottleTest moves a clock instead)
        signIn(email, "sign-in-password-1").then().statusCode(200);
        long failures = QuarkusTransaction.requiringNew().call(() -> em.createQuery(
                "select count(e) from AuditEventEntity e where e.action = 'sign-in.failed' and e.actor = :a", Long.class)
                .setParameter("a", email).getSingleResult());
        assertThat(failures).isEqualTo(5);
    }

    @Test
    void apiTokensAreShownOnceStoredHashedAndRevokedAtOnce() {
        String email = newUser("tokens@sign-in.test");
        Api.Browser browser = Api.signIn(email, "sign-in-password-1");
        Response created = given().spec(browser.spec()).contentType(ContentType.JSON)
                .body(Map.of("name", "ci", "expiresInDays", 30)).post("/api/v1/tokens");
        created.then().statusCode(201).body("expiresAt", org.hamcrest.Matchers.notNullValue());
        String token = created.jsonPath().getString("token");
        String id = created.jsonPath().getString("id");
        assertThat(token).startsWith("rf_pat_");

        given().spec(Api.bearer(token)).get("/api/v1/flows").then().statusCode(200);
        // A script's writes need no CSRF token: a bearer token is not sent by browsers on their own.
        given().spec(Api.bearer(token)).contentType(ContentType.JSON).body(Map.of("name", "second"))
                .post("/api/v1/tokens").then().statusCode(201);
        String listed = given().spec(Api.bearer(token)).get("/api/v1/tokens").then().statusCode(200).extract().asString();
        assertThat(listed).contains("\"prefix\":\"" + token.substring(0, 11)).doesNotContain(token);
        String stored = QuarkusTransaction.requiringNew().call(() -> (String) em.createNativeQuery(
                "select token_hash from api_token where id = cast(:id as uuid)").setParameter("id", id).getSingleResult());
        assertThat(stored).hasSize(64).isNotEqualTo(token);

        given().spec(Api.bearer(token)).delete("/api/v1/tokens/" + id).then().statusCode(204);
        given().spec(Api.bearer(token)).get("/api/v1/flows").then().statusCode(401);
    }

    @Test
    void setupIsClosedOnceAnAdminExistsAndPasswordsHaveAMinimumLength() {
        given().get("/api/v1/auth/setup").then().statusCode(200).body("setupNeeded", equalTo(false));
        given().contentType(ContentType.JSON).body(Map.of("email", "late@sign-in.test", "password", "long-enough-password"))
                .post("/api/v1/auth/setup").then().statusCode(409);
        String owner = Api.createToken(Api.ADMIN_EMAIL, Api.ADMIN_PASSWORD);
        String workspace = Api.firstWorkspace(owner);
        given().spec(Api.bearer(owner)).contentType(ContentType.JSON)
                .body(Map.of("email", "short@sign-in.test", "role", "viewer", "password", "short"))
                .post("/api/v1/workspaces/" + workspace + "/members").then().statusCode(422)
                .body("errors[0].field", equalTo("password"));
        String hash = QuarkusTransaction.requiringNew().call(() -> (String) em.createNativeQuery(
                "select password_hash from app_user where email = :e").setParameter("e", Api.ADMIN_EMAIL).getSingleResult());
        assertThat(hash).startsWith("$argon2id$v=19$m=19456,t=2,p=1$").doesNotContain(Api.ADMIN_PASSWORD);
    }

    @Test
    void answersCarrySecurityHeadersAndLargeBodiesAreRefused() {
        Response answer = given().get("/api/v1/auth/setup");
        assertThat(answer.header("X-Content-Type-Options")).isEqualTo("nosniff");
        assertThat(answer.header("Content-Security-Policy")).contains("frame-ancestors 'none'");
        assertThat(answer.header("X-Frame-Options")).isEqualTo("DENY");
        assertThat(answer.header("Strict-Transport-Security")).isNull(); // plain HTTP: browsers would ignore it
        String token = Api.createToken(Api.ADMIN_EMAIL, Api.ADMIN_PASSWORD);
        given().spec(Api.bearer(token)).contentType(ContentType.JSON).body("{\"name\":\"" + "x".repeat(3_000_000) + "\"}")
                .post("/api/v1/flows").then().statusCode(413);
        assertThat(List.of(answer.statusCode())).containsExactly(200);
    }
}
