package io.rowflow.account;

import io.quarkus.oidc.AuthorizationCodeFlow;
import io.quarkus.oidc.IdToken;
import io.quarkus.security.Authenticated;
import io.rowflow.common.web.SecurityHeaders;
import io.rowflow.workspace.Caller;
import io.rowflow.workspace.SignedIn;
import io.vertx.core.http.HttpServerRequest;
import jakarta.annotation.security.PermitAll;
import jakarta.inject.Inject;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.CookieParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.NewCookie;
import jakarta.ws.rs.core.Response;
import java.util.UUID;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

@Path("/api/v1/auth")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Sign-in", description = "Local accounts, browser sessions and the one-time setup")
public class AuthResource {
    public static final String CSRF_COOKIE = "rowflow_csrf";

    private final AccountService accounts;
    private final HttpServerRequest request;
    private final Caller caller;
    /** The identity provider's ID token, present in the code-flow endpoint only. */
    @Inject
    @IdToken
    JsonWebToken idToken;

    public AuthResource(AccountService accounts, HttpServerRequest request, Caller caller) {
        this.accounts = accounts;
        this.request = request;
        this.caller = caller;
    }

    public record SignInRequest(@NotBlank String email, @NotNull String password) {
    }

    public record SetupRequest(@NotBlank String email, @Size(max = 200) String name, @NotNull String password) {
    }

    public record UserView(UUID id, String email, String name) {
        static UserView of(UserEntity user) {
            return new UserView(user.id, user.email, user.displayName);
        }
    }

    /** What the browser keeps after signing in; the CSRF token also arrives as a readable cookie. */
    public record SignedInView(UserView user, String csrfToken) {
    }

    public record SetupStatus(boolean setupNeeded) {
    }

    @GET
    @Path("setup")
    @PermitAll
    @Operation(summary = "Tell whether the one-time setup is still open")
    public SetupStatus setupStatus() {
        return new SetupStatus(accounts.setupNeeded());
    }

    @POST
    @Path("setup")
    @PermitAll
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Create the first admin account", description = "Only while no account exists (409 after).")
    public Response setUp(@Valid @NotNull SetupRequest body) {
        UserEntity admin = accounts.setUp(body.email(), body.name(), body.password());
        return Response.status(201).entity(UserView.of(admin)).build();
    }

    @POST
    @Path("sign-in")
    @PermitAll
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Sign in with email and password", description = "Sets an HttpOnly session cookie. Throttled"
            + " per client address before the password is checked: five failures in a row with one email from one"
            + " address make that address wait 15 minutes for that email (429 with Retry-After), whether or not the"
            + " email has an account; 503 with Retry-After when the server is checking too many passwords at once.")
    public Response signIn(@Valid @NotNull SignInRequest body) {
        AccountService.Session session = accounts.signIn(body.email(), body.password(), clientAddress());
        return withSession(Response.ok(new SignedInView(UserView.of(session.user()), session.csrfToken())), session);
    }

    @POST
    @Path("sign-out")
    @Authenticated
    @SignedIn
    @Operation(summary = "Sign out", description = "Ends the session; with a cookie, needs the X-CSRF-Token header.")
    public Response signOut(@CookieParam(CredentialAuthenticationMechanism.SESSION_COOKIE) String sessionId) {
        if (sessionId != null) {
            accounts.signOut(sessionId);
        }
        return Response.noContent()
                .cookie(cookie(CredentialAuthenticationMechanism.SESSION_COOKIE, "", 0, true), cookie(CSRF_COOKIE, "", 0, false))
                .build();
    }

    /**
     * Sign-in through the company's identity provider (OIDC authorization code flow): Quarkus OIDC sends the browser
     * to the provider and back here with a verified identity, which becomes a Rowflow session like a local sign-in.
     */
    @GET
    @Path("oidc/sign-in")
    @Authenticated
    @AuthorizationCodeFlow
    @Operation(summary = "Sign in through the identity provider", description = "Open in the browser; ends on / with"
            + " the session cookie set. Available when OIDC is configured (quarkus.oidc.*).")
    public Response signInWithIdentityProvider() {
        AccountService.Session session = accounts.signInWithIdentityProvider(idToken.getClaim("email"),
                idToken.getClaim("email_verified"), idToken.getClaim("name"));
        return withSession(Response.seeOther(java.net.URI.create("/")), session);
    }

    @GET
    @Path("me")
    @Authenticated
    @SignedIn
    @Operation(summary = "Who am I")
    public UserView me() {
        return UserView.of(accounts.user(caller.userId()));
    }

    /**
     * The client's address: the connection's peer, or what a trusted proxy forwarded when quarkus.http.proxy.* is set
     * (Quarkus then rewrites the remote address; an untrusted X-Forwarded-For is ignored).
     */
    private String clientAddress() {
        return request.remoteAddress() == null ? null : request.remoteAddress().host();
    }

    /** Sets the session cookie (HttpOnly) and the CSRF cookie (readable by the page, which echoes it in a header). */
    private Response withSession(Response.ResponseBuilder answer, AccountService.Session session) {
        int maxAge = (int) session.lifetime().toSeconds();
        return answer.cookie(cookie(CredentialAuthenticationMechanism.SESSION_COOKIE, session.id(), maxAge, true),
                cookie(CSRF_COOKIE, session.csrfToken(), maxAge, false)).build();
    }

    /** HttpOnly for the session; Secure whenever the browser reached us over TLS (directly or through a proxy). */
    private NewCookie cookie(String name, String value, int maxAge, boolean httpOnly) {
        return new NewCookie.Builder(name).value(value).path("/").maxAge(maxAge).httpOnly(httpOnly)
                .secure(SecurityHeaders.overTls(request))
                .sameSite(NewCookie.SameSite.LAX).build();
    }

}
