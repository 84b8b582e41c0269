package io.rowflow.testing;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.restassured.builder.RequestSpecBuilder;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import io.restassured.path.json.JsonPath;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** Drives Rowflow's REST API the way a user's script would. */
public final class Api {
    private Api() {
    }

    public static final String ADMIN_EMAIL = "admin@rowflow.test";
    public static final String ADMIN_PASSWORD = "test-admin-password-1";

    /** A browser's sign-in: the session cookie and the CSRF token its writes must send. */
    public record Browser(String sessionCookie, String csrfToken) {
        public RequestSpecification spec() {
            return new RequestSpecBuilder().addCookie("rowflow_session", sessionCookie).addHeader("X-CSRF-Token", csrfToken)
                    .build();
        }
    }

    /** A connection made by signing in at a provider: what the consent page was asked, and the connection's id. */
    public record SignedInConnection(Map<String, String> consentQuery, String connectionId) {
    }

    /**
     * Connects a new account named {@code name} by OAuth as the admin's browser would: Rowflow's authorize redirect, the
     * provider's consent page (a fake approving at once), the callback back into Rowflow.
     */
    public static SignedInConnection connectWithOAuth(String connectorId, String name) throws Exception {
        Browser browser = signIn(ADMIN_EMAIL, ADMIN_PASSWORD);
        URI consent = URI.create(given().spec(browser.spec()).redirects().follow(false)
                .queryParam("name", name).get("/api/v1/oauth/" + connectorId + "/authorize").then().statusCode(302)
                .extract().header("Location"));
        HttpResponse<Void> approved = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(consent).build(), HttpResponse.BodyHandlers.discarding());
        URI back = URI.create(approved.headers().firstValue("Location").orElseThrow());
        String location = given().spec(browser.spec()).redirects().follow(false).get(back.getPath() + "?"
                + back.getRawQuery()).then().statusCode(303).extract().header("Location");
        return new SignedInConnection(FakeHttp.query(consent.getRawQuery()), location.substring(location.indexOf(
                "/connections/") + 13, location.indexOf('?')));
    }

    public static Browser signIn(String email, String password) {
        SECRETS_USED.add(password);
        Response response = given().contentType(ContentType.JSON)
                .body(Map.of("email", email, "password", password)).post("/api/v1/auth/sign-in");
        response.then().statusCode(200);
        SECRETS_USED.add(response.cookie("rowflow_session"));
        return new Browser(response.cookie("rowflow_session"), response.jsonPath().getString("csrfToken"));
    }

    /** Signs in and creates a personal API token, as a user setting up a script would. */
    public static String createToken(String email, String password) {
        String token = given().spec(signIn(email, password).spec()).contentType(ContentType.JSON)
                .body(Map.of("name", "tests")).post("/api/v1/tokens").then().statusCode(201).extract().path("token");
        SECRETS_USED.add(token);
        return token;
    }

    /** Every password and token the suite used, for SecretsStayOutOfLogsTest to look for afterwards. */
    public static final Set<String> SECRETS_USED = ConcurrentHashMap.newKeySet();

    static {
        SECRETS_USED.add(ADMIN_PASSWORD);
    }

    /** The first workspace of the token's owner: where requests without a Rowflow-Workspace header work. */
    public static String firstWorkspace(String token) {
        return given().spec(bearer(token)).get("/api/v1/workspaces").then().statusCode(200).extract().path("[0].id");
    }

    /** Invites an email (making its local account if it has none), as an admin would; answers the invitation's id. */
    public static String invite(String token, String workspace, String email, String role, String password) {
        return given().spec(bearer(token)).contentType(ContentType.JSON)
                .body(Map.of("email", email, "role", role, "password", password))
                .post("/api/v1/workspaces/" + workspace + "/members").then().statusCode(201).extract().path("id");
    }

    /**
     * Adds a member the way people do: an admin invites them, they sign in and accept. Answers the member's user id.
     */
    public static String addMember(String token, String workspace, String email, String role, String password) {
        String invitation = invite(token, workspace, email, role, password);
        return given().spec(signIn(email, password).spec()).post("/api/v1/invitations/" + invitation + "/accept").then()
                .statusCode(200).extract().path("userId");
    }

    /**
     * Requests sent from another loopback address (127.0.0.2, 127.0.0.3…): on Linux all of 127.0.0.0/8 is this
     * machine, so the server sees a different client address without trusting any forwarded header.
     */
    public static RequestSpecification from(String localAddress) {
        try {
            java.net.InetAddress local = java.net.InetAddress.getByName(localAddress);
            return new RequestSpecBuilder().setConfig(io.restassured.RestAssured.config().httpClient(
                    io.restassured.config.HttpClientConfig.httpClientConfig()
                            .setParam(org.apache.http.conn.params.ConnRoutePNames.LOCAL_ADDRESS, local))).build();
        } catch (java.net.UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }

    public static RequestSpecification bearer(String token) {
        return new RequestSpecBuilder().addHeader("Authorization", "Bearer " + token).build();
    }

    public static String createConnection(String connectorId, Map<String, Object> config) {
        return given().contentType(ContentType.JSON)
                .body(Map.of("name", connectorId + " test", "connectorId", connectorId, "config", config))
                .post("/api/v1/connections").then().statusCode(201).extract().path("id");
    }

    public static void updateConnection(String id, String connectorId, Map<String, Object> config) {
        given().contentType(ContentType.JSON)
                .body(Map.of("name", connectorId + " test", "connectorId", connectorId, "config", config))
                .put("/api/v1/connections/" + id).then().statusCode(200);
    }

    public static String createExcelFlow(String connectionId, Map<String, Object> excelSettings) {
        return given().contentType(ContentType.JSON)
                .body(Map.of("name", "Flow to Excel", "sources", List.of(Map.of("connectionId", connectionId)),
                        "destinations", List.of(Map.of("type", "excel", "settings", excelSettings))))
                .post("/api/v1/flows").then().statusCode(201).extract().path("id");
    }

    /** A flow reading one stream of a connection into a workbook. */
    public static String createStreamFlow(String name, String connectionId, String stream) {
        return given().contentType(ContentType.JSON).body(Map.of("name", name, "sources", List.of(Map.of("connectionId",
                connectionId, "stream", stream)), "destinations", List.of(Map.of("type", "excel"))))
                .post("/api/v1/flows").then().statusCode(201).extract().path("id");
    }

    public static String startRun(String flowId) {
        return given().post("/api/v1/flows/" + flowId + "/runs").then().statusCode(202).extract().path("id");
    }

    /**
     * Starts a run the way a source app does, through the flow's webhook: a run not started by hand, which is started
     * again after a failure that may pass (a run started by hand fails at once).
     */
    public static String startRunByWebhook(String flowId) {
        String url = given().post("/api/v1/flows/" + flowId + "/webhook").then().statusCode(200).extract().path("url");
        return given().contentType(ContentType.JSON).body("{}").post(url).then().statusCode(202).extract()
                .path("run.id");
    }

    /** Polls the run until it ends; returns its final JSON. */
    public static JsonPath awaitRun(String runId) {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
        while (Instant.now().isBefore(deadline)) {
            JsonPath run = given().get("/api/v1/runs/" + runId).then().statusCode(200).extract().jsonPath();
            String status = run.getString("status");
            if (List.of("succeeded", "failed", "cancelled").contains(status)) {
                return run;
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        }
        throw new AssertionError("Run " + runId + " did not end within 60 s");
    }

    public static JsonPath runToEnd(String flowId) {
        return awaitRun(startRun(flowId));
    }

    public static JsonPath runSucceeds(String flowId) {
        JsonPath run = runToEnd(flowId);
        assertThat(run.getString("status")).as("run %s: %s", run.getString("id"), run.prettify()).isEqualTo("succeeded");
        return run;
    }

    public static byte[] download(String flowId) {
        return given().get("/api/v1/flows/" + flowId + "/destinations/0/file").then().statusCode(200)
                .contentType("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
                .extract().asByteArray();
    }
}
