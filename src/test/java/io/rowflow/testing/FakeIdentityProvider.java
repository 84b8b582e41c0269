package io.rowflow.testing;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.jose4j.jwk.JsonWebKey;
import org.jose4j.jwk.RsaJsonWebKey;
import org.jose4j.jwk.RsaJwkGenerator;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;

/**
 * An OpenID Connect provider on loopback for the code flow, as the OIDC Core and Discovery specifications describe it:
 * discovery document, JWKS with an RSA key, an authorization endpoint that signs in {@link #nextUser} at once (the
 * consent screen a person would click through), and a token endpoint that checks the client secret, the single use
 * of each code and its redirect URI, and answers with an RS256-signed ID token.
 */
public class FakeIdentityProvider implements QuarkusTestResourceLifecycleManager {
    public static final String CLIENT_ID = "rowflow";
    public static final String CLIENT_SECRET = "idp-client-secret-9";

    /** Who the next person to reach the authorization endpoint is. */
    public record User(String subject, String email, boolean emailVerified, String name) {
    }

    public static volatile User nextUser = new User("sub-1", "oidc@rowflow.test", true, "Olive Idp");

    private record Grant(String redirectUri, String nonce, User user) {
    }

    private final Map<String, Grant> codes = new ConcurrentHashMap<>();
    private final ObjectMapper json = new ObjectMapper();
    private HttpServer server;
    private RsaJsonWebKey key;
    private String issuer;

    @Override
    public Map<String, String> start() {
        try {
            key = RsaJwkGenerator.generateJwk(2048);
            key.setKeyId("k1");
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            issuer = "http://127.0.0.1:" + server.getAddress().getPort();
            server.createContext("/.well-known/openid-configuration", e -> send(e, 200, Map.of("issuer", issuer,
                    "authorization_endpoint", issuer + "/authorize", "token_endpoint", issuer + "/token",
                    "jwks_uri", issuer + "/jwks", "response_types_supported", new String[] { "code" },
                    "subject_types_supported", new String[] { "public" },
                    "id_token_signing_alg_values_supported", new String[] { "RS256" })));
            server.createContext("/jwks", e -> sendRaw(e, 200, "{\"keys\":[" + key.toJson(JsonWebKey.OutputControlLevel.PUBLIC_ONLY) + "]}"));
            server.createContext("/authorize", this::authorize);
            server.createContext("/token", this::token);
            server.start();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        return Map.of("quarkus.oidc.tenant-enabled", "true", "quarkus.oidc.auth-server-url", issuer,
                "quarkus.oidc.client-id", CLIENT_ID, "quarkus.oidc.credentials.secret", CLIENT_SECRET);
    }

    private void authorize(HttpExchange exchange) throws IOException {
        Map<String, String> query = form(exchange.getRequestURI().getRawQuery());
        if (!CLIENT_ID.equals(query.get("client_id")) || !"code".equals(query.get("response_type"))
                || query.get("redirect_uri") == null) {
            send(exchange, 400, Map.of("error", "invalid_request"));
            return;
        }
        String code = UUID.randomUUID().toString();
        codes.put(code, new Grant(query.get("redirect_uri"), query.get("nonce"), nextUser));
        String redirect = query.get("redirect_uri") + (query.get("redirect_uri").contains("?") ? "&" : "?") + "code="
                + code + (query.get("state") == null ? "" : "&state=" + query.get("state"));
        exchange.getResponseHeaders().add("Location", redirect);
        exchange.sendResponseHeaders(302, -1);
        exchange.close();
    }

    private void token(HttpExchange exchange) throws IOException {
        Map<String, String> body = form(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
        String client = body.get("client_id");
        String secret = body.get("client_secret");
        String basic = exchange.getRequestHeaders().getFirst("Authorization");
        if (basic != null && basic.startsWith("Basic ")) {
            String[] pair = new String(Base64.getDecoder().decode(basic.substring(6)), StandardCharsets.UTF_8).split(":", 2);
            client = URLDecoder.decode(pair[0], StandardCharsets.UTF_8);
            secret = URLDecoder.decode(pair[1], StandardCharsets.UTF_8);
        }
        if (!CLIENT_ID.equals(client) || !CLIENT_SECRET.equals(secret)) {
            send(exchange, 401, Map.of("error", "invalid_client"));
            return;
        }
        Grant grant = body.get("code") == null ? null : codes.remove(body.get("code"));
        if (!"authorization_code".equals(body.get("grant_type")) || grant == null
                || !grant.redirectUri().equals(body.get("redirect_uri"))) {
            send(exchange, 400, Map.of("error", "invalid_grant", "error_description", "unknown, used or mismatched code"));
            return;
        }
        try {
            JwtClaims claims = new JwtClaims();
            claims.setIssuer(issuer);
            claims.setSubject(grant.user().subject());
            claims.setAudience(CLIENT_ID);
            claims.setIssuedAtToNow();
            claims.setExpirationTimeMinutesInTheFuture(5);
            claims.setClaim("email", grant.user().email());
            claims.setClaim("email_verified", grant.user().emailVerified());
            claims.setClaim("name", grant.user().name());
            if (grant.nonce() != null) {
                claims.setClaim("nonce", grant.nonce());
            }
            JsonWebSignature jws = new JsonWebSignature();
            jws.setPayload(claims.toJson());
            jws.setKey(key.getPrivateKey());
            jws.setKeyIdHeaderValue(key.getKeyId());
            jws.setAlgorithmHeaderValue(AlgorithmIdentifiers.RSA_USING_SHA256);
            send(exchange, 200, Map.of("access_token", UUID.randomUUID().toString(), "token_type", "Bearer",
                    "expires_in", 300, "id_token", jws.getCompactSerialization()));
        } catch (Exception e) {
            send(exchange, 500, Map.of("error", "server_error"));
        }
    }

    private static Map<String, String> form(String encoded) {
        Map<String, String> values = new HashMap<>();
        if (encoded != null) {
            for (String pair : encoded.split("&")) {
                String[] kv = pair.split("=", 2);
                values.put(URLDecoder.decode(kv[0], StandardCharsets.UTF_8),
                        kv.length > 1 ? URLDecoder.decode(kv[1], StandardCharsets.UTF_8) : "");
            }
        }
        return values;
    }

    private void send(HttpExchange exchange, int status, Object body) throws IOException {
        sendRaw(exchange, status, json.writeValueAsString(body));
    }

    private static void sendRaw(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
        exchange.close();
    }

    @Override
    public void stop() {
        if (server != null) {
            server.stop(0);
        }
    }
}
