package io.rowflow.security;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.rowflow.testing.Api;
import io.rowflow.testing.FakeIdentityProvider;
import io.rowflow.testing.SignedOut;
import java.net.CookieManager;
import java.net.HttpCookie;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

/**
 * Sign-in through the company's identity provider: the browser goes to the provider, comes back with a code, Quarkus
 * OIDC exchanges it for a signed ID token, and Rowflow opens a session for the person whose verified email it names.
 * The provider is a local fake (see FakeIdentityProvider); it is configured for the whole suite, so no restart.
 */
@QuarkusTest
@SignedOut
@QuarkusTestResource(FakeIdentityProvider.class)
class OidcSignInTest {
    /** Follows the browser's redirects from Rowflow to the provider and back; returns the session cookie, if any. */
    private static HttpResponse<String> browse(CookieManager cookies) throws Exception {
        HttpClient browser = HttpClient.newBuilder().cookieHandler(cookies).followRedirects(HttpClient.Redirect.NORMAL)
                .build();
        return browser.send(HttpRequest.newBuilder(URI.create(RestAssured.baseURI + ":" + RestAssured.port
                + "/api/v1/auth/oidc/sign-in")).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String sessionCookie(CookieManager cookies) {
        return cookies.getCookieStore().getCookies().stream().filter(c -> c.getName().equals("rowflow_session"))
                .map(HttpCookie::getValue).findFirst().orElse(null);
    }

    @Test
    void aPersonAnAdminAddedSignsInThroughTheProvider() throws Exception {
        String owner = Api.createToken(Api.ADMIN_EMAIL, Api.ADMIN_PASSWORD);
        Api.addMember(owner, Api.firstWorkspace(owner), "Olive@Rowflow.test", "editor", "local-password-also-1");
        FakeIdentityProvider.nextUser = new FakeIdentityProvider.User("sub-olive", "olive@rowflow.test", true, "Olive");

        CookieManager cookies = new CookieManager();
        browse(cookies);
        String session = sessionCookie(cookies);
        assertThat(session).as("the rowflow_session cookie after the provider's round trip").isNotNull();
        given().cookie("rowflow_session", session).get("/api/v1/auth/me").then().statusCode(200)
                .body("email", org.hamcrest.Matchers.equalTo("olive@rowflow.test"));
        given().cookie("rowflow_session", session).get("/api/v1/flows").then().statusCode(200);
    }

    @Test
    void someoneWithoutAnAccountOrAVerifiedEmailIsTurnedAway() throws Exception {
        FakeIdentityProvider.nextUser = new FakeIdentityProvider.User("sub-x", "stranger@elsewhere.test", true, "X");
        CookieManager cookies = new CookieManager();
        HttpResponse<String> answer = browse(cookies);
        assertThat(answer.statusCode()).isEqualTo(403);
        assertThat(answer.body()).contains("no Rowflow account for stranger@elsewhere.test");
        assertThat(sessionCookie(cookies)).isNull();

        FakeIdentityProvider.nextUser = new FakeIdentityProvider.User("sub-y", Api.ADMIN_EMAIL, false, "Unverified");
        HttpResponse<String> unverified = browse(new CookieManager());
        assertThat(unverified.statusCode()).isEqualTo(403);
        assertThat(unverified.body()).contains("verified email");
    }
}
