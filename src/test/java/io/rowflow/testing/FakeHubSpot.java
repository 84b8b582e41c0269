package io.rowflow.testing;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A stateful fake of HubSpot's CRM v3 API, after shared/reference/apis.md §4: objects listed 100 at most per page
 * (a larger limit is a 400), opaque random {@code after} cursors with {@code paging.next} absent on the last page,
 * only the properties asked for (defaults otherwise), every value a string, the properties API with custom
 * properties, owners and pipelines; Bearer tokens (401 with HubSpot's error body otherwise); a rolling limit counted
 * per account (portal) whichever token of it calls, 100 requests per 10 s unless a test scales it down
 * ({@link #limitTo}), stated on every answer in X-HubSpot-RateLimit-Max, -Remaining and -Interval-Milliseconds (and
 * -Daily, -Daily-Remaining for private app tokens), over it a 429 with the RATE_LIMIT body and policyName
 * TEN_SECONDLY_ROLLING and no Retry-After (HubSpot's documentation names none); the account-info API telling a token's
 * portal; scripted 429s with Retry-After for tests of that header. It records when each request came, so tests can
 * check waits.
 * The search API ({@code POST /crm/v3/objects/{type}/search}): filters on a property (EQ, GT, GTE, LT, LTE), sorts,
 * at most 200 a page, 400 past the 10,000th result, its own limit of 5 requests per second (429, policy SECONDLY);
 * associations inline on list pages ({@code associations=}) and through the v4 batch read; records that tests change
 * or add, each change moving the record's last-modified property and {@code updatedAt}.
 * Deleting ({@link #archive}) moves a record to the archived listing ({@code GET /crm/v3/objects/{type}?archived=true}:
 * the same paging and properties, each record with {@code archived: true} and {@code archivedAt}, and no filter on when);
 * merging ({@link #merge}) makes a new record with a new id from two, as HubSpot's changelog "Updated merge
 * functionality for contacts and companies" describes: the primary's values win, the other's fill what it lacks, both
 * old ids are named in {@code hs_merged_object_ids}, their associations move to it, and neither is listed anywhere
 * (HubSpot documents only that the old ids now lead to the new record).
 */
public final class FakeHubSpot implements QuarkusTestResourceLifecycleManager {
    public static final String TOKEN = "pat-na1-11111111-2222-3333-4444-555555555555";
    /** A second private app's token on the same portal as {@link #TOKEN}. */
    public static final String SAME_PORTAL_TOKEN = "pat-na1-66666666-7777-8888-9999-000000000000";
    /** The portal (hub id) of both tokens and of every token issued by "Connect HubSpot". */
    public static final long PORTAL = 62515;
    public static final int CONTACTS = 230;
    public static final int OWNERS = 150;
    private static FakeHubSpot running;

    private final ObjectMapper json = new ObjectMapper();
    private HttpServer server;
    private final Map<String, List<Map<String, String>>> objects = new LinkedHashMap<>();
    private final Map<String, List<String[]>> properties = new LinkedHashMap<>();
    private final Map<String, Integer> cursors = new ConcurrentHashMap<>();
    /** Deleted (archived) records per type, in the order they were deleted, each with its {@code archivedAt}. */
    private final Map<String, List<Map<String, String>>> archived = new ConcurrentHashMap<>();
    private final Map<String, String> archivedAt = new ConcurrentHashMap<>();
    private final AtomicInteger mergedIds = new AtomicInteger(3_000_000);
    private final Map<Long, Deque<Long>> window = new ConcurrentHashMap<>();
    private volatile int limitMax = 100;
    private volatile long limitIntervalMillis = 10_000;
    private final java.util.Set<String> revoked = ConcurrentHashMap.newKeySet();
    private final AtomicInteger dailyUsed = new AtomicInteger();
    /** Requests counted against the rolling limit, per portal, when they came (nanoTime). */
    public final List<long[]> accountRequestTimes = new CopyOnWriteArrayList<>();
    public final AtomicInteger accountInfoCalls = new AtomicInteger();
    private final Map<String, Deque<Long>> searchWindow = new ConcurrentHashMap<>();
    /** Associations: {type, id, type, id}, both ways. */
    private final List<String[]> links = new CopyOnWriteArrayList<>();
    public final AtomicInteger searches = new AtomicInteger();
    public static final int SEARCH_CAP = 10_000;
    private final AtomicInteger scripted429 = new AtomicInteger();
    private volatile int scriptedRetryAfter = 1;
    public final List<long[]> requestTimes = new CopyOnWriteArrayList<>();
    public static final String CLIENT_ID = "rowflow-test-client";
    public static final String CLIENT_SECRET = "test-client-secret-0123456789";
    /** "Connect HubSpot": its OAuth server (tokens live 30 minutes, apis.md §4). */
    public final FakeAuthorizationServer oauth = new FakeAuthorizationServer(CLIENT_ID, CLIENT_SECRET, 1800, false,
            (code, message) -> Map.of("status", code.equals("invalid_grant") ? "BAD_AUTH_CODE" : "error", "message", message));
    public final AtomicInteger tooManyRequests = new AtomicInteger();

    public static FakeHubSpot running() {
        return running;
    }

    @Override
    public Map<String, String> start() {
        seed();
        server = FakeHttp.serve(this::handle);
        running = this;
        String base = FakeHttp.baseUrl(server);
        Map<String, String> settings = oauth.settings("hubspot", base + "/oauth/authorize", base + "/oauth/v1/token");
        settings.put("rowflow.connector.base-url.hubspot", base);
        settings.put("rowflow.oauth.provider.hubspot.pkce", "true");
        return settings;
    }

    @Override
    public void stop() {
        server.stop(0);
    }

    /** The rolling limit per portal from now on: {@code max} requests per {@code interval} (HubSpot's: 100 per 10 s). */
    public void limitTo(int max, java.time.Duration interval) {
        limitMax = max;
        limitIntervalMillis = interval.toMillis();
        window.clear();
    }

    /** The private app's token is deleted (or, with false, a new one with the same value is in place again). */
    public void revoke(String token, boolean revokedNow) {
        if (revokedNow) {
            revoked.add(token);
        } else {
            revoked.remove(token);
        }
    }

    /** The next {@code count} requests answer 429 with Retry-After (seconds). */
    public void throttleNext(int count, int retryAfterSeconds) {
        scriptedRetryAfter = retryAfterSeconds;
        scripted429.set(count);
    }

    public List<Map<String, String>> objects(String type) {
        return objects.get(type);
    }

    /** The properties of a CRM object type as the properties API lists them: {name, label}. */
    public List<String[]> properties(String type) {
        return properties.get(type);
    }

    /** The property that holds when a record of this type last changed. */
    public static String modifiedProperty(String type) {
        return switch (type) {
            case "contacts" -> "lastmodifieddate";
            case "owners" -> "updatedAt";
            default -> "hs_lastmodifieddate";
        };
    }

    /** Someone changes a property of a record at {@code at}. */
    public void change(String type, int index, String property, String value, java.time.Instant at) {
        Map<String, String> record = objects.get(type).get(index);
        record.put(property, value);
        record.put(modifiedProperty(type), at.toString());
    }

    /** A new record (its id, the last-modified time and the given properties), linked to the given records. */
    public Map<String, String> add(String type, String id, java.time.Instant at, Map<String, String> properties,
            String... linkedTypeAndIds) {
        Map<String, String> record = new LinkedHashMap<>();
        record.put(type.equals("owners") ? "id" : "hs_object_id", id);
        record.putAll(properties);
        record.put(modifiedProperty(type), at.toString());
        objects.get(type).add(record);
        for (int i = 0; i < linkedTypeAndIds.length; i += 2) {
            links.add(new String[] { type, id, linkedTypeAndIds[i], linkedTypeAndIds[i + 1] });
        }
        return record;
    }

    /** Someone deletes the record with this id at {@code at}: it leaves the listings and joins the archived one. */
    public void archive(String type, String id, java.time.Instant at) {
        Map<String, String> record = find(type, id);
        objects.get(type).remove(record);
        archived.computeIfAbsent(type, k -> new CopyOnWriteArrayList<>()).add(record);
        archivedAt.put(type + "/" + id, at.toString());
    }

    /**
     * Someone merges {@code otherId} into {@code primaryId} at {@code at}: both leave the listings for a new record
     * with a new id (answered), the primary's values and the other's where the primary has none, which names both in
     * {@code hs_merged_object_ids} and has both's associations.
     */
    public String merge(String type, String primaryId, String otherId, java.time.Instant at) {
        Map<String, String> primary = find(type, primaryId);
        Map<String, String> other = find(type, otherId);
        String id = Integer.toString(mergedIds.incrementAndGet());
        Map<String, String> merged = new LinkedHashMap<>(other);
        primary.forEach((property, value) -> {
            if (value != null && !value.isEmpty()) {
                merged.put(property, value);
            }
        });
        merged.put("hs_object_id", id);
        merged.put("hs_merged_object_ids", primaryId + ";" + otherId);
        merged.put(modifiedProperty(type), at.toString());
        objects.get(type).remove(primary);
        objects.get(type).remove(other);
        objects.get(type).add(merged);
        for (int i = 0; i < links.size(); i++) {
            String[] link = links.get(i).clone();
            boolean moved = false;
            for (int side = 0; side <= 2; side += 2) {
                if (link[side].equals(type) && (link[side + 1].equals(primaryId) || link[side + 1].equals(otherId))) {
                    link[side + 1] = id;
                    moved = true;
                }
            }
            if (moved) {
                links.set(i, link);
            }
        }
        return id;
    }

    /**
     * The records of a type as they are now (values, deletions and every association), to put back once a test that
     * deletes or merges is done: the fake is shared by every test class of the run.
     */
    public Runnable snapshot(String type) {
        List<Map<String, String>> records = new ArrayList<>();
        objects.get(type).forEach(r -> records.add(new LinkedHashMap<>(r)));
        List<Map<String, String>> deleted = new ArrayList<>(archived.getOrDefault(type, List.of()));
        List<String[]> linked = new ArrayList<>(links);
        return () -> {
            objects.put(type, new CopyOnWriteArrayList<>(records));
            archived.put(type, new CopyOnWriteArrayList<>(deleted));
            archivedAt.keySet().removeIf(key -> key.startsWith(type + "/") && deleted.stream().noneMatch(r -> key.equals(
                    type + "/" + r.get("hs_object_id"))));
            links.clear();
            links.addAll(linked);
        };
    }

    private Map<String, String> find(String type, String id) {
        return objects.get(type).stream().filter(r -> id.equals(r.get("hs_object_id"))).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no live " + type + " " + id));
    }

    /** Replaces the records of a type (and returns the old ones, to put back). */
    public List<Map<String, String>> replace(String type, List<Map<String, String>> records) {
        List<Map<String, String>> old = objects.put(type, new CopyOnWriteArrayList<>(records));
        return old;
    }

    /** The ids of the records of {@code other} type associated with the record, in the order they were linked. */
    public List<String> associated(String type, String id, String other) {
        List<String> out = new ArrayList<>();
        for (String[] link : links) {
            if (link[0].equals(type) && link[1].equals(id) && link[2].equals(other)) {
                out.add(link[3]);
            } else if (link[2].equals(type) && link[3].equals(id) && link[0].equals(other)) {
                out.add(link[1]);
            }
        }
        return out;
    }

    private void seed() {
        properties.put("contacts", List.of(new String[] { "hs_object_id", "Record ID" }, new String[] { "firstname", "First Name" },
                new String[] { "lastname", "Last Name" }, new String[] { "email", "Email" },
                new String[] { "createdate", "Create Date" }, new String[] { "lastmodifieddate", "Last Modified Date" },
                new String[] { "favorite_color", "Favorite color" }, new String[] { "lifetime_value", "Lifetime value" }));
        properties.put("companies", List.of(new String[] { "hs_object_id", "Record ID" }, new String[] { "name", "Company name" },
                new String[] { "domain", "Company Domain Name" }, new String[] { "numberofemployees", "Number of Employees" },
                new String[] { "hs_lastmodifieddate", "Last Modified Date" }));
        properties.put("deals", List.of(new String[] { "hs_object_id", "Record ID" }, new String[] { "dealname", "Deal Name" },
                new String[] { "amount", "Amount" }, new String[] { "dealstage", "Deal Stage" }, new String[] { "closedate", "Close Date" },
                new String[] { "hs_lastmodifieddate", "Last Modified Date" }));
        properties.put("tickets", List.of(new String[] { "hs_object_id", "Record ID" }, new String[] { "subject", "Ticket name" },
                new String[] { "hs_pipeline_stage", "Ticket status" },
                new String[] { "hs_lastmodifieddate", "Last Modified Date" }));
        String[] colors = { "blau", "grün", "rot", "" };
        List<Map<String, String>> contacts = new ArrayList<>();
        for (int i = 1; i <= CONTACTS; i++) {
            Map<String, String> c = new LinkedHashMap<>();
            c.put("hs_object_id", Integer.toString(1000 + i));
            c.put("firstname", i % 7 == 0 ? "Zoë" : "Person" + i);
            c.put("lastname", "Müller-" + i);
            c.put("email", "p" + i + "@example.com");
            c.put("createdate", "2025-0" + (1 + i % 9) + "-1" + (i % 10) + "T08:30:00.000Z");
            c.put("lastmodifieddate", "2026-01-0" + (1 + i % 9) + "T12:00:00.000Z");
            c.put("favorite_color", colors[i % 4]);
            c.put("lifetime_value", (i * 10) + ".5");
            contacts.add(c);
        }
        objects.put("contacts", new CopyOnWriteArrayList<>(contacts));
        List<Map<String, String>> companies = new ArrayList<>();
        for (int i = 1; i <= 12; i++) {
            companies.add(new LinkedHashMap<>(Map.of("hs_object_id", Integer.toString(500 + i), "name", "Firma " + i,
                    "domain", "firma" + i + ".de", "numberofemployees", Integer.toString(i * 3))));
        }
        for (int i = 0; i < companies.size(); i++) {
            companies.get(i).put("hs_lastmodifieddate", String.format("2026-01-%02dT08:00:00.000Z", 1 + i));
        }
        objects.put("companies", new CopyOnWriteArrayList<>(companies));
        List<Map<String, String>> deals = new ArrayList<>();
        for (int i = 1; i <= 101; i++) {
            deals.add(new LinkedHashMap<>(Map.of("hs_object_id", Integer.toString(9000 + i), "dealname", "Deal " + i,
                    "amount", Integer.toString(i * 100), "dealstage", i % 2 == 0 ? "closedwon" : "appointmentscheduled",
                    "closedate", "2026-02-" + String.format("%02d", 1 + i % 28) + "T00:00:00Z",
                    "hs_lastmodifieddate", String.format("2026-01-%02dT09:%02d:00.000Z", 1 + i % 28, i % 60))));
        }
        objects.put("deals", new CopyOnWriteArrayList<>(deals));
        objects.put("tickets", new CopyOnWriteArrayList<>(List.of(new LinkedHashMap<>(Map.of("hs_object_id", "7", "subject",
                "Login fails", "hs_pipeline_stage", "1", "hs_lastmodifieddate", "2026-01-03T10:00:00.000Z")))));
        for (int i = 1; i <= CONTACTS; i++) {
            links.add(new String[] { "contacts", Integer.toString(1000 + i), "companies", Integer.toString(500 + 1 + i % 12) });
        }
        for (int i = 1; i <= 101; i++) {
            links.add(new String[] { "deals", Integer.toString(9000 + i), "contacts", Integer.toString(1000 + i) });
            links.add(new String[] { "deals", Integer.toString(9000 + i), "companies", Integer.toString(500 + 1 + i % 12) });
        }
        links.add(new String[] { "tickets", "7", "contacts", "1001" });
        List<Map<String, String>> owners = new ArrayList<>();
        for (int i = 1; i <= OWNERS; i++) {
            owners.add(ordered("id", Integer.toString(40000 + i), "email", "owner" + i + "@example.com", "firstName",
                    "Owner", "lastName", Integer.toString(i), "updatedAt", String.format("2026-01-%02dT12:00:00.000Z",
                            1 + i % 28)));
        }
        objects.put("owners", new CopyOnWriteArrayList<>(owners));
    }

    /** A record with its fields in the order given, as the API sends them. */
    private static Map<String, String> ordered(String... pairs) {
        Map<String, String> record = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            record.put(pairs[i], pairs[i + 1]);
        }
        return record;
    }

    private void handle(HttpExchange exchange) throws IOException {
        requestTimes.add(new long[] { System.nanoTime() });
        try {
            if (exchange.getRequestURI().getPath().equals("/oauth/authorize")) {
                oauth.authorize(exchange);
                return;
            }
            if (exchange.getRequestURI().getPath().equals("/oauth/v1/token")) {
                oauth.token(exchange);
                return;
            }
            String auth = exchange.getRequestHeaders().getFirst("Authorization");
            String bearer = auth != null && auth.startsWith("Bearer ") ? auth.substring(7) : null;
            FakeAuthorizationServer.Access access = oauth.check(bearer);
            if (access == FakeAuthorizationServer.Access.EXPIRED) {
                error(exchange, 401, Map.of("status", "error", "message", "The OAuth token used to make this call expired"
                        + " 0 second(s) ago.", "correlationId", UUID.randomUUID().toString(), "category",
                        "EXPIRED_AUTHENTICATION"), Map.of());
                return;
            }
            boolean privateApp = bearer != null && (bearer.equals(TOKEN) || bearer.equals(SAME_PORTAL_TOKEN))
                    && !revoked.contains(bearer);
            if (bearer == null || !(privateApp || access == FakeAuthorizationServer.Access.VALID)) {
                error(exchange, 401, Map.of("status", "error", "message", "Authentication credentials not found. This API"
                        + " supports OAuth 2.0 authentication.", "correlationId", UUID.randomUUID().toString(), "category",
                        "INVALID_AUTHENTICATION"), Map.of());
                return;
            }
            if (scripted429.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                tooManyRequests.incrementAndGet();
                error(exchange, 429, rateLimitBody("SECONDLY"), Map.of("Retry-After", Integer.toString(scriptedRetryAfter)));
                return;
            }
            int remaining = withinLimit(PORTAL);
            exchange.getResponseHeaders().set("X-HubSpot-RateLimit-Max", Integer.toString(limitMax));
            exchange.getResponseHeaders().set("X-HubSpot-RateLimit-Remaining", Integer.toString(Math.max(0, remaining)));
            exchange.getResponseHeaders().set("X-HubSpot-RateLimit-Interval-Milliseconds", Long.toString(limitIntervalMillis));
            if (privateApp) {
                // The daily limit is stated for private apps only (apis.md §4).
                exchange.getResponseHeaders().set("X-HubSpot-RateLimit-Daily", "250000");
                exchange.getResponseHeaders().set("X-HubSpot-RateLimit-Daily-Remaining", Integer.toString(
                        250_000 - dailyUsed.incrementAndGet()));
            }
            if (remaining < 0) {
                tooManyRequests.incrementAndGet();
                error(exchange, 429, rateLimitBody("TEN_SECONDLY_ROLLING"), Map.of());
                return;
            }
            String path = exchange.getRequestURI().getPath();
            Map<String, String> query = FakeHttp.query(exchange.getRequestURI().getRawQuery());
            String[] parts = path.split("/");
            if (path.equals("/account-info/v3/details")) {
                accountInfoCalls.incrementAndGet();
                send(exchange, 200, Map.of("portalId", PORTAL, "accountType", "STANDARD", "timeZone", "Europe/Berlin",
                        "companyCurrency", "EUR", "additionalCurrencies", List.of(), "utcOffset", "+01:00",
                        "utcOffsetMilliseconds", 3_600_000, "uiDomain", "app-eu1.hubspot.com", "dataHostingLocation", "eu1"),
                        Map.of());
            } else if (path.startsWith("/crm/v3/objects/") && parts.length == 6 && parts[5].equals("search")
                    && properties.containsKey(parts[4]) && exchange.getRequestMethod().equals("POST")) {
                search(exchange, parts[4], auth);
            } else if (path.startsWith("/crm/v4/associations/") && parts.length == 8 && parts[6].equals("batch")
                    && parts[7].equals("read")) {
                associationsBatch(exchange, parts[4], parts[5]);
            } else if (path.startsWith("/crm/v3/objects/") && parts.length == 5 && properties.containsKey(parts[4])) {
                list(exchange, parts[4], query, true);
            } else if (path.startsWith("/crm/v3/properties/") && parts.length == 5 && properties.containsKey(parts[4])) {
                ArrayNode results = json.createArrayNode();
                for (String[] p : properties.get(parts[4])) {
                    results.addObject().put("name", p[0]).put("label", p[1]).put("type", "string").put("fieldType", "text")
                            .put("groupName", "contactinformation");
                }
                ObjectNode body = json.createObjectNode();
                body.set("results", results);
                send(exchange, 200, body, Map.of());
            } else if (path.equals("/crm/v3/owners")) {
                list(exchange, "owners", query, false);
            } else if (path.startsWith("/crm/v3/pipelines/") && parts.length == 5) {
                ObjectNode body = json.createObjectNode();
                ArrayNode results = body.putArray("results");
                ObjectNode pipeline = results.addObject().put("id", "default").put("label", parts[4].equals("deals")
                        ? "Sales Pipeline" : "Support Pipeline").put("displayOrder", 0).put("archived", false);
                ArrayNode stages = pipeline.putArray("stages");
                stages.addObject().put("id", "appointmentscheduled").put("label", "Appointment Scheduled").put("displayOrder", 0);
                stages.addObject().put("id", "closedwon").put("label", "Closed Won").put("displayOrder", 1);
                send(exchange, 200, body, Map.of());
            } else {
                error(exchange, 404, Map.of("status", "error", "message", "Unable to infer object type from: " + path,
                        "correlationId", UUID.randomUUID().toString(), "category", "OBJECT_NOT_FOUND"), Map.of());
            }
        } finally {
            exchange.close();
        }
    }

    /** Presents a refresh token as someone else holding an old copy would. */
    public int presentRefreshToken(String refreshToken) throws Exception {
        var client = java.net.http.HttpClient.newHttpClient();
        var request = java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:"
                + server.getAddress().getPort() + "/oauth/v1/token")).header("Content-Type",
                "application/x-www-form-urlencoded").POST(java.net.http.HttpRequest.BodyPublishers.ofString(
                "grant_type=refresh_token&client_id=" + CLIENT_ID + "&client_secret=" + CLIENT_SECRET + "&refresh_token="
                        + refreshToken)).build();
        return client.send(request, java.net.http.HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    private Map<String, String> rateLimitBody(String policy) {
        return Map.of("status", "error", "message", "You have reached your " + policy.toLowerCase() + " limit.",
                "errorType", "RATE_LIMIT", "correlationId", UUID.randomUUID().toString(), "policyName", policy,
                "requestId", UUID.randomUUID().toString());
    }

    /** Counts a request against the portal's rolling window: the requests left after it, -1 when refused. */
    private int withinLimit(long portal) {
        Deque<Long> sent = window.computeIfAbsent(portal, k -> new ArrayDeque<>());
        synchronized (sent) {
            long now = System.nanoTime();
            while (!sent.isEmpty() && now - sent.peekFirst() >= limitIntervalMillis * 1_000_000L) {
                sent.pollFirst();
            }
            if (sent.size() >= limitMax) {
                return -1;
            }
            sent.addLast(now);
            accountRequestTimes.add(new long[] { portal, now });
            return limitMax - sent.size();
        }
    }

    /** A rolling window per token: at most {@code max} requests in any {@code nanos}. */
    private static boolean withinWindow(Map<String, Deque<Long>> windows, String token, int max, long nanos) {
        Deque<Long> sent = windows.computeIfAbsent(token, k -> new ArrayDeque<>());
        synchronized (sent) {
            long now = System.nanoTime();
            while (!sent.isEmpty() && now - sent.peekFirst() >= nanos) {
                sent.pollFirst();
            }
            if (sent.size() >= max) {
                return false;
            }
            sent.addLast(now);
            return true;
        }
    }

    private void list(HttpExchange exchange, String type, Map<String, String> query, boolean crmObject) throws IOException {
        int limit = Integer.parseInt(query.getOrDefault("limit", "10"));
        if (limit > 100) {
            error(exchange, 400, Map.of("status", "error", "message", "limit must be less than or equal to 100",
                    "correlationId", UUID.randomUUID().toString(), "category", "VALIDATION_ERROR"), Map.of());
            return;
        }
        int offset = 0;
        if (query.containsKey("after")) {
            Integer known = cursors.get(query.get("after"));
            if (known == null) {
                error(exchange, 400, Map.of("status", "error", "message", "Invalid after cursor", "category",
                        "VALIDATION_ERROR"), Map.of());
                return;
            }
            offset = known;
        }
        boolean archivedListing = crmObject && "true".equals(query.get("archived"));
        List<Map<String, String>> all = archivedListing ? archived.getOrDefault(type, List.of()) : objects.get(type);
        List<String> asked = query.containsKey("properties") ? Arrays.asList(query.get("properties").split(","))
                : List.of("hs_object_id", "createdate", "lastmodifieddate");
        ObjectNode body = json.createObjectNode();
        ArrayNode results = body.putArray("results");
        for (Map<String, String> record : all.subList(offset, Math.min(all.size(), offset + limit))) {
            if (crmObject) {
                ObjectNode object = results.addObject().put("id", record.get("hs_object_id"));
                ObjectNode props = object.putObject("properties");
                for (String p : asked) {
                    if (record.containsKey(p)) {
                        props.put(p, record.get(p));
                    }
                }
                object.put("createdAt", "2025-01-01T00:00:00.000Z").put("updatedAt", record.get(modifiedProperty(type)))
                        .put("archived", archivedListing);
                if (archivedListing) {
                    object.put("archivedAt", archivedAt.get(type + "/" + record.get("hs_object_id")));
                }
                if (query.containsKey("associations")) {
                    ObjectNode associations = json.createObjectNode();
                    for (String other : query.get("associations").split(",")) {
                        List<String> ids = associated(type, record.get("hs_object_id"), other);
                        if (!ids.isEmpty()) {
                            ArrayNode linked = associations.putObject(other).putArray("results");
                            ids.forEach(id -> linked.addObject().put("id", id).put("type",
                                    type.replaceAll("s$", "").replace("companie", "company") + "_to_"
                                            + other.replaceAll("s$", "").replace("companie", "company")));
                        }
                    }
                    if (!associations.isEmpty()) {
                        object.set("associations", associations);
                    }
                }
            } else {
                ObjectNode object = results.addObject();
                record.forEach(object::put);
            }
        }
        if (offset + limit < all.size()) {
            String after = UUID.randomUUID().toString().replace("-", "");
            cursors.put(after, offset + limit);
            body.putObject("paging").putObject("next").put("after", after).put("link",
                    "https://api.hubapi.com/crm/v3/objects/" + type + "?after=" + after);
        }
        send(exchange, 200, body, Map.of());
    }


    /** The search API: one filter group of property filters, a sort, 200 a page at most, and no paging past 10,000. */
    private void search(HttpExchange exchange, String type, String token) throws IOException {
        searches.incrementAndGet();
        if (!withinSearchLimit(token)) {
            tooManyRequests.incrementAndGet();
            error(exchange, 429, rateLimitBody("SECONDLY"), Map.of());
            return;
        }
        com.fasterxml.jackson.databind.JsonNode body = json.readTree(exchange.getRequestBody());
        int limit = body.path("limit").asInt(10);
        int offset = body.hasNonNull("after") ? Integer.parseInt(body.get("after").asText()) : 0;
        if (limit > 200) {
            error(exchange, 400, Map.of("status", "error", "message", "limit must be less than or equal to 200",
                    "category", "VALIDATION_ERROR"), Map.of());
            return;
        }
        if (offset + limit > SEARCH_CAP) {
            error(exchange, 400, Map.of("status", "error", "message", "There was a problem with the request.",
                    "category", "VALIDATION_ERROR", "correlationId", UUID.randomUUID().toString()), Map.of());
            return;
        }
        java.util.stream.Stream<Map<String, String>> selected = objects.get(type).stream();
        for (com.fasterxml.jackson.databind.JsonNode filter : body.path("filterGroups").path(0).path("filters")) {
            String property = filter.get("propertyName").asText();
            String operator = filter.get("operator").asText();
            String value = filter.get("value").asText();
            selected = selected.filter(r -> matches(r.get(property), operator, value));
        }
        List<Map<String, String>> all = selected.collect(java.util.stream.Collectors.toCollection(ArrayList::new));
        com.fasterxml.jackson.databind.JsonNode sort = body.path("sorts").path(0);
        if (sort.has("propertyName")) {
            java.util.Comparator<Map<String, String>> order = java.util.Comparator.comparing(r -> comparable(
                    r.get(sort.get("propertyName").asText())));
            all.sort((sort.path("direction").asText().equals("DESCENDING") ? order.reversed() : order)
                    .thenComparing(r -> Long.parseLong(r.get("hs_object_id"))));
        }
        List<String> asked = new ArrayList<>();
        body.path("properties").forEach(p -> asked.add(p.asText()));
        ObjectNode out = json.createObjectNode().put("total", all.size());
        ArrayNode results = out.putArray("results");
        for (Map<String, String> record : all.subList(Math.min(offset, all.size()), Math.min(all.size(), offset + limit))) {
            ObjectNode object = results.addObject().put("id", record.get("hs_object_id"));
            ObjectNode props = object.putObject("properties");
            for (String p : asked.isEmpty() ? List.of("hs_object_id", "createdate", "lastmodifieddate") : asked) {
                if (record.containsKey(p)) {
                    props.put(p, record.get(p));
                }
            }
            object.put("createdAt", "2025-01-01T00:00:00.000Z").put("updatedAt", record.get(modifiedProperty(type)))
                    .put("archived", false);
        }
        if (offset + limit < all.size()) {
            out.putObject("paging").putObject("next").put("after", Integer.toString(offset + limit));
        }
        send(exchange, 200, out, Map.of());
    }

    /** Dates compare as instants (a filter's value in epoch milliseconds, as HubSpot takes them), the rest as text. */
    private static String comparable(String value) {
        if (value == null) {
            return "";
        }
        if (value.matches("\\d{4}-\\d{2}-\\d{2}T.*")) {
            return String.format("%020d", java.time.Instant.parse(value).toEpochMilli());
        }
        return value.matches("\\d+") ? String.format("%020d", Long.parseLong(value)) : value;
    }

    private static boolean matches(String actual, String operator, String value) {
        if (actual == null) {
            return false;
        }
        int c = comparable(actual).compareTo(comparable(value));
        return switch (operator) {
            case "EQ" -> c == 0;
            case "GT" -> c > 0;
            case "GTE" -> c >= 0;
            case "LT" -> c < 0;
            case "LTE" -> c <= 0;
            default -> throw new IllegalArgumentException("operator " + operator);
        };
    }

    /** v4 associations batch read: for each input id, its associated records of the other type. */
    private void associationsBatch(HttpExchange exchange, String from, String to) throws IOException {
        com.fasterxml.jackson.databind.JsonNode body = json.readTree(exchange.getRequestBody());
        ObjectNode out = json.createObjectNode().put("status", "COMPLETE");
        ArrayNode results = out.putArray("results");
        for (com.fasterxml.jackson.databind.JsonNode input : body.path("inputs")) {
            List<String> ids = associated(from, input.get("id").asText(), to);
            if (!ids.isEmpty()) {
                ObjectNode result = results.addObject();
                result.putObject("from").put("id", input.get("id").asText());
                ArrayNode targets = result.putArray("to");
                ids.forEach(id -> targets.addObject().put("toObjectId", Long.parseLong(id)).putArray("associationTypes")
                        .addObject().put("category", "HUBSPOT_DEFINED").put("typeId", 1).putNull("label"));
            }
        }
        send(exchange, 200, out, Map.of());
    }

    private boolean withinSearchLimit(String token) {
        return withinWindow(searchWindow, token, 5, 1_000_000_000L);
    }

    private void error(HttpExchange exchange, int status, Map<String, String> body, Map<String, String> headers)
            throws IOException {
        send(exchange, status, json.valueToTree(body), headers);
    }

    private void send(HttpExchange exchange, int status, Object body, Map<String, String> headers) throws IOException {
        FakeHttp.json(exchange, status, body, headers);
    }
}
