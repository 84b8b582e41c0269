package io.rowflow.security;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import io.rowflow.testing.Api;
import io.rowflow.testing.FakeApi;
import io.rowflow.testing.SignedOut;
import io.rowflow.workspace.Role;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The BOLA matrix: every endpoint that takes an id, called by every role of workspace A and by the owner of
 * workspace B, on records of A and of B. Another workspace's record answers 404 as if it did not exist, and nothing of
 * it changes; inside the workspace, a role too low answers 403 and a sufficient one gets through.
 */
@QuarkusTest
@SignedOut
class AccessMatrixTest {
    static final String PASSWORD = "matrix-password-1";
    static Fixture fixture;

    /** Workspace A (the default one) with a member of each role, workspace B with its own owner, records in both. */
    record Fixture(String workspaceA, String workspaceB, Map<Role, String> tokensA, String ownerB, Map<String, String> a,
            Map<String, String> b, String editorPrivateConnection, Map<Role, String> userIdsA) {
    }

    @BeforeEach
    void setUp() {
        if (fixture == null) {
            fixture = build();
        }
    }

    private static RequestSpecification as(String token) {
        return given().spec(Api.bearer(token));
    }

    private static Fixture build() {
        String owner = Api.createToken(Api.ADMIN_EMAIL, Api.ADMIN_PASSWORD);
        String workspaceA = Api.firstWorkspace(owner);
        Map<Role, String> tokens = new LinkedHashMap<>();
        Map<Role, String> userIds = new LinkedHashMap<>();
        tokens.put(Role.OWNER, owner);
        userIds.put(Role.OWNER, as(owner).get("/api/v1/auth/me").then().extract().path("id"));
        for (Role role : List.of(Role.ADMIN, Role.EDITOR, Role.VIEWER)) {
            String email = role.id() + "@matrix.test";
            userIds.put(role, addMember(owner, workspaceA, email, role));
            tokens.put(role, Api.createToken(email, PASSWORD));
        }
        // B is created by the organization's owner (only organization owners and admins create workspaces), who invites
        // the outsider as its owner and then leaves it.
        String workspaceB = as(owner).contentType(ContentType.JSON).body(Map.of("name", "B"))
                .post("/api/v1/workspaces").then().statusCode(201).extract().path("id");
        Api.addMember(owner, workspaceB, "outsider@matrix.test", "owner", PASSWORD);
        as(owner).delete("/api/v1/workspaces/" + workspaceB + "/members/" + userIds.get(Role.OWNER)).then().statusCode(204);
        String ownerB = Api.createToken("outsider@matrix.test", PASSWORD);

        FakeApi api = FakeApi.shared();
        api.putFile("/files/matrix.csv", "id,name\n1,one\n2,two\n");
        Map<String, String> a = records(tokens.get(Role.EDITOR), workspaceA, api);
        Map<String, String> b = records(ownerB, workspaceB, api);
        String privateConnection = connection(tokens.get(Role.EDITOR), workspaceA, api, false);
        return new Fixture(workspaceA, workspaceB, tokens, ownerB, a, b, privateConnection, userIds);
    }

    private static String addMember(String token, String workspace, String email, Role role) {
        return Api.addMember(token, workspace, email, role.id(), PASSWORD);
    }

    private static String connection(String token, String workspace, FakeApi api, boolean shared) {
        return as(token).header("Rowflow-Workspace", workspace).contentType(ContentType.JSON)
                .body(Map.of("name", "matrix", "connectorId", "csv-url", "shared", shared,
                        "config", Map.of("url", api.url("/files/matrix.csv"), "headers", Map.of("X-Key", "k"))))
                .post("/api/v1/connections").then().statusCode(201).extract().path("id");
    }

    private static String flow(String token, String workspace, String connection) {
        return as(token).header("Rowflow-Workspace", workspace).contentType(ContentType.JSON)
                .body(flowBody(connection)).post("/api/v1/flows").then().statusCode(201).extract().path("id");
    }

    private static Map<String, Object> flowBody(String connection) {
        return Map.of("name", "matrix flow", "sources", List.of(Map.of("connectionId", connection)),
                "destinations", List.of(Map.of("type", "excel", "settings", Map.of())),
                "schedule", Map.of("preset", "hourly", "timezone", "Europe/Berlin"));
    }

    /** A shared connection, a flow on it and a finished run that wrote a workbook. */
    private static Map<String, String> records(String token, String workspace, FakeApi api) {
        String connection = connection(token, workspace, api, true);
        String flow = flow(token, workspace, connection);
        String run = as(token).header("Rowflow-Workspace", workspace).post("/api/v1/flows/" + flow + "/runs").then()
                .statusCode(202).extract().path("id");
        awaitEnd(token, workspace, run);
        return Map.of("connection", connection, "flow", flow, "run", run, "workspace", workspace);
    }

    private static void awaitEnd(String token, String workspace, String run) {
        for (int i = 0; i < 400; i++) {
            String status = as(token).header("Rowflow-Workspace", workspace).get("/api/v1/runs/" + run).then()
                    .statusCode(200).extract().path("status");
            if (!status.equals("queued") && !status.equals("running")) {
                assertThat(status).isEqualTo("succeeded");
                return;
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        }
        throw new AssertionError("run " + run + " did not end");
    }

    /** One endpoint with an id: the role it needs, and how to call it on a set of records. */
    record Call(String name, Role needs, Function<Map<String, String>, Function<RequestSpecification, Response>> call) {
    }

    private List<Call> calls() {
        List<Call> calls = new ArrayList<>();
        calls.add(new Call("GET connection", Role.VIEWER, r -> s -> s.get("/api/v1/connections/" + r.get("connection"))));
        calls.add(new Call("PUT connection", Role.EDITOR, r -> s -> s.contentType(ContentType.JSON)
                .body(Map.of("name", "renamed", "connectorId", "csv-url", "config",
                        Map.of("url", FakeApi.shared().url("/files/matrix.csv"))))
                .put("/api/v1/connections/" + r.get("connection"))));
        calls.add(new Call("POST connection check", Role.EDITOR,
                r -> s -> s.post("/api/v1/connections/" + r.get("connection") + "/check")));
        // Not a Google connection: a permitted call gets past the checks and answers 422.
        calls.add(new Call("GET spreadsheets", Role.VIEWER,
                r -> s -> s.get("/api/v1/connections/" + r.get("connection") + "/spreadsheets")));
        calls.add(new Call("POST spreadsheet", Role.EDITOR, r -> s -> s.contentType(ContentType.JSON)
                .body(Map.of("title", "x")).post("/api/v1/connections/" + r.get("connection") + "/spreadsheets")));
        calls.add(new Call("GET destination picker", Role.VIEWER, r -> s -> s.get(
                "/api/v1/destinations/google-sheets/pickers/spreadsheet?connectionId=" + r.get("connection"))));
        calls.add(new Call("POST destination picker", Role.EDITOR, r -> s -> s.contentType(ContentType.JSON)
                .body(Map.of("connectionId", r.get("connection"), "title", "x"))
                .post("/api/v1/destinations/google-sheets/pickers/spreadsheet")));
        calls.add(new Call("GET flow", Role.VIEWER, r -> s -> s.get("/api/v1/flows/" + r.get("flow"))));
        calls.add(new Call("PUT flow", Role.EDITOR, r -> s -> s.contentType(ContentType.JSON)
                .body(flowBody(r.get("connection"))).put("/api/v1/flows/" + r.get("flow"))));
        calls.add(new Call("GET flow destinations", Role.VIEWER,
                r -> s -> s.get("/api/v1/flows/" + r.get("flow") + "/destinations")));
        calls.add(new Call("GET next fires", Role.VIEWER,
                r -> s -> s.get("/api/v1/flows/" + r.get("flow") + "/schedule/next")));
        calls.add(new Call("POST preview", Role.EDITOR, r -> s -> s.post("/api/v1/flows/" + r.get("flow") + "/preview")));
        calls.add(new Call("POST draft preview", Role.EDITOR, r -> s -> s.contentType(ContentType.JSON)
                .body(flowBody(r.get("connection"))).post("/api/v1/flows/preview")));
        calls.add(new Call("DELETE sync state", Role.EDITOR,
                r -> s -> s.delete("/api/v1/flows/" + r.get("flow") + "/sync-state")));
        calls.add(new Call("GET flow runs", Role.VIEWER, r -> s -> s.get("/api/v1/flows/" + r.get("flow") + "/runs")));
        calls.add(new Call("GET file", Role.VIEWER,
                r -> s -> s.get("/api/v1/flows/" + r.get("flow") + "/destinations/0/file")));
        calls.add(new Call("POST webhook", Role.ADMIN, r -> s -> s.post("/api/v1/flows/" + r.get("flow") + "/webhook")));
        calls.add(new Call("DELETE webhook", Role.ADMIN, r -> s -> s.delete("/api/v1/flows/" + r.get("flow") + "/webhook")));
        calls.add(new Call("GET run", Role.VIEWER, r -> s -> s.get("/api/v1/runs/" + r.get("run"))));
        calls.add(new Call("GET run log", Role.VIEWER, r -> s -> s.get("/api/v1/runs/" + r.get("run") + "/log")));
        // The run has ended: a permitted cancel answers 409 ("already ended"), which proves it got past the checks.
        calls.add(new Call("POST run cancel", Role.EDITOR, r -> s -> s.post("/api/v1/runs/" + r.get("run") + "/cancel")));
        calls.add(new Call("GET members", Role.VIEWER,
                r -> s -> s.get("/api/v1/workspaces/" + r.get("workspace") + "/members")));
        calls.add(new Call("GET invitations", Role.ADMIN,
                r -> s -> s.get("/api/v1/workspaces/" + r.get("workspace") + "/invitations")));
        calls.add(new Call("GET audit", Role.ADMIN, r -> s -> s.header("Rowflow-Workspace", r.get("workspace"))
                .get("/api/v1/audit")));
        return calls;
    }

    /** A record named in the path is not found (404); one named in a body is an invalid field (422), as a ghost's is. */
    private static int notFound(Call call) {
        return call.name().contains("draft") ? 422 : 404;
    }

    @Test
    void noRoleOfOneWorkspaceReachesAnotherWorkspacesRecords() {
        String before = snapshot(fixture.ownerB(), fixture.b());
        // Ids that never existed: another workspace's records must be answered exactly like these.
        Map<String, String> ghost = Map.of("connection", UUID.randomUUID().toString(), "flow",
                UUID.randomUUID().toString(), "run", UUID.randomUUID().toString(), "workspace", UUID.randomUUID().toString());
        for (Call call : calls()) {
            for (Map.Entry<Role, String> member : fixture.tokensA().entrySet()) {
                Response answer = call.call().apply(fixture.b()).apply(as(member.getValue()));
                Response never = call.call().apply(ghost).apply(as(member.getValue()));
                String what = call.name() + " of B by A's " + member.getKey().id() + ": " + answer.asString();
                // A role too low for the call is refused before any lookup (403, whatever the id); a call that names
                // the workspace itself finds no membership there (404).
                boolean namesWorkspace = call.name().contains("members") || call.name().contains("audit")
                        || call.name().contains("invitations");
                assertThat(answer.statusCode()).as(what).isEqualTo(never.statusCode())
                        .isEqualTo(member.getKey().includes(call.needs()) || namesWorkspace ? notFound(call) : 403);
            }
            Response answer = call.call().apply(fixture.a()).apply(as(fixture.ownerB()));
            assertThat(answer.statusCode()).as("%s of A by B's owner: %s", call.name(), answer.asString())
                    .isEqualTo(notFound(call));
        }
        // Deletions and runs across workspaces, last: they must change nothing either.
        for (Role role : List.of(Role.OWNER, Role.EDITOR)) {
            String token = fixture.tokensA().get(role);
            as(token).delete("/api/v1/connections/" + fixture.b().get("connection")).then().statusCode(404);
            as(token).delete("/api/v1/flows/" + fixture.b().get("flow")).then().statusCode(404);
            as(token).post("/api/v1/flows/" + fixture.b().get("flow") + "/runs").then().statusCode(404);
            as(token).header("Rowflow-Workspace", fixture.workspaceB()).get("/api/v1/flows").then().statusCode(404);
        }
        as(fixture.ownerB()).delete("/api/v1/flows/" + fixture.a().get("flow")).then().statusCode(404);
        as(fixture.ownerB()).delete("/api/v1/workspaces/" + fixture.workspaceA() + "/members/"
                + fixture.userIdsA().get(Role.VIEWER)).then().statusCode(404);
        assertThat(snapshot(fixture.ownerB(), fixture.b())).isEqualTo(before);
    }

    @Test
    void listsShowOnlyTheCallersWorkspace() {
        List<String> flowsOfB = as(fixture.ownerB()).get("/api/v1/flows").then().statusCode(200).extract().path("id");
        assertThat(flowsOfB).containsExactly(fixture.b().get("flow"));
        List<String> overviewOfB = as(fixture.ownerB()).get("/api/v1/flows/overview").then().statusCode(200)
                .extract().path("flow.id");
        assertThat(overviewOfB).containsExactly(fixture.b().get("flow"));
        List<String> connectionsOfB = as(fixture.ownerB()).get("/api/v1/connections").then().extract().path("id");
        assertThat(connectionsOfB).containsExactly(fixture.b().get("connection"));
        // A flow in B cannot read from a connection of A.
        as(fixture.ownerB()).contentType(ContentType.JSON).body(flowBody(fixture.a().get("connection")))
                .post("/api/v1/flows").then().statusCode(422);
    }

    @Test
    void insideTheWorkspaceEachRoleGetsExactlyWhatItsRoleAllows() {
        for (Call call : calls()) {
            for (Map.Entry<Role, String> member : fixture.tokensA().entrySet()) {
                Response answer = call.call().apply(fixture.a()).apply(as(member.getValue()));
                String what = call.name() + " by " + member.getKey().id() + ": " + answer.asString();
                if (member.getKey().includes(call.needs())) {
                    assertThat(answer.statusCode()).as(what).isNotIn(401, 403, 404).isLessThan(500);
                } else {
                    assertThat(answer.statusCode()).as(what).isEqualTo(403);
                    assertThat(answer.contentType()).as(what).startsWith("application/problem+json");
                }
            }
        }
    }

    @Test
    void aPrivateConnectionIsItsCreatorsAlone() {
        String id = fixture.editorPrivateConnection();
        for (Map.Entry<Role, String> member : fixture.tokensA().entrySet()) {
            int expected = member.getKey() == Role.EDITOR ? 200 : 404;
            as(member.getValue()).get("/api/v1/connections/" + id).then().statusCode(expected);
            List<String> listed = as(member.getValue()).get("/api/v1/connections").then().extract().path("id");
            assertThat(listed.contains(id)).as(member.getKey().id()).isEqualTo(member.getKey() == Role.EDITOR);
        }
        // The owner cannot build a flow on it either.
        as(fixture.tokensA().get(Role.OWNER)).contentType(ContentType.JSON).body(flowBody(id)).post("/api/v1/flows")
                .then().statusCode(422);
    }

    @Test
    void membersAndRolesFollowTheRules() {
        String ws = fixture.workspaceA();
        String admin = fixture.tokensA().get(Role.ADMIN);
        // An admin manages members but cannot make owners; only an owner can.
        as(admin).contentType(ContentType.JSON).body(Map.of("email", "new-owner@matrix.test", "role", "owner",
                "password", PASSWORD)).post("/api/v1/workspaces/" + ws + "/members").then().statusCode(403);
        String added = addMember(admin, ws, "added@matrix.test", Role.EDITOR);
        as(admin).contentType(ContentType.JSON).body(Map.of("role", "viewer"))
                .put("/api/v1/workspaces/" + ws + "/members/" + added).then().statusCode(200);
        as(fixture.tokensA().get(Role.EDITOR)).delete("/api/v1/workspaces/" + ws + "/members/" + added).then()
                .statusCode(403);
        as(admin).delete("/api/v1/workspaces/" + ws + "/members/" + added).then().statusCode(204);
        // The last owner stays.
        as(fixture.tokensA().get(Role.OWNER)).contentType(ContentType.JSON).body(Map.of("role", "admin"))
                .put("/api/v1/workspaces/" + ws + "/members/" + fixture.userIdsA().get(Role.OWNER)).then().statusCode(409);
        // The audit log saw it, with the actor.
        List<String> actions = as(admin).get("/api/v1/audit").then().statusCode(200).extract().path("action");
        assertThat(actions).contains("member.invited", "invitation.accepted", "member.role-changed", "member.removed",
                "connection.created", "flow.created");
    }

    @Test
    void onlyOrganizationOwnersAndAdminsCreateWorkspaces() {
        for (String token : List.of(fixture.tokensA().get(Role.ADMIN), fixture.tokensA().get(Role.EDITOR),
                fixture.tokensA().get(Role.VIEWER), fixture.ownerB())) {
            Response answer = as(token).contentType(ContentType.JSON).body(Map.of("name", "mine")).post("/api/v1/workspaces");
            assertThat(answer.statusCode()).as(answer.asString()).isEqualTo(403);
            assertThat(answer.contentType()).startsWith("application/problem+json");
        }
        as(fixture.tokensA().get(Role.OWNER)).contentType(ContentType.JSON).body(Map.of("name", "C"))
                .post("/api/v1/workspaces").then().statusCode(201);
    }

    @Test
    void membershipNeedsTheInviteesConsentAndInvitationsTellNothingAboutAccounts() {
        String ws = fixture.workspaceA();
        String admin = fixture.tokensA().get(Role.ADMIN);
        // An email with an account (B's owner) and one without get the same answer, field for field.
        Response existing = as(admin).contentType(ContentType.JSON).body(Map.of("email", "outsider@matrix.test",
                "role", "viewer")).post("/api/v1/workspaces/" + ws + "/members");
        Response unknown = as(admin).contentType(ContentType.JSON).body(Map.of("email", "nobody@matrix.test",
                "role", "viewer")).post("/api/v1/workspaces/" + ws + "/members");
        assertThat(existing.statusCode()).isEqualTo(unknown.statusCode()).isEqualTo(201);
        Map<String, Object> a = existing.jsonPath().getMap("");
        Map<String, Object> b = unknown.jsonPath().getMap("");
        assertThat(a.keySet()).isEqualTo(b.keySet());
        for (String key : List.of("workspaceId", "workspaceName", "role", "status")) {
            assertThat(a.get(key)).as(key).isEqualTo(b.get(key));
        }
        // With a password too: the account of an email without one is made, the other's is left alone.
        Response withPassword = as(admin).contentType(ContentType.JSON).body(Map.of("email", "outsider@matrix.test",
                "role", "viewer", "password", "not-the-outsiders-password")).post("/api/v1/workspaces/" + ws + "/members");
        assertThat(withPassword.statusCode()).isEqualTo(201);
        assertThat(withPassword.jsonPath().getMap("").keySet()).isEqualTo(b.keySet());
        Api.signIn("outsider@matrix.test", PASSWORD);

        // Until accepted, the invitee is not a member: A's records stay out of reach, the members list lacks them.
        String invitation = existing.jsonPath().getString("id");
        String outsider = fixture.ownerB();
        as(outsider).header("Rowflow-Workspace", ws).get("/api/v1/flows").then().statusCode(404);
        List<String> members = as(admin).get("/api/v1/workspaces/" + ws + "/members").then().extract().path("email");
        assertThat(members).doesNotContain("outsider@matrix.test");
        List<String> pending = as(admin).get("/api/v1/workspaces/" + ws + "/invitations").then().statusCode(200)
                .extract().path("email");
        assertThat(pending).contains("outsider@matrix.test", "nobody@matrix.test");
        // Nobody else can accept it.
        as(fixture.tokensA().get(Role.VIEWER)).post("/api/v1/invitations/" + invitation + "/accept").then().statusCode(404);
        // The invitee sees it, declines; a new one they accept, and they are in with the invited role.
        List<String> mine = as(outsider).get("/api/v1/invitations").then().statusCode(200).extract().path("id");
        assertThat(mine).containsExactly(invitation);
        as(outsider).post("/api/v1/invitations/" + invitation + "/decline").then().statusCode(204);
        as(outsider).get("/api/v1/flows").then().statusCode(200);
        as(outsider).header("Rowflow-Workspace", ws).get("/api/v1/flows").then().statusCode(404);
        String again = Api.invite(admin, ws, "outsider@matrix.test", "viewer", PASSWORD);
        as(outsider).post("/api/v1/invitations/" + again + "/accept").then().statusCode(200)
                .body("role", org.hamcrest.Matchers.equalTo("viewer"));
        as(outsider).header("Rowflow-Workspace", ws).get("/api/v1/flows").then().statusCode(200);
        // Leave A again, so that the other tests see the fixture as built.
        String outsiderId = as(outsider).get("/api/v1/auth/me").then().extract().path("id");
        as(admin).delete("/api/v1/workspaces/" + ws + "/members/" + outsiderId).then().statusCode(204);
        List<String> actions = as(admin).get("/api/v1/audit").then().extract().path("action");
        assertThat(actions).contains("member.invited", "invitation.declined", "invitation.accepted");
    }

    @Test
    void theAuditLogShowsOnlyTheWorkspacesOwnEventsAndEachPersonTheirOwnSignIns() {
        String admin = fixture.tokensA().get(Role.ADMIN);
        String connectionOfB = fixture.b().get("connection");
        List<Map<String, Object>> ofA = as(admin).get("/api/v1/audit?size=500").then().statusCode(200).extract().path("");
        // No sign-in or token event of anyone (those belong to no workspace), nothing of B.
        assertThat(ofA).isNotEmpty().noneMatch(e -> String.valueOf(e.get("action")).startsWith("sign-in")
                || String.valueOf(e.get("action")).startsWith("token."))
                .noneMatch(e -> String.valueOf(e.get("target")).contains(connectionOfB));
        List<Map<String, Object>> ofB = as(fixture.ownerB()).get("/api/v1/audit?size=500").then().statusCode(200)
                .extract().path("");
        assertThat(ofB).noneMatch(e -> String.valueOf(e.get("target")).contains(fixture.a().get("connection")))
                .noneMatch(e -> String.valueOf(e.get("action")).startsWith("sign-in"));
        // Each person reads their own account events, and only theirs.
        List<Map<String, Object>> mine = as(fixture.tokensA().get(Role.VIEWER)).get("/api/v1/audit/mine").then()
                .statusCode(200).extract().path("");
        assertThat(mine).isNotEmpty().allMatch(e -> "viewer@matrix.test".equals(e.get("actor")))
                .anyMatch(e -> "sign-in".equals(e.get("action")));
    }

    @Test
    void theAuditKeepsTheServersRequestIdAndTheClientsApartSanitized() {
        String editor = fixture.tokensA().get(Role.EDITOR);
        String sent = "client-id\t<é>" + "x".repeat(100);
        Response created = as(editor).header("X-Request-Id", sent).contentType(ContentType.JSON)
                .body(Map.of("name", "request ids", "connectorId", "csv-url",
                        "config", Map.of("url", FakeApi.shared().url("/files/matrix.csv"))))
                .post("/api/v1/connections");
        created.then().statusCode(201);
        String serverId = created.header("X-Request-Id");
        assertThat(serverId).isNotEqualTo(sent).matches("[0-9a-f-]{36}");
        List<Map<String, Object>> events = as(fixture.tokensA().get(Role.ADMIN)).get("/api/v1/audit").then()
                .extract().path("");
        Map<String, Object> event = events.stream()
                .filter(e -> String.valueOf(e.get("target")).contains(created.jsonPath().getString("id"))).findFirst()
                .orElseThrow();
        assertThat(event.get("requestId")).isEqualTo(serverId);
        assertThat((String) event.get("clientRequestId")).hasSize(64).startsWith("client-id<>xxx")
                .matches("[\\x20-\\x7e]+");
    }

    /** What B's owner sees of B: its records and their details, runs included. */
    private static String snapshot(String token, Map<String, String> b) {
        return as(token).get("/api/v1/connections/" + b.get("connection")).asString()
                + as(token).get("/api/v1/flows/" + b.get("flow")).asString()
                + as(token).get("/api/v1/flows/" + b.get("flow") + "/runs").asString();
    }
}
