package io.rowflow.testing;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A stateful fake of Jira Cloud's REST v3, after shared/reference/apis.md §5: the enhanced search
 * ({@code /rest/api/3/search/jql}) with opaque {@code nextPageToken}s and no total, only ids unless fields are asked
 * for, at most 50 issues a page when fields are (whatever maxResults says), dates as {@code 2024-01-31T12:34:56.789+0000};
 * custom fields listed by {@code /rest/api/3/field}; projects, users and boards paged with startAt/maxResults; the
 * legacy search answering 410; Basic auth with email and API token (401 with Jira's error body otherwise); bad JQL a
 * 400 with {@code errorMessages}; scripted 429s with Retry-After and the RateLimit headers.
 * JQL is understood as far as Rowflow writes it: a filter, {@code AND updated >= "yyyy/MM/dd HH:mm"} read in the
 * account's time zone ({@link #ACCOUNT_ZONE}, as Jira reads JQL dates in the user's profile zone, to the minute), and
 * {@code ORDER BY created|updated ASC}. Worklogs per issue (logging work updates the issue), sprints per Scrum board
 * (a Kanban board answers 400), and issues that tests change or add.
 */
public final class FakeJira implements QuarkusTestResourceLifecycleManager {
    public static final String EMAIL = "ops@example.com";
    public static final String API_TOKEN = "ATATT3xFfGF0-jira-test-token-0123456789";
    public static final int ISSUES = 137;
    public static final int USERS = 230;
    public static final String CLOUD_ID = "11223344-a1b2-4c3d-8e9f-556677889900";
    public static final String CLIENT_ID = "rowflow-atlassian-client";
    public static final String CLIENT_SECRET = "atlassian-client-secret-0123456789";
    /** "Connect Jira" (OAuth 2.0 3LO): Atlassian's authorization server, JSON token requests, 1-hour access tokens. */
    public final FakeAuthorizationServer oauth = new FakeAuthorizationServer(CLIENT_ID, CLIENT_SECRET, 3600, true,
            (code, message) -> Map.of("error", code, "error_description", message));
    /** The zone of the account's Jira profile, in which JQL dates are read. */
    public static final java.time.ZoneId ACCOUNT_ZONE = java.time.ZoneId.of("Europe/Berlin");
    static final java.time.format.DateTimeFormatter JIRA_TIME = java.time.format.DateTimeFormatter
            .ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSZ");
    private static FakeJira running;

    private final ObjectMapper json = new ObjectMapper();
    private HttpServer server;
    private final List<ObjectNode> issues = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final Map<String, List<ObjectNode>> worklogs = new ConcurrentHashMap<>();
    private final AtomicInteger worklogIds = new AtomicInteger(50000);
    private final Map<String, Integer> tokens = new ConcurrentHashMap<>();
    private final AtomicInteger throttle = new AtomicInteger();
    private volatile int throttleRetryAfter = 1;
    private volatile boolean apiTokenRevoked;
    public final AtomicInteger tooManyRequests = new AtomicInteger();
    public final AtomicInteger searches = new AtomicInteger();
    /** Requests that came through Atlassian's gateway with an OAuth token. */
    public final AtomicInteger oauthRequests = new AtomicInteger();
    /** When each request came (nanoTime), so tests can check waits. */
    public final List<Long> requestTimes = new java.util.concurrent.CopyOnWriteArrayList<>();

    public static FakeJira running() {
        return running;
    }

    @Override
    public Map<String, String> start() {
        for (int i = 1; i <= ISSUES; i++) {
            ObjectNode issue = json.createObjectNode().put("id", Integer.toString(10000 + i)).put("key", "OPS-" + i)
                    .put("self", "https://acme.atlassian.net/rest/api/3/issue/" + (10000 + i));
            ObjectNode fields = issue.putObject("fields");
            fields.put("summary", i % 10 == 0 ? "Ünïcödé & \"quotes\" #" + i : "Task " + i);
            fields.putObject("status").put("name", i % 3 == 0 ? "Done" : "In Progress").put("id", Integer.toString(i % 3));
            if (i % 4 == 0) {
                fields.putNull("assignee");
            } else {
                fields.putObject("assignee").put("displayName", "Person " + (i % 4)).put("accountId", "acc-" + (i % 4));
            }
            fields.put("created", String.format("2025-%02d-%02dT09:15:30.123+0000", 1 + i % 12, 1 + i % 28));
            fields.put("updated", String.format("2026-01-%02dT17:00:00.000+0100", 1 + i % 28));
            // Story points: a JSON number, as Jira sends it (not text).
            if (i % 5 == 0) {
                fields.putNull("customfield_10016");
            } else {
                fields.put("customfield_10016", (double) (i % 8));
            }
            fields.putObject("customfield_10020").put("value", "Team " + (i % 2 == 0 ? "Blue" : "Red"));
            // A user custom field, empty on other issues than the assignee is.
            if (i % 2 == 1) {
                fields.putNull("customfield_10030");
            } else {
                fields.set("customfield_10030", user("acc-" + (10 + i % 5), "Reviewer " + (i % 5)));
            }
            fields.set("description", i % 3 == 0 ? null : description(i));
            issues.add(issue);
            for (int w = 0; w < i % 3; w++) {
                addWorklog(issue, 1800 * (w + 1), java.time.Instant.parse(String.format("2026-01-%02dT10:00:00Z", 1 + i % 28)),
                        false);
            }
        }
        server = FakeHttp.serve(this::handle);
        running = this;
        String base = FakeHttp.baseUrl(server);
        Map<String, String> settings = oauth.settings("jira", base + "/authorize", base + "/oauth/token");
        settings.put("rowflow.connector.base-url.jira", base);
        settings.put("rowflow.oauth.provider.jira.resources-url", base + "/oauth/token/accessible-resources");
        return settings;
    }

    @Override
    public void stop() {
        server.stop(0);
    }

    /** A user as Jira's issue fields give one (apis.md §5): account id, display name, active, avatars, and more. */
    ObjectNode user(String accountId, String displayName) {
        ObjectNode user = json.createObjectNode().put("self", "https://acme.atlassian.net/rest/api/3/user?accountId="
                + accountId).put("accountId", accountId).put("displayName", displayName).put("active", true)
                .put("timeZone", "Europe/Berlin").put("accountType", "atlassian");
        user.putObject("avatarUrls").put("48x48", "https://avatar-management.example/" + accountId + "/48");
        return user;
    }

    /**
     * A description in Atlassian Document Format, as API v3 sends rich text: a paragraph with a mention and a hard
     * break, a bullet list, a link.
     */
    public ObjectNode description(int i) {
        ObjectNode doc = json.createObjectNode().put("type", "doc").put("version", 1);
        ArrayNode content = doc.putArray("content");
        ArrayNode first = content.addObject().put("type", "paragraph").putArray("content");
        first.addObject().put("type", "text").put("text", "Issue " + i + " for ");
        first.addObject().put("type", "mention").putObject("attrs").put("id", "acc-1").put("text", "@Person 1")
                .put("accessLevel", "");
        first.addObject().put("type", "hardBreak");
        first.addObject().put("type", "text").put("text", "spec").putArray("marks").addObject().put("type", "link")
                .putObject("attrs").put("href", "https://example.com/spec/" + i);
        ArrayNode items = content.addObject().put("type", "bulletList").putArray("content");
        for (String item : new String[] { "check", "ship" }) {
            items.addObject().put("type", "listItem").putArray("content").addObject().put("type", "paragraph")
                    .putArray("content").addObject().put("type", "text").put("text", item + " " + i);
        }
        return doc;
    }

    /** The plain text of {@link #description(int)}, as a person reads it. */
    public static String descriptionText(int i) {
        return "Issue " + i + " for @Person 1\nspec\n- check " + i + "\n- ship " + i;
    }

    /** Someone sets (or, with null, clears) a user field of the issue at {@code at}. */
    public void setUser(int index, String field, String displayName, java.time.Instant at) {
        ObjectNode fields = (ObjectNode) issues.get(index).get("fields");
        if (displayName == null) {
            fields.putNull(field);
        } else {
            fields.set(field, user("acc-" + displayName.hashCode(), displayName));
        }
        fields.put("updated", JIRA_TIME.format(at.atZone(ACCOUNT_ZONE)));
    }

    public List<ObjectNode> issues() {
        return issues;
    }

    public List<ObjectNode> worklogs(String issueKey) {
        return worklogs.getOrDefault(issueKey, List.of());
    }

    /** Someone edits the issue at {@code at}: a new summary, a new update time. */
    public void edit(int index, String summary, java.time.Instant at) {
        ObjectNode fields = (ObjectNode) issues.get(index).get("fields");
        fields.put("summary", summary);
        fields.put("updated", JIRA_TIME.format(at.atZone(ACCOUNT_ZONE)));
    }

    /** A new issue, created (and so updated) at {@code at}. */
    public ObjectNode create(String summary, java.time.Instant at) {
        int n = issues.size() + 1;
        ObjectNode issue = json.createObjectNode().put("id", Integer.toString(10000 + n)).put("key", "OPS-" + n)
                .put("self", "https://acme.atlassian.net/rest/api/3/issue/" + (10000 + n));
        ObjectNode fields = issue.putObject("fields");
        fields.put("summary", summary);
        fields.putObject("status").put("name", "To Do").put("id", "0");
        fields.putNull("assignee");
        fields.put("created", JIRA_TIME.format(at.atZone(ACCOUNT_ZONE)));
        fields.put("updated", JIRA_TIME.format(at.atZone(ACCOUNT_ZONE)));
        fields.putNull("customfield_10016");
        fields.putObject("customfield_10020").put("value", "Team Blue");
        fields.putNull("customfield_10030");
        fields.putNull("description");
        issues.add(issue);
        return issue;
    }

    /** Someone logs work on the issue at {@code at}; as in Jira, the issue counts as updated then. */
    public ObjectNode logWork(int index, int seconds, java.time.Instant at) {
        return addWorklog(issues.get(index), seconds, at, true);
    }

    private ObjectNode addWorklog(ObjectNode issue, int seconds, java.time.Instant at, boolean touchIssue) {
        String when = JIRA_TIME.format(at.atZone(ACCOUNT_ZONE));
        ObjectNode worklog = json.createObjectNode().put("self", "https://acme.atlassian.net/rest/api/3/issue/"
                + issue.get("id").asText() + "/worklog/" + worklogIds.incrementAndGet())
                .put("id", Integer.toString(worklogIds.get())).put("issueId", issue.get("id").asText());
        worklog.putObject("author").put("accountId", "acc-1").put("displayName", "Person 1");
        worklog.put("created", when).put("updated", when).put("started", when).put("timeSpentSeconds", seconds)
                .put("timeSpent", (seconds / 60) + "m");
        if (seconds % 3600 == 0) {
            // A comment is optional; when there is one, it is an Atlassian document.
            ObjectNode comment = worklog.putObject("comment").put("type", "doc").put("version", 1);
            comment.putArray("content").addObject().put("type", "paragraph").putArray("content").addObject()
                    .put("type", "text").put("text", "Worked " + (seconds / 3600) + " h");
        }
        worklogs.computeIfAbsent(issue.get("key").asText(), k -> new java.util.concurrent.CopyOnWriteArrayList<>())
                .add(worklog);
        if (touchIssue) {
            ((ObjectNode) issue.get("fields")).put("updated", when);
        }
        return worklog;
    }

    /** The next {@code count} requests answer 429 with Retry-After: 1. */
    public void throttleNext(int count) {
        throttleNext(count, 1);
    }

    /**
     * The next {@code count} requests answer 429 with {@code Retry-After} (seconds) and X-RateLimit-Reset at that time,
     * as Jira's burst limit does (apis.md §5).
     */
    public void throttleNext(int count, int retryAfterSeconds) {
        throttleRetryAfter = retryAfterSeconds;
        throttle.set(count);
    }

    /** The API token is revoked at id.atlassian.com (or, with false, valid again). */
    public void revokeApiToken(boolean revokedNow) {
        apiTokenRevoked = revokedNow;
    }

    private void handle(HttpExchange exchange) throws IOException {
        requestTimes.add(System.nanoTime());
        try {
            String path = exchange.getRequestURI().getPath();
            String auth = exchange.getRequestHeaders().getFirst("Authorization");
            FakeAuthorizationServer.Access access = oauth.check(auth != null && auth.startsWith("Bearer ")
                    ? auth.substring(7) : null);
            switch (path) {
                case "/authorize" -> {
                    oauth.authorize(exchange);
                    return;
                }
                case "/oauth/token" -> {
                    oauth.token(exchange);
                    return;
                }
                case "/oauth/token/accessible-resources" -> {
                    if (access != FakeAuthorizationServer.Access.VALID) {
                        send(exchange, 401, Map.of("code", 401, "message", "Unauthorized"), Map.of());
                        return;
                    }
                    ArrayNode sites = json.createArrayNode();
                    sites.addObject().put("id", CLOUD_ID).put("url", "https://acme.atlassian.net").put("name", "acme")
                            .put("avatarUrl", "https://site-admin-avatar-cdn.prod.public.atl-paas.net/avatars/240/rocket.png")
                            .putArray("scopes").add("read:jira-work").add("read:jira-user");
                    send(exchange, 200, sites, Map.of());
                    return;
                }
                default -> {
                }
            }
            if (path.startsWith("/ex/jira/")) {
                // Through Atlassian's gateway with an OAuth token: the site is named by its cloud id.
                String rest = path.substring("/ex/jira/".length());
                if (!rest.startsWith(CLOUD_ID + "/")) {
                    send(exchange, 404, errors("Site not found"), Map.of());
                    return;
                }
                if (access != FakeAuthorizationServer.Access.VALID) {
                    send(exchange, 401, Map.of("code", 401, "message", "Unauthorized"), Map.of());
                    return;
                }
                oauthRequests.incrementAndGet();
                path = rest.substring(CLOUD_ID.length());
            } else if (apiTokenRevoked || !("Basic " + Base64.getEncoder().encodeToString((EMAIL + ":" + API_TOKEN)
                    .getBytes(StandardCharsets.UTF_8))).equals(auth)) {
                send(exchange, 401, errors("Client must be authenticated to access this resource."), Map.of());
                return;
            }
            if (throttle.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                tooManyRequests.incrementAndGet();
                String reset = java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mmX").withZone(
                        java.time.ZoneOffset.UTC).format(java.time.Instant.now().plusSeconds(throttleRetryAfter + 60));
                send(exchange, 429, errors("Rate limit exceeded."), Map.of("Retry-After", Integer.toString(throttleRetryAfter),
                        "X-RateLimit-Limit", "100", "X-RateLimit-Remaining", "0", "X-RateLimit-Reset", reset,
                        "RateLimit-Reason", "jira-burst-based"));
                return;
            }
            Map<String, String> q = FakeHttp.query(exchange.getRequestURI().getRawQuery());
            java.util.regex.Matcher worklog = java.util.regex.Pattern.compile("/rest/api/3/issue/([^/]+)/worklog").matcher(path);
            java.util.regex.Matcher sprint = java.util.regex.Pattern.compile("/rest/agile/1.0/board/([^/]+)/sprint").matcher(path);
            if (worklog.matches()) {
                String key = worklog.group(1);
                if (issues.stream().noneMatch(i -> i.get("key").asText().equals(key))) {
                    send(exchange, 404, errors("Issue does not exist or you do not have permission to see it."), Map.of());
                } else {
                    offsetPage(exchange, q, worklogs(key), "worklogs");
                }
                return;
            }
            if (sprint.matches()) {
                ObjectNode board = boards().stream().filter(b -> b.get("id").asText().equals(sprint.group(1))).findFirst()
                        .orElse(null);
                if (board == null) {
                    send(exchange, 404, errors("Board does not exist or you do not have permission to see it."), Map.of());
                } else if (!board.get("type").asText().equals("scrum")) {
                    send(exchange, 400, errors("The board does not support sprints"), Map.of());
                } else {
                    offsetPage(exchange, q, sprints(board.get("id").asInt()), "values");
                }
                return;
            }
            switch (path) {
                case "/rest/api/3/field" -> send(exchange, 200, fieldList(), Map.of());
                case "/rest/api/3/search/jql" -> search(exchange, q);
                case "/rest/api/3/search" -> send(exchange, 410, errors("The requested API has been removed. Please"
                        + " migrate to the /rest/api/3/search/jql API."), Map.of());
                case "/rest/api/3/project/search" -> offsetPage(exchange, q, projects(), "values");
                case "/rest/api/3/users/search" -> offsetPage(exchange, q, users(), null);
                case "/rest/agile/1.0/board" -> offsetPage(exchange, q, boards(), "values");
                default -> send(exchange, 404, errors("Not found: " + path), Map.of());
            }
        } finally {
            exchange.close();
        }
    }

    /**
     * GET /rest/api/3/field: each field with its id, name, whether it is custom, navigable (returned by a search) and
     * its schema (type, and the system field or the custom field type), as Jira's field reference shows them.
     */
    public ArrayNode fieldList() {
        ArrayNode fields = json.createArrayNode();
        String[][] all = { { "summary", "Summary", "string", "summary" }, { "status", "Status", "status", "status" },
                { "assignee", "Assignee", "user", "assignee" }, { "created", "Created", "datetime", "created" },
                { "updated", "Updated", "datetime", "updated" }, { "description", "Description", "string", "description" },
                { "customfield_10016", "Story points", "number", "com.pyxis.greenhopper.jira:jsw-story-points" },
                { "customfield_10020", "Team", "option", "com.atlassian.jira.plugin.system.customfieldtypes:select" },
                { "customfield_10030", "Reviewer", "user", "com.atlassian.jira.plugin.system.customfieldtypes:userpicker" } };
        for (String[] f : all) {
            boolean custom = f[0].startsWith("customfield_");
            ObjectNode field = fields.addObject().put("id", f[0]).put("key", f[0]).put("name", f[1]).put("custom", custom)
                    .put("orderable", true).put("navigable", true).put("searchable", true);
            ObjectNode schema = field.putObject("schema").put("type", f[2]);
            if (custom) {
                schema.put("custom", f[3]).put("customId", Integer.parseInt(f[0].substring("customfield_".length())));
            } else {
                schema.put("system", f[3]);
            }
        }
        return fields;
    }

    private void search(HttpExchange exchange, Map<String, String> q) throws IOException {
        searches.incrementAndGet();
        String jql = q.getOrDefault("jql", "");
        if (jql.isBlank() || jql.contains("nonsense")) {
            send(exchange, 400, errors("Error in the JQL Query: Expecting operator but got 'nonsense'."), Map.of());
            return;
        }
        int start = 0;
        if (q.containsKey("nextPageToken")) {
            Integer known = tokens.get(q.get("nextPageToken"));
            if (known == null) {
                send(exchange, 400, errors("The provided next page token is invalid or expired."), Map.of());
                return;
            }
            start = known;
        }
        List<String> wanted = q.containsKey("fields") ? Arrays.asList(q.get("fields").split(",")) : List.of();
        int size = Math.min(Integer.parseInt(q.getOrDefault("maxResults", "50")), wanted.isEmpty() ? 5000 : 50);
        List<ObjectNode> matching = matching(jql);
        ObjectNode body = json.createObjectNode();
        ArrayNode page = body.putArray("issues");
        for (ObjectNode issue : matching.subList(Math.min(start, matching.size()), Math.min(matching.size(), start + size))) {
            ObjectNode copy = json.createObjectNode().put("id", issue.get("id").asText()).put("key", issue.get("key").asText());
            ObjectNode fields = copy.putObject("fields");
            for (String f : wanted) {
                if (issue.get("fields").has(f)) {
                    fields.set(f, issue.get("fields").get(f));
                }
            }
            page.add(copy);
        }
        if (start + size < matching.size()) {
            String token = Base64.getUrlEncoder().withoutPadding().encodeToString(UUID.randomUUID().toString()
                    .getBytes(StandardCharsets.UTF_8));
            tokens.put(token, start + size);
            body.put("nextPageToken", token);
        }
        send(exchange, 200, body, Map.of());
    }

    /** The issues the JQL selects, in its order: an {@code updated >=} condition (to the minute, in the account's zone). */
    private List<ObjectNode> matching(String jql) {
        java.util.regex.Matcher since = java.util.regex.Pattern.compile("updated\\s*>=\\s*\"(\\d{4}/\\d{2}/\\d{2} \\d{2}:\\d{2})\"")
                .matcher(jql);
        java.util.stream.Stream<ObjectNode> selected = issues.stream();
        if (since.find()) {
            java.time.Instant from = java.time.LocalDateTime.parse(since.group(1), java.time.format.DateTimeFormatter
                    .ofPattern("yyyy/MM/dd HH:mm")).atZone(ACCOUNT_ZONE).toInstant();
            selected = selected.filter(i -> !updated(i).isBefore(from));
        }
        java.util.Comparator<ObjectNode> order = jql.matches("(?is).*order\\s+by\\s+updated.*")
                ? java.util.Comparator.comparing(FakeJira::updated) : java.util.Comparator.comparing(
                        (ObjectNode i) -> java.time.OffsetDateTime.parse(i.get("fields").get("created").asText(), JIRA_TIME));
        return selected.sorted(order.thenComparing(i -> i.get("id").asInt())).toList();
    }

    private static java.time.Instant updated(ObjectNode issue) {
        return java.time.OffsetDateTime.parse(issue.get("fields").get("updated").asText(), JIRA_TIME).toInstant();
    }

    private List<ObjectNode> sprints(int board) {
        List<ObjectNode> out = new ArrayList<>();
        String[] states = { "closed", "closed", "active", "future" };
        for (int i = 1; i <= 4; i++) {
            ObjectNode sprint = json.createObjectNode().put("id", board * 100 + i).put("self",
                    "https://acme.atlassian.net/rest/agile/1.0/sprint/" + (board * 100 + i)).put("state", states[i - 1])
                    .put("name", "OPS Sprint " + i).put("originBoardId", board).put("goal", i == 3 ? "Ship it" : "");
            if (i < 4) {
                sprint.put("startDate", String.format("2026-01-%02dT09:00:00.000Z", i * 7 - 6))
                        .put("endDate", String.format("2026-01-%02dT17:00:00.000Z", i * 7 + 6));
            }
            out.add(sprint);
        }
        return out;
    }

    public List<ObjectNode> sprintsOf(int board) {
        return sprints(board);
    }

    public List<ObjectNode> projects() {
        List<ObjectNode> out = new ArrayList<>();
        for (int i = 1; i <= 7; i++) {
            out.add(json.createObjectNode().put("id", Integer.toString(100 + i)).put("key", "P" + i).put("name", "Project " + i)
                    .put("projectTypeKey", "software"));
        }
        return out;
    }

    public List<ObjectNode> users() {
        List<ObjectNode> out = new ArrayList<>();
        for (int i = 1; i <= USERS; i++) {
            out.add(json.createObjectNode().put("accountId", "acc-" + i).put("accountType", "atlassian")
                    .put("displayName", "Person " + i).put("active", i % 9 != 0));
        }
        return out;
    }

    public List<ObjectNode> boards() {
        List<ObjectNode> out = new ArrayList<>();
        for (int i = 1; i <= 3; i++) {
            out.add(json.createObjectNode().put("id", i).put("name", "Board " + i).put("type", i == 1 ? "scrum" : "kanban"));
        }
        return out;
    }

    /**
     * startAt/maxResults paging; at most 50 a page (Jira caps page sizes below what is asked); the page under
     * {@code wrapper} with startAt, maxResults, total and isLast, or (null) the bare array.
     */
    private void offsetPage(HttpExchange exchange, Map<String, String> q, List<ObjectNode> all, String wrapper)
            throws IOException {
        int start = Integer.parseInt(q.getOrDefault("startAt", "0"));
        int size = Math.min(Integer.parseInt(q.getOrDefault("maxResults", "50")), 50);
        List<ObjectNode> page = all.subList(Math.min(start, all.size()), Math.min(all.size(), start + size));
        ArrayNode values = json.createArrayNode();
        page.forEach(values::add);
        if (wrapper == null) {
            send(exchange, 200, values, Map.of());
            return;
        }
        ObjectNode body = json.createObjectNode().put("startAt", start).put("maxResults", size).put("total", all.size())
                .put("isLast", start + size >= all.size());
        body.set(wrapper, values);
        send(exchange, 200, body, Map.of());
    }

    private ObjectNode errors(String message) {
        ObjectNode body = json.createObjectNode();
        body.putArray("errorMessages").add(message);
        body.putObject("errors");
        return body;
    }


    private void send(HttpExchange exchange, int status, Object body, Map<String, String> headers) throws IOException {
        FakeHttp.json(exchange, status, body, headers);
    }
}
