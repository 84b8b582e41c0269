package io.rowflow.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.poi.ss.usermodel.Cell;
import org.apache.poi.ss.usermodel.CellStyle;
import org.apache.poi.ss.usermodel.CellType;
import org.apache.poi.ss.usermodel.Row;
import org.apache.poi.ss.usermodel.Sheet;
import org.apache.poi.ss.util.CellRangeAddress;
import org.apache.poi.ss.util.CellReference;
import org.apache.poi.xssf.usermodel.XSSFWorkbook;

/**
 * A stateful fake of the corner of Microsoft Graph v1.0 the Excel Online destination uses, after Microsoft's
 * documentation (shared/reference/apis.md §3): drives ({@code /me/drives}, from a recorded answer), folders and
 * files addressed by id or by path ({@code root:/a/b.xlsx:}), children pages with {@code @odata.nextLink}, folder
 * creation with a conflict behavior; upload sessions ({@code createUploadSession}) whose pre-authenticated URL takes
 * PUTs with Content-Range in order, fragments a multiple of 320 KiB except the last and under 60 MiB, answers 202 with
 * nextExpectedRanges, 416 for bytes it already has, and commits on the last fragment (201 new, 200 replaced) while the
 * stored file keeps its old bytes until then; GET (status) and DELETE (cancel) on the upload URL; a file's content;
 * workbook sessions (createSession, closeSession, {@code workbook-session-id}) over worksheets held as real .xlsx bytes
 * edited with Apache POI: list and add sheets, usedRange, range PATCH of {@code values} and {@code numberFormat} (read
 * as typed: "=…" a formula, numeric text a number, a leading apostrophe text) and range clear; throttling (429 with
 * Retry-After on the Nth call) and failing fragments. Sign-in is the Microsoft identity platform's v2.0 endpoints.
 */
public final class FakeGraph implements QuarkusTestResourceLifecycleManager {
    public static final String CLIENT_ID = "3fa85f64-5717-4562-b3fc-2c963f66afa6";
    public static final String CLIENT_SECRET = "Qx48Q~graph-test-secret-0123456789";
    static final int FRAGMENT_UNIT = 320 * 1024;
    static final int LARGEST_FRAGMENT = 60 * 1024 * 1024;
    private static final Pattern CONTENT_RANGE = Pattern.compile("bytes (\\d+)-(\\d+)/(\\d+)");
    private static final Pattern RANGE_CALL = Pattern.compile("range\\(address='([^']*)'\\)");
    private static FakeGraph running;

    private final ObjectMapper json = new ObjectMapper();
    private HttpServer server;
    private String base;
    public final FakeAuthorizationServer oauth = new FakeAuthorizationServer(CLIENT_ID, CLIENT_SECRET, 3600, false,
            (code, message) -> Map.of("error", code, "error_description", "AADSTS70000: " + message));
    private final Map<String, Long> issuedTokens = new java.util.concurrent.ConcurrentHashMap<>();
    private final Map<String, Drive> drives = new LinkedHashMap<>();
    private final Map<String, Upload> uploads = new HashMap<>();
    private final Map<String, Session> sessions = new HashMap<>();
    /** Items per page of a collection (drives, children); a longer one answers @odata.nextLink. */
    public volatile int pageSize = 200;
    private final AtomicInteger throttleCountdown = new AtomicInteger();
    private volatile int throttleSeconds = 1;
    private volatile int failFragmentsFrom = Integer.MAX_VALUE;
    /** Every request answered (a refusal is an answer). */
    public final AtomicInteger requests = new AtomicInteger();
    /** Upload fragments received and answered, refused ones included. */
    public final AtomicInteger fragments = new AtomicInteger();
    /** What was throttled: "METHOD path" of each 429. */
    public final List<String> throttled = new CopyOnWriteArrayList<>();
    /** The Content-Range of every fragment accepted, in order. */
    public final List<String> acceptedRanges = new CopyOnWriteArrayList<>();
    /** Range updates (PATCH …/range) received. */
    public final AtomicInteger rangeUpdates = new AtomicInteger();

    public FakeGraph() {
        try (InputStream in = FakeGraph.class.getResourceAsStream("/graph/me-drives.json")) {
            for (JsonNode recorded : json.readTree(in).get("value")) {
                Drive drive = new Drive(recorded);
                drives.put(drive.id, drive);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static FakeGraph running() {
        return running;
    }

    @Override
    public Map<String, String> start() {
        server = FakeHttp.serve(this::handle);
        base = FakeHttp.baseUrl(server);
        running = this;
        Map<String, String> settings = oauth.settings("microsoft", base + "/common/oauth2/v2.0/authorize", base
                + "/common/oauth2/v2.0/token");
        settings.put("rowflow.graph.base-url", base + "/v1.0");
        return settings;
    }

    /** Starts on its own (plain JUnit tests): answers Graph's base URL. */
    public String startAlone() {
        start();
        return base + "/v1.0";
    }

    @Override
    public void stop() {
        server.stop(0);
    }

    /** An access token Graph takes, as a signed-in account's would be. */
    public String issueToken() {
        String token = "EwB4A8l6BAAU-" + UUID.randomUUID();
        issuedTokens.put(token, Long.MAX_VALUE);
        return token;
    }

    /** The token is revoked before its expiry (a password change, an admin's "revoke sessions"): Graph answers 401. */
    public void revoke(String token) {
        issuedTokens.remove(token);
    }

    /** The {@code nth} request from now (1: the next) answers 429 with Retry-After {@code seconds}. */
    public void throttleNthCall(int nth, int seconds) {
        throttleSeconds = seconds;
        throttleCountdown.set(nth);
    }

    /** Every upload fragment from the {@code nth} of an upload session on (1: its first) answers 503. */
    public void failFragmentsFrom(int nth) {
        failFragmentsFrom = nth;
    }

    // ---------------------------------------------------------------- the model and its test-side view

    static final class Item {
        final String id = "01" + UUID.randomUUID().toString().replace("-", "").toUpperCase(java.util.Locale.ROOT)
                .substring(0, 32);
        String name;
        String parentId;
        boolean folder;
        byte[] content;
        int version = 1;

        String eTag() {
            return "\"{" + id + "},"+ version + "\"";
        }
    }

    static final class Drive {
        final String id;
        final String name;
        final String driveType;
        final Map<String, Item> items = new LinkedHashMap<>();
        final Item root = new Item();

        Drive(JsonNode recorded) {
            id = recorded.get("id").asText();
            name = recorded.get("name").asText();
            driveType = recorded.get("driveType").asText();
            root.name = "root";
            root.folder = true;
            items.put(root.id, root);
        }

        List<Item> children(Item parent) {
            return items.values().stream().filter(i -> parent.id.equals(i.parentId)).toList();
        }

        Item child(Item parent, String name) {
            return children(parent).stream().filter(i -> i.name.equalsIgnoreCase(name)).findFirst().orElse(null);
        }
    }

    /** An upload session: where the file goes and the bytes received so far (always a prefix of the file). */
    static final class Upload {
        String driveId;
        String parentId;
        String name;
        String conflictBehavior;
        long total = -1;
        final ByteArrayOutputStream received = new ByteArrayOutputStream();
        int fragments;
    }

    /** A workbook session on one file. */
    static final class Session {
        String driveId;
        String itemId;
        boolean persistChanges;
    }

    /** The drives of {@code /me/drives}: the account's OneDrive first, then a SharePoint library. */
    public synchronized List<String> driveIds() {
        return new ArrayList<>(drives.keySet());
    }

    /** A folder as a user makes one; answers its id. */
    public synchronized String addFolder(String driveId, String parentId, String name) {
        Drive drive = drives.get(driveId);
        Item folder = new Item();
        folder.name = name;
        folder.folder = true;
        folder.parentId = parentId == null ? drive.root.id : parentId;
        drive.items.put(folder.id, folder);
        return folder.id;
    }

    /** A file as a user uploads one; answers its id. */
    public synchronized String putFile(String driveId, String parentId, String name, byte[] content) {
        Drive drive = drives.get(driveId);
        Item file = new Item();
        file.name = name;
        file.parentId = parentId == null ? drive.root.id : parentId;
        file.content = content.clone();
        drive.items.put(file.id, file);
        return file.id;
    }

    /** The stored bytes of the file {@code name} in the folder (null: the drive's top), or null when there is none. */
    public synchronized byte[] content(String driveId, String parentId, String name) {
        Drive drive = drives.get(driveId);
        Item file = drive.child(parentId == null ? drive.root : drive.items.get(parentId), name);
        return file == null ? null : file.content.clone();
    }

    /** Upload sessions not committed nor cancelled yet. */
    public synchronized int openUploads() {
        return uploads.size();
    }

    /** Workbook sessions not closed yet. */
    public synchronized int openSessions() {
        return sessions.size();
    }

    // ---------------------------------------------------------------- HTTP

    /** A refusal in Graph's error format. */
    private static final class GraphError extends RuntimeException {
        final int status;
        final String code;

        GraphError(int status, String code, String message) {
            super(message);
            this.status = status;
            this.code = code;
        }
    }

    private void handle(HttpExchange exchange) throws IOException {
        requests.incrementAndGet();
        try {
            byte[] body = exchange.getRequestBody().readAllBytes();
            String path = exchange.getRequestURI().getRawPath();
            String method = exchange.getRequestMethod();
            if (path.equals("/common/oauth2/v2.0/authorize")) {
                oauth.authorize(exchange);
                return;
            }
            if (path.equals("/common/oauth2/v2.0/token")) {
                oauth.token(exchange, body);
                return;
            }
            if (throttleCountdown.get() > 0 && throttleCountdown.decrementAndGet() == 0) {
                throttled.add(method + " " + path);
                ObjectNode error = json.createObjectNode();
                ObjectNode inner = error.putObject("error").put("code", "TooManyRequests")
                        .put("message", "The request has been throttled").putObject("innerError");
                inner.put("code", "throttledRequest").put("date", Instant.now().toString())
                        .put("request-id", UUID.randomUUID().toString());
                FakeHttp.json(exchange, 429, error, Map.of("Retry-After", Integer.toString(throttleSeconds)));
                return;
            }
            Object answer;
            int status;
            try {
                if (path.startsWith("/up/")) {
                    answer = upload(exchange, method, path.substring(4), body);
                } else {
                    String auth = exchange.getRequestHeaders().getFirst("Authorization");
                    String bearer = auth != null && auth.startsWith("Bearer ") ? auth.substring(7) : null;
                    if (!issuedTokens.containsKey(String.valueOf(bearer))
                            && oauth.check(bearer) != FakeAuthorizationServer.Access.VALID) {
                        throw new GraphError(401, "InvalidAuthenticationToken", "Access token has expired or is not yet"
                                + " valid.");
                    }
                    if (!path.startsWith("/v1.0/")) {
                        throw new GraphError(400, "BadRequest", "Invalid version.");
                    }
                    answer = graph(exchange, method, path.substring(5), body);
                }
                status = answer instanceof Answer a ? a.status : 200;
            } catch (GraphError e) {
                ObjectNode error = json.createObjectNode();
                error.putObject("error").put("code", e.code).put("message", e.getMessage()).putObject("innerError")
                        .put("date", Instant.now().toString()).put("request-id", UUID.randomUUID().toString());
                FakeHttp.json(exchange, e.status, error, Map.of());
                return;
            }
            Object payload = answer instanceof Answer a ? a.body : answer;
            if (payload == null) {
                exchange.sendResponseHeaders(status, -1);
            } else if (payload instanceof byte[] bytes) {
                exchange.getResponseHeaders().set("Content-Type", "application/octet-stream");
                exchange.sendResponseHeaders(status, bytes.length);
                exchange.getResponseBody().write(bytes);
            } else {
                FakeHttp.json(exchange, status, payload, Map.of());
            }
        } catch (RuntimeException e) {
            FakeHttp.json(exchange, 500, Map.of("error", Map.of("code", "generalException", "message",
                    String.valueOf(e))), Map.of());
        } finally {
            exchange.close();
        }
    }

    private record Answer(int status, Object body) {
    }

    /** A request to a Graph path (after /v1.0). */
    private synchronized Object graph(HttpExchange exchange, String method, String path, byte[] body)
            throws IOException {
        Map<String, String> query = FakeHttp.query(exchange.getRequestURI().getRawQuery());
        if (path.equals("/me/drives") && method.equals("GET")) {
            List<ObjectNode> all = drives.values().stream().map(d -> json.createObjectNode().put("id", d.id)
                    .put("name", d.name).put("driveType", d.driveType)).toList();
            return page(all, query, "/me/drives");
        }
        Matcher drivePath = Pattern.compile("^/drives/([^/]+)/(root|items/([^/:]+))(:/[^:]*:?)?(/.*)?$").matcher(path);
        if (!drivePath.matches()) {
            throw new GraphError(400, "BadRequest", "Resource not found for the segment '" + path + "'.");
        }
        Drive drive = drives.get(decode(drivePath.group(1)));
        if (drive == null) {
            throw new GraphError(404, "itemNotFound", "The resource could not be found.");
        }
        Item item = drivePath.group(3) == null ? drive.root : drive.items.get(decode(drivePath.group(3)));
        if (item == null) {
            throw new GraphError(404, "itemNotFound", "The resource could not be found.");
        }
        String rest = drivePath.group(5) == null ? "" : drivePath.group(5);
        if (drivePath.group(4) != null) {
            // Path addressing: root:/a/b.xlsx: — the last segment may name an item to create.
            String[] names = drivePath.group(4).replaceAll("^:/|:$", "").split("/");
            for (int i = 0; i < names.length - 1; i++) {
                item = child(drive, item, decode(names[i]));
            }
            String last = decode(names[names.length - 1]);
            if (rest.equals("/createUploadSession") && method.equals("POST")) {
                return createUploadSession(drive, item, last, body);
            }
            item = child(drive, item, last);
        }
        if (rest.isEmpty() && method.equals("GET")) {
            return item(drive, item);
        }
        if (rest.equals("/children") && method.equals("GET")) {
            List<ObjectNode> all = drive.children(item).stream().map(i -> item(drive, i)).toList();
            return page(all, query, path);
        }
        if (rest.equals("/children") && method.equals("POST")) {
            return createFolder(drive, item, json.readTree(body));
        }
        if (rest.equals("/content") && method.equals("GET")) {
            return item.content.clone();
        }
        if (rest.startsWith("/workbook/")) {
            return workbook(exchange, method, drive, item, rest.substring("/workbook".length()), body);
        }
        throw new GraphError(400, "BadRequest", "Unsupported request " + method + " " + path);
    }

    private Item child(Drive drive, Item parent, String name) {
        Item found = parent.folder ? drive.child(parent, name) : null;
        if (found == null) {
            throw new GraphError(404, "itemNotFound", "The resource could not be found.");
        }
        return found;
    }

    private ObjectNode item(Drive drive, Item item) {
        ObjectNode node = json.createObjectNode().put("id", item.id).put("name", item.name).put("eTag", item.eTag())
                .put("webUrl", base + "/web/" + drive.id + "/" + item.id);
        node.putObject("parentReference").put("driveId", drive.id).put("id", item.parentId);
        if (item.folder) {
            node.put("size", 0).putObject("folder").put("childCount", drive.children(item).size());
        } else {
            node.put("size", item.content.length).putObject("file").put("mimeType",
                    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
        }
        return node;
    }

    /** One page of a collection; a next page's link carries an opaque token, as Graph's $skiptoken is. */
    private ObjectNode page(List<ObjectNode> all, Map<String, String> query, String path) {
        int size = Math.min(pageSize, query.containsKey("$top") ? Integer.parseInt(query.get("$top")) : pageSize);
        int from = query.containsKey("$skiptoken") ? Integer.parseInt(new String(java.util.Base64.getUrlDecoder()
                .decode(query.get("$skiptoken")), StandardCharsets.UTF_8).substring(5)) : 0;
        ObjectNode out = json.createObjectNode();
        ArrayNode value = out.putArray("value");
        all.subList(Math.min(from, all.size()), Math.min(from + size, all.size())).forEach(value::add);
        if (from + size < all.size()) {
            String token = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(("Paged" + (from + size))
                    .getBytes(StandardCharsets.UTF_8));
            out.put("@odata.nextLink", base + "/v1.0" + path + "?$top=" + size + "&$skiptoken=" + token);
        }
        return out;
    }

    private Answer createFolder(Drive drive, Item parent, JsonNode request) {
        String name = request.path("name").asText();
        if (!request.has("folder") || name.isBlank()) {
            throw new GraphError(400, "invalidRequest", "A folder needs a name and the folder facet.");
        }
        if (drive.child(parent, name) != null && !"replace".equals(request.path("@microsoft.graph.conflictBehavior")
                .asText("fail"))) {
            throw new GraphError(409, "nameAlreadyExists", "The specified item name already exists.");
        }
        String id = addFolder(drive.id, parent.id, name);
        return new Answer(201, item(drive, drive.items.get(id)));
    }

    // ---------------------------------------------------------------- upload sessions

    private Answer createUploadSession(Drive drive, Item parent, String name, byte[] body) throws IOException {
        JsonNode request = body.length == 0 ? json.createObjectNode() : json.readTree(body);
        JsonNode item = request.path("item");
        if (item.has("name") && !item.get("name").asText().equals(name)) {
            throw new GraphError(400, "invalidRequest", "The name in the body must match the name in the path.");
        }
        Upload upload = new Upload();
        upload.driveId = drive.id;
        upload.parentId = parent.id;
        upload.name = name;
        upload.conflictBehavior = item.path("@microsoft.graph.conflictBehavior").asText("fail");
        String token = UUID.randomUUID().toString().replace("-", "");
        uploads.put(token, upload);
        ObjectNode session = json.createObjectNode().put("uploadUrl", base + "/up/" + token)
                .put("expirationDateTime", Instant.now().plusSeconds(900).toString());
        session.putArray("nextExpectedRanges").add("0-");
        return new Answer(200, session);
    }

    private synchronized Object upload(HttpExchange exchange, String method, String token, byte[] body) {
        Upload upload = uploads.get(token);
        if (upload == null) {
            throw new GraphError(404, "itemNotFound", "The upload session was not found.");
        }
        if (exchange.getRequestHeaders().containsKey("Authorization")) {
            throw new GraphError(401, "unauthenticated", "The upload URL is pre-authenticated; an Authorization"
                    + " header is not accepted.");
        }
        switch (method) {
            case "GET":
                return status(upload);
            case "DELETE":
                uploads.remove(token);
                return new Answer(204, null);
            case "PUT":
                return fragment(token, upload, exchange.getRequestHeaders().getFirst("Content-Range"), body);
            default:
                throw new GraphError(405, "invalidRequest", "Method not allowed.");
        }
    }

    private ObjectNode status(Upload upload) {
        ObjectNode status = json.createObjectNode().put("expirationDateTime", Instant.now().plusSeconds(900).toString());
        status.putArray("nextExpectedRanges").add(upload.received.size() + "-" + (upload.total < 0 ? ""
                : Long.toString(upload.total - 1)));
        return status;
    }

    private Answer fragment(String token, Upload upload, String contentRange, byte[] body) {
        fragments.incrementAndGet();
        upload.fragments++;
        if (upload.fragments >= failFragmentsFrom) {
            throw new GraphError(503, "serviceNotAvailable", "The service is temporarily unavailable.");
        }
        Matcher range = contentRange == null ? null : CONTENT_RANGE.matcher(contentRange);
        if (range == null || !range.matches()) {
            throw new GraphError(400, "invalidRange", "The Content-Range header is missing or malformed.");
        }
        long start = Long.parseLong(range.group(1));
        long end = Long.parseLong(range.group(2));
        long total = Long.parseLong(range.group(3));
        if (upload.total >= 0 && total != upload.total) {
            throw new GraphError(400, "invalidRange", "The declared file size changed during the upload session.");
        }
        if (end < start || end >= total || body.length != end - start + 1) {
            throw new GraphError(400, "invalidRange", "The Content-Range does not match the request body.");
        }
        if (body.length >= LARGEST_FRAGMENT) {
            throw new GraphError(413, "requestTooLarge", "A fragment must be smaller than 60 MiB.");
        }
        boolean last = end == total - 1;
        if (!last && body.length % FRAGMENT_UNIT != 0) {
            throw new GraphError(400, "invalidRange", "Fragments must be a multiple of 320 KiB (327,680 bytes).");
        }
        if (start != upload.received.size()) {
            // Bytes received already, or a gap: fragments go in order.
            throw new GraphError(416, "invalidRange", "The uploaded fragment overlaps with data that has already been"
                    + " received, or is not the next expected range.");
        }
        upload.total = total;
        upload.received.writeBytes(body);
        acceptedRanges.add(contentRange);
        if (!last) {
            return new Answer(202, status(upload));
        }
        return commit(token, upload);
    }

    /** The last byte arrived: the file is created or replaced now, and only now. */
    private Answer commit(String token, Upload upload) {
        uploads.remove(token);
        Drive drive = drives.get(upload.driveId);
        Item parent = drive.items.get(upload.parentId);
        Item existing = drive.child(parent, upload.name);
        if (existing != null && existing.folder) {
            throw new GraphError(409, "nameAlreadyExists", "A folder of this name exists.");
        }
        if (existing != null && upload.conflictBehavior.equals("fail")) {
            throw new GraphError(409, "nameAlreadyExists", "Another file exists with the same name as the uploaded"
                    + " session.");
        }
        if (existing != null && upload.conflictBehavior.equals("replace")) {
            existing.content = upload.received.toByteArray();
            existing.version++;
            return new Answer(200, item(drive, existing));
        }
        String name = upload.name;
        for (int n = 1; drive.child(parent, name) != null; n++) {
            int dot = upload.name.lastIndexOf('.');
            name = upload.name.substring(0, dot) + " " + n + upload.name.substring(dot);
        }
        String id = putFile(drive.id, parent.id, name, upload.received.toByteArray());
        return new Answer(201, item(drive, drive.items.get(id)));
    }

    // ---------------------------------------------------------------- workbooks

    private Object workbook(HttpExchange exchange, String method, Drive drive, Item item, String rest, byte[] body)
            throws IOException {
        if (item.folder || !item.name.toLowerCase(java.util.Locale.ROOT).endsWith(".xlsx")) {
            throw new GraphError(400, "notSupported", "The workbook APIs take .xlsx files only.");
        }
        String sessionId = exchange.getRequestHeaders().getFirst("workbook-session-id");
        Session session = sessionId == null ? null : sessions.get(sessionId);
        if (sessionId != null && (session == null || !session.itemId.equals(item.id))) {
            throw new GraphError(404, "invalidSessionReCreatable", "The target session is invalid: it expired or"
                    + " was closed.");
        }
        if (rest.equals("/createSession") && method.equals("POST")) {
            Session made = new Session();
            made.driveId = drive.id;
            made.itemId = item.id;
            made.persistChanges = json.readTree(body).path("persistChanges").asBoolean(false);
            String id = "cluster=PUS7&session=" + UUID.randomUUID();
            sessions.put(id, made);
            return new Answer(201, json.createObjectNode().put("id", id).put("persistChanges", made.persistChanges));
        }
        if (rest.equals("/closeSession") && method.equals("POST")) {
            if (session == null) {
                throw new GraphError(400, "invalidRequest", "The workbook-session-id header is required.");
            }
            sessions.remove(sessionId);
            return new Answer(204, null);
        }
        try (XSSFWorkbook book = new XSSFWorkbook(new ByteArrayInputStream(item.content))) {
            Object answer = worksheets(method, book, rest, body);
            if (!method.equals("GET") && (session == null || session.persistChanges)) {
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                book.write(out);
                item.content = out.toByteArray();
                item.version++;
            }
            return answer;
        }
    }

    private static String sheetId(int index) {
        return String.format("{00000000-%04X-0000-C000-000000000000}", index + 1);
    }

    private Sheet sheet(XSSFWorkbook book, String reference) {
        for (int i = 0; i < book.getNumberOfSheets(); i++) {
            if (sheetId(i).equals(reference) || book.getSheetName(i).equalsIgnoreCase(reference)) {
                return book.getSheetAt(i);
            }
        }
        throw new GraphError(404, "itemNotFound", "The requested resource doesn't exist.");
    }

    private ObjectNode worksheet(XSSFWorkbook book, Sheet sheet) {
        int index = book.getSheetIndex(sheet);
        return json.createObjectNode().put("id", sheetId(index)).put("name", sheet.getSheetName()).put("position", index)
                .put("visibility", "Visible");
    }

    private Object worksheets(String method, XSSFWorkbook book, String rest, byte[] body) throws IOException {
        if (rest.equals("/worksheets") && method.equals("GET")) {
            ObjectNode out = json.createObjectNode();
            ArrayNode value = out.putArray("value");
            book.forEach(s -> value.add(worksheet(book, s)));
            return out;
        }
        if (rest.equals("/worksheets/add") && method.equals("POST")) {
            String name = json.readTree(body).path("name").asText();
            if (book.getSheet(name) != null) {
                throw new GraphError(409, "itemAlreadyExists", "A worksheet with the same name already exists.");
            }
            return new Answer(201, worksheet(book, book.createSheet(name)));
        }
        Matcher call = Pattern.compile("^/worksheets/([^/]+)(/.*)$").matcher(rest);
        if (!call.matches()) {
            throw new GraphError(400, "BadRequest", "Unsupported workbook request " + rest);
        }
        Sheet sheet = sheet(book, decode(call.group(1)));
        String action = decode(call.group(2));
        if (action.startsWith("/usedRange") && method.equals("GET")) {
            return json.createObjectNode().put("address", quoted(sheet) + "!" + usedRange(sheet).formatAsString());
        }
        Matcher range = RANGE_CALL.matcher(action);
        if (!range.find()) {
            throw new GraphError(400, "BadRequest", "Unsupported worksheet request " + action);
        }
        CellRangeAddress address = CellRangeAddress.valueOf(range.group(1));
        if (action.endsWith("/clear") && method.equals("POST")) {
            clear(sheet, address);
            return new Answer(204, null);
        }
        if (method.equals("PATCH")) {
            rangeUpdates.incrementAndGet();
            JsonNode update = json.readTree(body);
            write(book, sheet, address, update.get("values"), update.get("numberFormat"));
            return json.createObjectNode().put("address", quoted(sheet) + "!" + address.formatAsString());
        }
        throw new GraphError(400, "BadRequest", "Unsupported range request " + method + " " + action);
    }

    private static String quoted(Sheet sheet) {
        String name = sheet.getSheetName();
        return name.matches("[A-Za-z_][A-Za-z0-9_]*") ? name : "'" + name.replace("'", "''") + "'";
    }

    /** The smallest range holding every cell with a value; A1 for an empty sheet, as Graph answers. */
    private static CellRangeAddress usedRange(Sheet sheet) {
        int top = Integer.MAX_VALUE, left = Integer.MAX_VALUE, bottom = -1, right = -1;
        for (Row row : sheet) {
            for (Cell cell : row) {
                if (cell.getCellType() != CellType.BLANK) {
                    top = Math.min(top, cell.getRowIndex());
                    bottom = Math.max(bottom, cell.getRowIndex());
                    left = Math.min(left, cell.getColumnIndex());
                    right = Math.max(right, cell.getColumnIndex());
                }
            }
        }
        return bottom < 0 ? new CellRangeAddress(0, 0, 0, 0) : new CellRangeAddress(top, bottom, left, right);
    }

    private static void clear(Sheet sheet, CellRangeAddress address) {
        for (int r = address.getFirstRow(); r <= address.getLastRow(); r++) {
            Row row = sheet.getRow(r);
            for (int c = address.getFirstColumn(); row != null && c <= address.getLastColumn(); c++) {
                Cell cell = row.getCell(c);
                if (cell != null) {
                    cell.setBlank();
                }
            }
        }
    }

    /** Values as Excel takes typed input; the arrays must have the address's shape. */
    private static void write(XSSFWorkbook book, Sheet sheet, CellRangeAddress address, JsonNode values,
            JsonNode formats) {
        int rows = address.getLastRow() - address.getFirstRow() + 1;
        int columns = address.getLastColumn() - address.getFirstColumn() + 1;
        for (JsonNode grid : new JsonNode[] { values, formats }) {
            if (grid != null && (grid.size() != rows || !java.util.stream.StreamSupport.stream(grid.spliterator(), false)
                    .allMatch(r -> r.size() == columns))) {
                throw new GraphError(400, "InvalidArgument", "The number of rows or columns in the input array doesn't"
                        + " match the size or dimensions of the range.");
            }
        }
        Map<String, CellStyle> styles = new HashMap<>();
        for (int r = 0; r < rows; r++) {
            Row row = sheet.getRow(address.getFirstRow() + r);
            if (row == null) {
                row = sheet.createRow(address.getFirstRow() + r);
            }
            for (int c = 0; c < columns; c++) {
                Cell cell = row.getCell(address.getFirstColumn() + c);
                if (cell == null) {
                    cell = row.createCell(address.getFirstColumn() + c);
                }
                if (values != null) {
                    typed(cell, values.get(r).get(c));
                }
                if (formats != null && formats.get(r).get(c).isTextual()) {
                    String format = formats.get(r).get(c).asText();
                    cell.setCellStyle(styles.computeIfAbsent(format, f -> {
                        CellStyle style = book.createCellStyle();
                        style.setDataFormat(book.createDataFormat().getFormat(f));
                        return style;
                    }));
                }
            }
        }
    }

    /** One cell as if typed: null leaves it, "" empties it, "'…" is text, "=…" a formula, numeric text a number. */
    private static void typed(Cell cell, JsonNode value) {
        if (value == null || value.isNull()) {
            return;
        }
        if (value.isNumber()) {
            cell.setCellValue(value.asDouble());
        } else if (value.isBoolean()) {
            cell.setCellValue(value.asBoolean());
        } else {
            String text = value.asText();
            if (text.isEmpty()) {
                cell.setBlank();
            } else if (text.startsWith("'")) {
                cell.setCellValue(text.substring(1));
            } else if (text.startsWith("=") && text.length() > 1) {
                cell.setCellFormula(text.substring(1));
            } else if (text.equalsIgnoreCase("TRUE") || text.equalsIgnoreCase("FALSE")) {
                cell.setCellValue(Boolean.parseBoolean(text));
            } else {
                try {
                    cell.setCellValue(Double.parseDouble(text.strip()));
                } catch (NumberFormatException notNumeric) {
                    cell.setCellValue(text);
                }
            }
        }
    }

    private static String decode(String raw) {
        return URLDecoder.decode(raw.replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    /** The cell at an A1 reference of a sheet in an .xlsx, as text ("=…" for a formula); null when empty. */
    public static String cellText(byte[] xlsx, String sheetName, String reference) {
        try (XSSFWorkbook book = new XSSFWorkbook(new ByteArrayInputStream(xlsx))) {
            Sheet sheet = book.getSheet(sheetName);
            CellReference at = new CellReference(reference);
            Row row = sheet == null ? null : sheet.getRow(at.getRow());
            Cell cell = row == null ? null : row.getCell(at.getCol());
            if (cell == null || cell.getCellType() == CellType.BLANK) {
                return null;
            }
            return switch (cell.getCellType()) {
                case FORMULA -> "=" + cell.getCellFormula();
                case NUMERIC -> {
                    double number = cell.getNumericCellValue();
                    yield number == Math.rint(number) && Math.abs(number) < 1e15 ? Long.toString((long) number)
                            : Double.toString(number);
                }
                case BOOLEAN -> Boolean.toString(cell.getBooleanCellValue()).toUpperCase(java.util.Locale.ROOT);
                default -> cell.getStringCellValue();
            };
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The sheets of an .xlsx, in order. */
    public static List<String> sheetNames(byte[] xlsx) {
        try (XSSFWorkbook book = new XSSFWorkbook(new ByteArrayInputStream(xlsx))) {
            List<String> names = new ArrayList<>();
            book.forEach(s -> names.add(s.getSheetName()));
            return names;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
