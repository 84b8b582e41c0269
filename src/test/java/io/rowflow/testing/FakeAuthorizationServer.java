package io.rowflow.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiFunction;

/**
 * The OAuth 2.0 authorization server inside a fake API (HubSpot's, Atlassian's, Pipedrive's): a consent page approved at
 * once that sends the browser back to the exactly registered redirect URI with a single-use code; a token endpoint
 * taking the parameters as a form (HubSpot) or as JSON (Atlassian), the client in the body or as HTTP Basic
 * (Pipedrive, RFC 6749 §2.3.1), checking the client, the code's redirect URI and the PKCE verifier; fields of the
 * provider's own in every token answer (Pipedrive's api_domain); access tokens that expire; refresh tokens that rotate, a rotated one presented again revoking its family.
 */
public final class FakeAuthorizationServer {
    public final String clientId;
    public final String clientSecret;
    /** The redirect URI registered for the client; the authorize and token calls must name exactly this one. */
    public volatile String registeredRedirect;
    /** Lifetime of the access tokens issued from now on. */
    public volatile int accessLifetimeSeconds;
    public final AtomicInteger refreshes = new AtomicInteger();
    /** Calls that exchanged (or tried to exchange) an authorization code. */
    public final AtomicInteger codeExchanges = new AtomicInteger();

    private final ObjectMapper json = new ObjectMapper();
    private final boolean jsonRequests;
    /** The client authenticates with HTTP Basic (id:secret), not in the body. */
    private final boolean basicClientAuth;
    /** Fields the provider adds to every token answer (Pipedrive's api_domain). */
    public final Map<String, String> answerFields = new ConcurrentHashMap<>();
    /** The provider's error body for a status and a message. */
    private final BiFunction<String, String, Map<String, String>> errorBody;
    private final Map<String, String[]> codes = new ConcurrentHashMap<>(); // code → redirect, challenge
    private final Map<String, Long> accessTokens = new ConcurrentHashMap<>(); // token → expiry (nanoTime)
    private final Map<String, String> refreshFamilies = new ConcurrentHashMap<>(); // refresh token → family
    private final Map<String, String> currentRefresh = new ConcurrentHashMap<>(); // family → its current token
    private final List<String> issuedRefresh = new CopyOnWriteArrayList<>();

    /** What a bearer token is to this server. */
    public enum Access { VALID, EXPIRED, UNKNOWN }

    public FakeAuthorizationServer(String clientId, String clientSecret, int accessLifetimeSeconds, boolean jsonRequests,
            BiFunction<String, String, Map<String, String>> errorBody) {
        this(clientId, clientSecret, accessLifetimeSeconds, jsonRequests, false, errorBody);
    }

    public FakeAuthorizationServer(String clientId, String clientSecret, int accessLifetimeSeconds, boolean jsonRequests,
            boolean basicClientAuth, BiFunction<String, String, Map<String, String>> errorBody) {
        this.basicClientAuth = basicClientAuth;
        this.clientId = clientId;
        this.clientSecret = clientSecret;
        this.accessLifetimeSeconds = accessLifetimeSeconds;
        this.jsonRequests = jsonRequests;
        this.errorBody = errorBody;
    }

    /** Rowflow's registration at this provider, as configuration: the client and the fake's endpoints. */
    public Map<String, String> settings(String connector, String authorizeUrl, String tokenUrl) {
        Map<String, String> settings = new java.util.HashMap<>();
        String prefix = "rowflow.oauth.provider." + connector + ".";
        settings.put(prefix + "client-id", clientId);
        settings.put(prefix + "client-secret", clientSecret);
        settings.put(prefix + "authorize-url", authorizeUrl);
        settings.put(prefix + "token-url", tokenUrl);
        return settings;
    }

    public Access check(String bearer) {
        Long expiry = bearer == null ? null : accessTokens.get(bearer);
        return expiry == null ? Access.UNKNOWN : expiry < System.nanoTime() ? Access.EXPIRED : Access.VALID;
    }

    /** The consent page, approved at once: back to the registered redirect URI with a single-use code. */
    public void authorize(HttpExchange exchange) throws IOException {
        Map<String, String> q = FakeHttp.query(exchange.getRequestURI().getRawQuery());
        if (!clientId.equals(q.get("client_id")) || !"code".equals(q.get("response_type"))
                || registeredRedirect == null || !registeredRedirect.equals(q.get("redirect_uri"))) {
            FakeHttp.json(exchange, 400, errorBody.apply("invalid_request", "Invalid client or redirect_uri"), Map.of());
            return;
        }
        if (q.containsKey("code_challenge") && !"S256".equals(q.get("code_challenge_method"))) {
            FakeHttp.json(exchange, 400, errorBody.apply("invalid_request", "Only S256 challenges"), Map.of());
            return;
        }
        String code = UUID.randomUUID().toString();
        codes.put(code, new String[] { q.get("redirect_uri"), q.get("code_challenge") });
        exchange.getResponseHeaders().set("Location", q.get("redirect_uri") + "?code=" + code + "&state="
                + java.net.URLEncoder.encode(q.get("state"), StandardCharsets.UTF_8));
        exchange.sendResponseHeaders(302, -1);
    }

    /** The token endpoint: codes are single-use; refresh tokens rotate, and reusing a rotated one revokes its family. */
    public void token(HttpExchange exchange) throws IOException {
        token(exchange, exchange.getRequestBody().readAllBytes());
    }

    /** The token endpoint, its body already read (by a fake that looked at the grant first). */
    public void token(HttpExchange exchange, byte[] requestBody) throws IOException {
        String raw = new String(requestBody, StandardCharsets.UTF_8);
        Map<String, String> form = new java.util.LinkedHashMap<>();
        if (jsonRequests) {
            JsonNode body = json.readTree(raw);
            body.fields().forEachRemaining(e -> form.put(e.getKey(), e.getValue().asText()));
        } else {
            form.putAll(FakeHttp.query(raw));
        }
        if (basicClientAuth) {
            String given = exchange.getRequestHeaders().getFirst("Authorization");
            String expected = "Basic " + java.util.Base64.getEncoder().encodeToString((clientId + ":" + clientSecret)
                    .getBytes(StandardCharsets.UTF_8));
            if (!expected.equals(given)) {
                FakeHttp.json(exchange, 401, errorBody.apply("invalid_client", "Invalid client credentials"), Map.of());
                return;
            }
        } else if (!clientId.equals(form.get("client_id")) || !clientSecret.equals(form.get("client_secret"))) {
            FakeHttp.json(exchange, 401, errorBody.apply("invalid_client", "missing or unknown client id"), Map.of());
            return;
        }
        String family;
        if ("authorization_code".equals(form.get("grant_type"))) {
            codeExchanges.incrementAndGet();
            String[] issued = codes.remove(String.valueOf(form.get("code")));
            boolean pkceOk = issued != null && (issued[1] == null || (form.get("code_verifier") != null
                    && issued[1].equals(io.rowflow.oauth.PkceAccess.challenge(form.get("code_verifier")))));
            if (issued == null || !issued[0].equals(form.get("redirect_uri")) || !pkceOk) {
                FakeHttp.json(exchange, 400, errorBody.apply("invalid_grant", "missing or invalid auth code"), Map.of());
                return;
            }
            family = UUID.randomUUID().toString();
        } else if ("refresh_token".equals(form.get("grant_type"))) {
            String presented = String.valueOf(form.get("refresh_token"));
            family = refreshFamilies.get(presented);
            if (family == null || !presented.equals(currentRefresh.get(family))) {
                if (family != null) {
                    currentRefresh.remove(family); // a rotated token came back: the whole family is revoked
                }
                FakeHttp.json(exchange, 400, errorBody.apply("invalid_grant", "missing or invalid refresh token"), Map.of());
                return;
            }
            refreshes.incrementAndGet();
        } else {
            FakeHttp.json(exchange, 400, errorBody.apply("unsupported_grant_type", "unsupported grant_type"), Map.of());
            return;
        }
        String access = "oauth-access-" + UUID.randomUUID();
        String refresh = "oauth-refresh-" + UUID.randomUUID();
        accessTokens.put(access, System.nanoTime() + accessLifetimeSeconds * 1_000_000_000L);
        refreshFamilies.put(refresh, family);
        currentRefresh.put(family, refresh);
        issuedRefresh.add(refresh);
        ObjectNode body = json.createObjectNode().put("token_type", "bearer").put("access_token", access)
                .put("refresh_token", refresh).put("expires_in", accessLifetimeSeconds);
        answerFields.forEach(body::put);
        FakeHttp.json(exchange, 200, body, Map.of());
    }

    /** Revokes every access token issued so far, before its expiry (as an admin's "log out everywhere" would). */
    public void revokeAccessTokens() {
        accessTokens.replaceAll((token, expiry) -> Long.MIN_VALUE);
    }

    /** Revokes every grant: refresh tokens issued so far are refused with invalid_grant (a user removed the app). */
    public void revokeRefreshTokens() {
        currentRefresh.clear();
    }

    /** Every refresh token issued so far, oldest first. */
    public List<String> refreshTokens() {
        return new ArrayList<>(issuedRefresh);
    }
}
