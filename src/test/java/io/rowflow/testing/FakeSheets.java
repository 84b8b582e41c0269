package io.rowflow.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.math.BigDecimal;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A stateful fake of the Google Sheets API v4 (and the corner of Drive that lists spreadsheets), after
 * shared/reference/apis.md §1: spreadsheets of tabs (grids with a row and column count; writing outside one is a 400),
 * cells holding a number, a string, a boolean or a formula with a number format and a note; {@code values.get} rendered
 * as FORMULA, UNFORMATTED_VALUE or FORMATTED_VALUE; {@code values.update} and {@code values.append} taking RAW input
 * (stored as sent) or USER_ENTERED (a leading = makes a formula, numeric text a number); {@code spreadsheets.batchUpdate}
 * applied as one change — all its requests or none — under the same lock as reads, so a reader never sees half of it;
 * deleting a tab turns formulas elsewhere that reference it into #REF!, as Sheets does; developer metadata; a write
 * quota per token and minute answering 429 RESOURCE_EXHAUSTED, and scripted 429s. Google sign-in (authorization code
 * with PKCE, refresh) and service-account tokens (a JWT signed with the key's private key, checked against its public
 * key) come from the same server.
 */
public final class FakeSheets implements QuarkusTestResourceLifecycleManager {
    public static final String CLIENT_ID = "rowflow-google-client.apps.googleusercontent.com";
    public static final String CLIENT_SECRET = "GOCSPX-google-test-secret-0123456789";
    public static final String SERVICE_ACCOUNT = "rowflow-writer@rowflow-test.iam.gserviceaccount.com";
    private static final Pattern A1 = Pattern.compile("^(?:'((?:[^']|'')+)'|([^!]+))(?:!([A-Z]*)(\\d*)(?::([A-Z]*)(\\d*))?)?$");
    private static FakeSheets running;

    private final ObjectMapper json = new ObjectMapper();
    private HttpServer server;
    private String base;
    public final FakeAuthorizationServer oauth = new FakeAuthorizationServer(CLIENT_ID, CLIENT_SECRET, 3600, false,
            (code, message) -> Map.of("error", code, "error_description", message));
    private final Map<String, Book> books = new ConcurrentHashMap<>();
    private final Map<String, Long> serviceTokens = new ConcurrentHashMap<>();
    private final Map<String, List<Long>> writesByToken = new ConcurrentHashMap<>();
    private final KeyPair serviceKey;
    /** Drive answers its file list with a plain 404 page, as Google's front end does for an API it does not serve. */
    public volatile boolean driveNotFound;
    /** Write requests a token may make per minute (Google's default: 60 per user). */
    public volatile int writesPerMinute = 100_000;
    private final AtomicInteger scripted429 = new AtomicInteger();
    private final AtomicInteger scriptedRead429 = new AtomicInteger();
    private final AtomicInteger refuseValues = new AtomicInteger();
    /** Requests answered (a refusal is an answer). */
    public final AtomicInteger requests = new AtomicInteger();
    public final AtomicInteger writeRequests = new AtomicInteger();
    public final AtomicInteger tooManyRequests = new AtomicInteger();
    public final AtomicInteger tokenRequests = new AtomicInteger();
    /** Write requests whose connection was closed without an answer (not counted in {@link #requests}). */
    public final AtomicInteger dropped = new AtomicInteger();
    private final AtomicInteger dropWrites = new AtomicInteger();
    public final AtomicLong bytesReceived = new AtomicLong();
    public final AtomicLong largestBody = new AtomicLong();
    /** The largest request body once uncompressed: what Google's 2 MB recommendation is about. */
    public final AtomicLong largestPayload = new AtomicLong();
    /** Request bodies once uncompressed, in all. */
    public final AtomicLong payloadBytes = new AtomicLong();
    /** Rows of cell values received: in values.update and values.append, and in updateCells requests. */
    public final AtomicLong rowsReceived = new AtomicLong();
    private final Map<String, String> refuseBatch = new ConcurrentHashMap<>();
    private final Map<String, List<List<TabView>>> watched = new ConcurrentHashMap<>();

    public FakeSheets() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            serviceKey = generator.generateKeyPair();
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    public static FakeSheets running() {
        return running;
    }

    @Override
    public Map<String, String> start() {
        server = FakeHttp.serve(this::handle);
        base = FakeHttp.baseUrl(server);
        running = this;
        Map<String, String> settings = oauth.settings("google-sheets", base + "/o/oauth2/v2/auth", base + "/token");
        settings.put("rowflow.sheets.root-url", base + "/");
        settings.put("rowflow.sheets.drive-root-url", base + "/");
        settings.put("rowflow.sheets.token-url", base + "/token");
        return settings;
    }

    /** Starts on its own (benchmarks): answers its base URL. */
    public String startAlone() {
        start();
        return base;
    }

    @Override
    public void stop() {
        server.stop(0);
    }

    /**
     * A service account's JSON key in the Google Cloud console's format, for this fake's token endpoint. Its RSA key
     * pair is generated when the fake is made: nothing secret is stored in the sources.
     */
    public String serviceAccountKey() {
        String pem = pem("PRIVATE KEY", serviceKey.getPrivate().getEncoded());
        ObjectNode key = json.createObjectNode().put("type", "service_account").put("project_id", "rowflow-test")
                .put("private_key_id", "0123456789abcdef").put("private_key", pem).put("client_email", SERVICE_ACCOUNT)
                .put("client_id", "1234567890").put("auth_uri", base + "/o/oauth2/auth").put("token_uri", base + "/token");
        return key.toString();
    }

    /** Some characters of the generated private key, for the tests that check secrets never reach logs. */
    public String privateKeyFragment() {
        return Base64.getEncoder().encodeToString(serviceKey.getPrivate().getEncoded()).substring(66, 126); // within one line of the PEM
    }

    /** DER bytes in PEM armor, as key files carry them. */
    private static String pem(String label, byte[] der) {
        return "-----BEGIN " + label + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(der)
                + "\n-----END " + label + "-----\n";
    }

    /** A token for a reader outside Rowflow (a BI tool polling the sheet). */
    public String issueToken() {
        String token = "ya29.reader-" + UUID.randomUUID();
        serviceTokens.put(token, System.nanoTime() + 3_600_000_000_000L);
        return token;
    }

    public String baseUrl() {
        return base;
    }

    /** The next values.update answers 400, as for a payload Google will not take. */
    public void refuseNextValuesUpdate() {
        refuseValues.set(1);
    }

    /**
     * The next batchUpdate on this spreadsheet that holds a request of this kind ("deleteSheet", "copyPaste"…) answers
     * 400 INVALID_ARGUMENT, as Google does for a request it cannot apply; like every refused batch, none of it applies.
     */
    public void refuseNextBatchWith(String spreadsheetId, String requestKind) {
        refuseBatch.put(spreadsheetId, requestKind);
    }

    /** A tab as seen between two calls: its title, whether hidden, and how many rows hold a value. */
    public record TabView(String title, boolean hidden, int filledRows) {
    }

    /**
     * From now on, after every call on this spreadsheet that Google answered, the tabs as anyone could see them then
     * (the list returned grows as calls come in).
     */
    public List<List<TabView>> watchTabs(String spreadsheetId) {
        List<List<TabView>> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
        watched.put(spreadsheetId, seen);
        return seen;
    }

    /**
     * Everything the spreadsheet holds, as text: tabs in order with their ids, titles, visibility and grid size, every
     * cell (value, format, note) and the developer metadata. Two equal snapshots are the same spreadsheet.
     */
    public String snapshot(String spreadsheetId) {
        Book book = books.get(spreadsheetId);
        synchronized (book) {
            StringBuilder out = new StringBuilder();
            for (Tab t : book.tabs) {
                out.append("tab ").append(t.sheetId).append(' ').append(t.title).append(t.hidden ? " hidden " : " ")
                        .append(t.rows).append('x').append(t.columns).append('\n');
                new java.util.TreeMap<>(t.cells).forEach((at, cell) -> out.append(at >> 16).append(',').append(at & 0xFFFF)
                        .append('=').append(cell).append('\n'));
                t.metadata.forEach(m -> out.append(m).append('\n'));
            }
            return out.toString();
        }
    }

    /** A tab as a user adds one: an empty grid of this size. */
    public void addTab(String spreadsheetId, String title, int rows, int columns) {
        Book book = books.get(spreadsheetId);
        synchronized (book) {
            addTab(book, title, rows, columns, false);
        }
    }

    /** The next {@code count} write requests get no answer: the connection closes, as a server's idle timeout does. */
    public void dropNextWrites(int count) {
        dropWrites.set(count);
    }

    /** The next {@code count} read requests answer 429 RESOURCE_EXHAUSTED, for the per-minute read quota. */
    public void throttleNextReads(int count) {
        scriptedRead429.set(count);
    }

    /** The next {@code count} write requests answer 429 RESOURCE_EXHAUSTED. */
    public void throttleNext(int count) {
        scripted429.set(count);
    }

    // ---------------------------------------------------------------- the model

    /** A cell: its value (BigDecimal, String, Boolean or Formula), number format pattern and note. */
    public record Cell(Object value, String format, String note) {
    }

    public record Formula(String text) {
    }

    static final class Tab {
        int sheetId;
        String title;
        boolean hidden;
        int rows;
        int columns;
        final Map<Long, Cell> cells = new HashMap<>();
        final List<ObjectNode> metadata = new ArrayList<>();

        static long at(int row, int column) {
            return ((long) row << 16) | column;
        }

        Tab copy() {
            Tab t = new Tab();
            t.sheetId = sheetId;
            t.title = title;
            t.hidden = hidden;
            t.rows = rows;
            t.columns = columns;
            t.cells.putAll(cells);
            metadata.forEach(m -> t.metadata.add(m.deepCopy()));
            return t;
        }
    }

    static final class Book {
        String id;
        String title;
        List<Tab> tabs = new ArrayList<>();
        int nextSheetId = 1;
        int nextMetadataId = 1;

        Tab tab(String title) {
            return tabs.stream().filter(t -> t.title.equals(title)).findFirst().orElse(null);
        }

        Tab tab(int sheetId) {
            return tabs.stream().filter(t -> t.sheetId == sheetId).findFirst().orElse(null);
        }
    }

    /** Thrown while applying a request: the whole call answers 400 with Google's error body. */
    static final class Refused extends RuntimeException {
        Refused(String message) {
            super(message);
        }
    }

    /** A spreadsheet made as a user would: one tab "Sheet1" of 1000 rows and 26 columns. */
    public String create(String title) {
        Book book = new Book();
        book.id = UUID.randomUUID().toString().replace("-", "") + "Xy_z";
        book.title = title;
        Tab first = new Tab();
        first.sheetId = 0;
        first.title = "Sheet1";
        first.rows = 1000;
        first.columns = 26;
        book.tabs.add(first);
        books.put(book.id, book);
        return book.id;
    }

    /** A user's own edit, as USER_ENTERED input: text starting with = becomes a formula. */
    public void type(String spreadsheetId, String tab, int row, int column, String text) {
        Book book = books.get(spreadsheetId);
        synchronized (book) {
            Tab t = book.tab(tab);
            if (t == null) {
                t = addTab(book, tab, 1000, 26, false);
            }
            t.cells.put(Tab.at(row, column), new Cell(userEntered(text), null, null));
        }
    }

    /** The tab's cells as the user sees them (rows × columns of values; formulas as Formula), trailing blanks dropped. */
    public List<List<Object>> grid(String spreadsheetId, String tab) {
        Book book = books.get(spreadsheetId);
        synchronized (book) {
            Tab t = book.tab(tab);
            return t == null ? null : values(t, 0, 0, t.rows, t.columns, "RAW_CELLS");
        }
    }

    public List<String> tabs(String spreadsheetId) {
        Book book = books.get(spreadsheetId);
        synchronized (book) {
            return book.tabs.stream().map(t -> t.title).toList();
        }
    }

    public Cell cell(String spreadsheetId, String tab, int row, int column) {
        Book book = books.get(spreadsheetId);
        synchronized (book) {
            return book.tab(tab).cells.get(Tab.at(row, column));
        }
    }

    public int[] gridSize(String spreadsheetId, String tab) {
        Book book = books.get(spreadsheetId);
        synchronized (book) {
            Tab t = book.tab(tab);
            return new int[] { t.rows, t.columns };
        }
    }

    private Tab addTab(Book book, String title, int rows, int columns, boolean hidden) {
        if (book.tab(title) != null) {
            throw new Refused("Invalid requests[0].addSheet: A sheet with the name \"" + title + "\" already exists."
                    + " Please enter another name.");
        }
        Tab t = new Tab();
        t.sheetId = book.nextSheetId++ * 1_000_003 % 2_000_000_000;
        t.title = title;
        t.rows = rows;
        t.columns = columns;
        t.hidden = hidden;
        book.tabs.add(t);
        return t;
    }

    private static Object userEntered(String text) {
        if (text.startsWith("=")) {
            return new Formula(text);
        }
        try {
            return new BigDecimal(text);
        } catch (NumberFormatException e) {
            return text.equalsIgnoreCase("TRUE") ? Boolean.TRUE : text.equalsIgnoreCase("FALSE") ? Boolean.FALSE : text;
        }
    }

    // ---------------------------------------------------------------- HTTP

    private void handle(HttpExchange exchange) throws IOException {
        requests.incrementAndGet();
        try {
            byte[] body = exchange.getRequestBody().readAllBytes();
            bytesReceived.addAndGet(body.length);
            largestBody.accumulateAndGet(body.length, Math::max);
            if ("gzip".equalsIgnoreCase(exchange.getRequestHeaders().getFirst("Content-Encoding"))) {
                // Google's client compresses request bodies, as Google's servers accept.
                body = new java.util.zip.GZIPInputStream(new java.io.ByteArrayInputStream(body)).readAllBytes();
            }
            largestPayload.accumulateAndGet(body.length, Math::max);
            payloadBytes.addAndGet(body.length);
            String path = exchange.getRequestURI().getRawPath();
            String method = exchange.getRequestMethod();
            Map<String, String> query = FakeHttp.query(exchange.getRequestURI().getRawQuery());
            if (path.equals("/o/oauth2/v2/auth")) {
                oauth.authorize(exchange);
                return;
            }
            if (path.equals("/token")) {
                token(exchange, body);
                return;
            }
            String auth = exchange.getRequestHeaders().getFirst("Authorization");
            String bearer = auth != null && auth.startsWith("Bearer ") ? auth.substring(7) : null;
            Long serviceExpiry = bearer == null ? null : serviceTokens.get(bearer);
            boolean valid = oauth.check(bearer) == FakeAuthorizationServer.Access.VALID
                    || (serviceExpiry != null && serviceExpiry > System.nanoTime());
            if (!valid) {
                error(exchange, 401, "Request had invalid authentication credentials. Expected OAuth 2 access token,"
                        + " login cookie or other valid authentication credential.", "UNAUTHENTICATED");
                return;
            }
            if (!method.equals("GET") && dropWrites.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                requests.decrementAndGet();
                dropped.incrementAndGet();
                return; // closing the exchange unanswered closes the connection
            }
            if (method.equals("GET") && scriptedRead429.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                tooManyRequests.incrementAndGet();
                error(exchange, 429, "Quota exceeded for quota metric 'Read requests' and limit 'Read requests per"
                        + " minute per user' of service 'sheets.googleapis.com' for consumer 'project_number:1234'.",
                        "RESOURCE_EXHAUSTED");
                return;
            }
            if (!method.equals("GET")) {
                writeRequests.incrementAndGet();
                if (scripted429.getAndUpdate(n -> Math.max(0, n - 1)) > 0 || !withinQuota(bearer)) {
                    tooManyRequests.incrementAndGet();
                    error(exchange, 429, "Quota exceeded for quota metric 'Write requests' and limit 'Write requests per"
                            + " minute per user' of service 'sheets.googleapis.com' for consumer 'project_number:1234'.",
                            "RESOURCE_EXHAUSTED");
                    return;
                }
            }
            if (path.equals("/drive/v3/files") && method.equals("GET") && driveNotFound) {
                byte[] page = "<!DOCTYPE html><html lang=en><title>Error 404 (Not Found)!!1</title><p><b>404.</b> That’s an error."
                        .getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().set("Content-Type", "text/html; charset=UTF-8");
                exchange.sendResponseHeaders(404, page.length);
                exchange.getResponseBody().write(page);
                return;
            }
            if (path.equals("/drive/v3/files") && method.equals("GET")) {
                ObjectNode out = json.createObjectNode();
                ArrayNode files = out.putArray("files");
                books.values().forEach(b -> files.addObject().put("id", b.id).put("name", b.title)
                        .put("mimeType", "application/vnd.google-apps.spreadsheet"));
                FakeHttp.json(exchange, 200, out, Map.of());
                return;
            }
            if (path.equals("/v4/spreadsheets") && method.equals("POST")) {
                JsonNode request = json.readTree(body);
                String id = create(request.path("properties").path("title").asText("Untitled spreadsheet"));
                FakeHttp.json(exchange, 200, spreadsheet(books.get(id), false), Map.of());
                return;
            }
            Matcher m = Pattern.compile("^/v4/spreadsheets/([^/:]+)(:batchUpdate|/values:batchGet|/values/(.+?)(:append)?)?$")
                    .matcher(path);
            if (!m.matches()) {
                error(exchange, 404, "Not found: " + path, "NOT_FOUND");
                return;
            }
            Book book = books.get(m.group(1));
            if (book == null) {
                error(exchange, 404, "Requested entity was not found.", "NOT_FOUND");
                return;
            }
            synchronized (book) {
                try {
                    List<String> ranges = repeated(exchange.getRequestURI().getRawQuery(), "ranges");
                    if (m.group(2) == null && method.equals("GET") && !ranges.isEmpty()
                            && query.getOrDefault("fields", "").contains("effectiveFormat")) {
                        FakeHttp.json(exchange, 200, formats(book, ranges), Map.of());
                    } else if (m.group(2) == null && method.equals("GET")) {
                        FakeHttp.json(exchange, 200, spreadsheet(book, "true".equals(query.get("includeGridData"))), Map.of());
                    } else if ("/values:batchGet".equals(m.group(2)) && method.equals("GET")) {
                        batchGets.incrementAndGet();
                        FakeHttp.json(exchange, 200, batchGet(book, ranges, query.getOrDefault("valueRenderOption",
                                "FORMATTED_VALUE"), query.getOrDefault("dateTimeRenderOption", "SERIAL_NUMBER")), Map.of());
                    } else if (":batchUpdate".equals(m.group(2))) {
                        JsonNode requests = json.readTree(body);
                        String refused = refuseBatch.get(book.id);
                        if (refused != null && java.util.stream.StreamSupport.stream(requests.path("requests")
                                .spliterator(), false).anyMatch(r -> r.has(refused))) {
                            refuseBatch.remove(book.id);
                            throw new Refused("Invalid requests: the " + refused + " request was refused (scripted by"
                                    + " the test)");
                        }
                        FakeHttp.json(exchange, 200, batchUpdate(book, requests), Map.of());
                    } else if (m.group(3) != null) {
                        String range = URLDecoder.decode(m.group(3), StandardCharsets.UTF_8);
                        if (method.equals("GET")) {
                            FakeHttp.json(exchange, 200, getValues(book, range, query.getOrDefault("valueRenderOption",
                                    "FORMATTED_VALUE")), Map.of());
                        } else if (refuseValues.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                            error(exchange, 400, "Invalid values[0][0]: the request was refused (scripted by the test)",
                                    "INVALID_ARGUMENT");
                        } else {
                            FakeHttp.json(exchange, 200, putValues(book, range, json.readTree(body), query.getOrDefault(
                                    "valueInputOption", ""), m.group(4) != null), Map.of());
                        }
                    } else {
                        error(exchange, 404, "Not found", "NOT_FOUND");
                    }
                } catch (Refused e) {
                    error(exchange, 400, e.getMessage(), "INVALID_ARGUMENT");
                } catch (RuntimeException | IOException e) {
                    // A bug of the fake, shown to the test rather than as a dropped connection.
                    e.printStackTrace();
                    error(exchange, 500, "fake failed: " + e, "INTERNAL");
                } finally {
                    List<List<TabView>> seen = watched.get(book.id);
                    if (seen != null) {
                        seen.add(book.tabs.stream().map(t -> new TabView(t.title, t.hidden, values(t, 0, 0, t.rows,
                                t.columns, "RAW_CELLS").size())).toList());
                    }
                }
            }
        } finally {
            exchange.close();
        }
    }

    private synchronized boolean withinQuota(String token) {
        List<Long> times = writesByToken.computeIfAbsent(token, k -> new ArrayList<>());
        long now = System.nanoTime();
        times.removeIf(t -> now - t >= 60_000_000_000L);
        if (times.size() >= writesPerMinute) {
            return false;
        }
        times.add(now);
        return true;
    }

    /** The token endpoint: Google sign-in (authorization code, refresh), and service accounts' signed JWTs. */
    private void token(HttpExchange exchange, byte[] body) throws IOException {
        tokenRequests.incrementAndGet();
        Map<String, String> form = FakeHttp.query(new String(body, StandardCharsets.UTF_8));
        if (!"urn:ietf:params:oauth:grant-type:jwt-bearer".equals(form.get("grant_type"))) {
            oauth.token(exchange, body);
            return;
        }
        String[] parts = form.getOrDefault("assertion", "").split("\\.");
        try {
            Signature verifier = Signature.getInstance("SHA256withRSA");
            verifier.initVerify(serviceKey.getPublic());
            verifier.update((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
            JsonNode claims = json.readTree(Base64.getUrlDecoder().decode(parts[1]));
            if (!verifier.verify(Base64.getUrlDecoder().decode(parts[2])) || !SERVICE_ACCOUNT.equals(claims.path("iss")
                    .asText()) || !claims.path("scope").asText().contains("auth/spreadsheets")
                    || !"https://oauth2.googleapis.com/token".equals(claims.path("aud").asText())) {
                FakeHttp.json(exchange, 400, Map.of("error", "invalid_grant", "error_description", "Invalid JWT Signature."),
                        Map.of());
                return;
            }
        } catch (Exception e) {
            FakeHttp.json(exchange, 400, Map.of("error", "invalid_grant", "error_description", "Invalid JWT: "
                    + e.getMessage()), Map.of());
            return;
        }
        String token = "ya29.service-" + UUID.randomUUID();
        serviceTokens.put(token, System.nanoTime() + 3_600_000_000_000L);
        FakeHttp.json(exchange, 200, Map.of("access_token", token, "token_type", "Bearer", "expires_in", 3599), Map.of());
    }

    private void error(HttpExchange exchange, int status, String message, String reason) throws IOException {
        ObjectNode body = json.createObjectNode();
        body.putObject("error").put("code", status).put("message", message).put("status", reason);
        FakeHttp.json(exchange, status, body, Map.of());
    }

    // ---------------------------------------------------------------- spreadsheets.get

    private ObjectNode spreadsheet(Book book, boolean gridData) {
        ObjectNode out = json.createObjectNode().put("spreadsheetId", book.id)
                .put("spreadsheetUrl", "https://docs.google.com/spreadsheets/d/" + book.id + "/edit");
        out.putObject("properties").put("title", book.title).put("locale", "en_US").put("timeZone", "Etc/GMT");
        ArrayNode sheets = out.putArray("sheets");
        for (int i = 0; i < book.tabs.size(); i++) {
            Tab t = book.tabs.get(i);
            ObjectNode sheet = sheets.addObject();
            ObjectNode props = sheet.putObject("properties").put("sheetId", t.sheetId).put("title", t.title).put("index", i)
                    .put("sheetType", "GRID");
            if (t.hidden) {
                props.put("hidden", true);
            }
            props.putObject("gridProperties").put("rowCount", t.rows).put("columnCount", t.columns);
            if (!t.metadata.isEmpty()) {
                ArrayNode metadata = sheet.putArray("developerMetadata");
                t.metadata.forEach(metadata::add);
            }
            if (gridData) {
                ArrayNode rows = sheet.putArray("data").addObject().putArray("rowData");
                for (List<Object> row : values(t, 0, 0, t.rows, t.columns, "RAW_CELLS")) {
                    ArrayNode cells = rows.addObject().putArray("values");
                    for (Object v : row) {
                        ObjectNode cell = cells.addObject();
                        if (v instanceof Cell c) {
                            ObjectNode entered = cell.putObject("userEnteredValue");
                            if (c.value() instanceof Formula f) {
                                entered.put("formulaValue", f.text());
                            } else if (c.value() instanceof BigDecimal n) {
                                entered.put("numberValue", n);
                            } else if (c.value() instanceof Boolean b) {
                                entered.put("boolValue", b);
                            } else if (c.value() != null) {
                                entered.put("stringValue", c.value().toString());
                            }
                        }
                    }
                }
            }
        }
        return out;
    }

    // ---------------------------------------------------------------- values

    /** A range: its tab and its rectangle, 0-based with exclusive ends, clipped to the grid when open-ended. */
    private record Range(Tab tab, int row, int column, int endRow, int endColumn) {
    }

    private Range range(Book book, String a1) {
        Matcher m = A1.matcher(a1);
        if (!m.matches()) {
            throw new Refused("Unable to parse range: " + a1);
        }
        String title = m.group(1) != null ? m.group(1).replace("''", "'") : m.group(2);
        Tab tab = book.tab(title);
        if (tab == null) {
            throw new Refused("Unable to parse range: " + a1);
        }
        if (m.group(3) == null) {
            return new Range(tab, 0, 0, tab.rows, tab.columns);
        }
        int column = m.group(3).isEmpty() ? 0 : column(m.group(3));
        int row = m.group(4).isEmpty() ? 0 : Integer.parseInt(m.group(4)) - 1;
        int endColumn = m.group(5) == null ? column + 1 : m.group(5).isEmpty() ? tab.columns : column(m.group(5)) + 1;
        int endRow = m.group(5) == null ? (m.group(4).isEmpty() ? tab.rows : row + 1)
                : m.group(6).isEmpty() ? tab.rows : Integer.parseInt(m.group(6));
        return new Range(tab, row, column, endRow, endColumn);
    }

    private static int column(String letters) {
        int n = 0;
        for (char c : letters.toCharArray()) {
            n = n * 26 + (c - 'A' + 1);
        }
        return n - 1;
    }

    /** Rows of cell values in the rectangle; "RAW_CELLS" gives the Cell objects themselves. Trailing blanks dropped. */
    private List<List<Object>> values(Tab t, int row, int column, int endRow, int endColumn, String render) {
        List<List<Object>> rows = new ArrayList<>();
        int lastRow = -1;
        for (int r = row; r < Math.min(endRow, t.rows); r++) {
            List<Object> out = new ArrayList<>();
            int last = -1;
            for (int c = column; c < Math.min(endColumn, t.columns); c++) {
                Cell cell = t.cells.get(Tab.at(r, c));
                Object v = cell == null || cell.value() == null ? null : render(cell, render);
                out.add(v);
                if (v != null) {
                    last = out.size() - 1;
                }
            }
            List<Object> trimmed = new ArrayList<>(out.subList(0, last + 1));
            rows.add(trimmed);
            if (!trimmed.isEmpty()) {
                lastRow = rows.size() - 1;
            }
        }
        return new ArrayList<>(rows.subList(0, lastRow + 1));
    }

    private static Object render(Cell cell, String render) {
        Object v = cell.value();
        return switch (render) {
            case "RAW_CELLS" -> cell;
            case "FORMULA" -> v instanceof Formula f ? f.text() : v;
            case "UNFORMATTED_VALUE" -> v instanceof Formula ? "#N/A (not computed by the fake)" : v;
            case "UNFORMATTED_DATES_FORMATTED" -> v instanceof BigDecimal n && cell.format() != null
                    && !formatType(cell.format()).equals("NUMBER") ? render(cell, "FORMATTED_VALUE") : render(cell,
                            "UNFORMATTED_VALUE");
            default -> v instanceof Formula ? "#N/A (not computed by the fake)" : v instanceof BigDecimal n
                    ? (cell.format() != null && cell.format().startsWith("yyyy") ? java.time.LocalDate.of(1899, 12, 30)
                            .plusDays(n.longValue()).toString() : n.stripTrailingZeros().toPlainString())
                    : v instanceof Boolean b ? (b ? "TRUE" : "FALSE") : v;
        };
    }

    private ObjectNode getValues(Book book, String a1, String render) {
        Range r = range(book, a1);
        ObjectNode out = json.createObjectNode().put("range", a1).put("majorDimension", "ROWS");
        List<List<Object>> rows = values(r.tab(), r.row(), r.column(), r.endRow(), r.endColumn(), render);
        if (!rows.isEmpty()) {
            out.set("values", json.valueToTree(rows));
        }
        return out;
    }

    /** Every value of a repeated query parameter ({@code ranges=a&ranges=b}), decoded, in order. */
    private static List<String> repeated(String rawQuery, String name) {
        List<String> values = new ArrayList<>();
        if (rawQuery != null) {
            for (String pair : rawQuery.split("&")) {
                String[] kv = pair.split("=", 2);
                if (URLDecoder.decode(kv[0], StandardCharsets.UTF_8).equals(name) && kv.length > 1) {
                    values.add(URLDecoder.decode(kv[1], StandardCharsets.UTF_8));
                }
            }
        }
        return values;
    }

    /**
     * spreadsheets.values.batchGet, after
     * https://developers.google.com/sheets/api/reference/rest/v4/spreadsheets.values/batchGet: one ValueRange per
     * requested range, in the order asked ({@code {spreadsheetId, valueRanges: [{range, majorDimension, values}]}}).
     * With UNFORMATTED_VALUE, a date cell is its serial number (days since 1899-12-30, the time of day as the fraction)
     * when dateTimeRenderOption is SERIAL_NUMBER, and its formatted text with FORMATTED_STRING
     * (https://developers.google.com/sheets/api/reference/rest/v4/DateTimeRenderOption).
     */
    private ObjectNode batchGet(Book book, List<String> ranges, String render, String dateTime) {
        ObjectNode out = json.createObjectNode().put("spreadsheetId", book.id);
        ArrayNode valueRanges = out.putArray("valueRanges");
        for (String a1 : ranges) {
            ObjectNode one = getValues(book, a1, render);
            if ("UNFORMATTED_VALUE".equals(render) && "FORMATTED_STRING".equals(dateTime) && one.has("values")) {
                Range r = range(book, a1);
                one.set("values", json.valueToTree(values(r.tab(), r.row(), r.column(), r.endRow(), r.endColumn(),
                        "UNFORMATTED_DATES_FORMATTED")));
            }
            valueRanges.add(one);
        }
        return out;
    }

    /**
     * spreadsheets.get with ranges and a fields mask asking for cells' effective number formats
     * ({@code sheets(properties.title,data(startRow,startColumn,rowData.values.effectiveFormat.numberFormat))}), after
     * https://developers.google.com/sheets/api/reference/rest/v4/spreadsheets/get and the CellFormat.numberFormat of
     * https://developers.google.com/sheets/api/reference/rest/v4/spreadsheets/cells#NumberFormat: a sheet per range
     * asked, its GridData with the range's start and, per cell, {@code {}} when the cell has no number format, else
     * {@code effectiveFormat.numberFormat {type, pattern}} (type one of NUMBER, DATE, TIME, DATE_TIME…).
     */
    private ObjectNode formats(Book book, List<String> ranges) {
        ObjectNode out = json.createObjectNode();
        ArrayNode sheets = out.putArray("sheets");
        Map<String, ArrayNode> dataByTab = new java.util.LinkedHashMap<>();
        for (String a1 : ranges) {
            Range r = range(book, a1);
            ArrayNode data = dataByTab.computeIfAbsent(r.tab().title, title -> {
                ObjectNode sheet = sheets.addObject();
                sheet.putObject("properties").put("title", title);
                return sheet.putArray("data");
            });
            ObjectNode grid = data.addObject();
            if (r.row() > 0) {
                grid.put("startRow", r.row()); // zero values are left out of Google's JSON
            }
            if (r.column() > 0) {
                grid.put("startColumn", r.column());
            }
            ArrayNode rows = grid.putArray("rowData");
            for (int row = r.row(); row < Math.min(r.endRow(), r.tab().rows); row++) {
                ArrayNode cells = rows.addObject().putArray("values");
                for (int column = r.column(); column < Math.min(r.endColumn(), r.tab().columns); column++) {
                    ObjectNode cell = cells.addObject();
                    Cell c = r.tab().cells.get(Tab.at(row, column));
                    if (c != null && c.format() != null) {
                        cell.putObject("effectiveFormat").putObject("numberFormat").put("type", formatType(c.format()))
                                .put("pattern", c.format());
                    }
                }
            }
        }
        return out;
    }

    /** The NumberFormatType Sheets gives a pattern: a date, a time, both, or a number. */
    static String formatType(String pattern) {
        String bare = pattern.replaceAll("\"[^\"]*\"", "").toLowerCase(java.util.Locale.ROOT);
        boolean date = bare.contains("y") || bare.contains("d");
        boolean time = bare.contains("h") || bare.contains("s");
        return date && time ? "DATE_TIME" : date ? "DATE" : time ? "TIME" : "NUMBER";
    }

    /** A value with its number format, as a user sets one in the Format menu. */
    public void put(String spreadsheetId, String tab, int row, int column, Object value, String format) {
        Book book = books.get(spreadsheetId);
        synchronized (book) {
            Tab t = book.tab(tab);
            if (t == null) {
                t = addTab(book, tab, 1000, 26, false);
            }
            t.cells.put(Tab.at(row, column), new Cell(value, format, null));
        }
    }

    /** values.batchGet calls answered. */
    public final AtomicInteger batchGets = new AtomicInteger();

    private ObjectNode putValues(Book book, String a1, JsonNode body, String input, boolean append) {
        if (!input.equals("RAW") && !input.equals("USER_ENTERED")) {
            throw new Refused("Invalid valueInputOption: INPUT_VALUE_OPTION_UNSPECIFIED");
        }
        Range r = range(book, a1);
        JsonNode rows = body.path("values");
        int row = r.row();
        if (append) {
            // After the last row holding data in the range's columns.
            row = values(r.tab(), 0, r.column(), r.tab().rows, r.endColumn(), "RAW_CELLS").size();
            r.tab().rows = Math.max(r.tab().rows, row + rows.size());
        } else if (rows.size() > r.endRow() - r.row() || max(rows) > r.endColumn() - r.column()) {
            throw new Refused("Requested writing within range [" + a1 + "], but tried writing to row [" + (r.row()
                    + rows.size()) + "]");
        }
        if (row + rows.size() > r.tab().rows || r.column() + max(rows) > r.tab().columns) {
            throw new Refused("Range (" + r.tab().title + "!" + a1 + ") exceeds grid limits. Max rows: " + r.tab().rows
                    + ", max columns: " + r.tab().columns);
        }
        int cells = 0;
        rowsReceived.addAndGet(rows.size());
        for (int i = 0; i < rows.size(); i++) {
            JsonNode values = rows.get(i);
            for (int j = 0; j < values.size(); j++) {
                JsonNode v = values.get(j);
                if (v.isNull()) {
                    continue; // null leaves the cell as it is
                }
                Object value = v.isNumber() ? v.decimalValue() : v.isBoolean() ? v.booleanValue()
                        : input.equals("RAW") ? v.asText() : userEntered(v.asText());
                long at = Tab.at(row + i, r.column() + j);
                Cell old = r.tab().cells.get(at);
                r.tab().cells.put(at, new Cell(v.asText().isEmpty() && !v.isNumber() ? null : value,
                        old == null ? null : old.format(), old == null ? null : old.note()));
                cells++;
            }
        }
        ObjectNode out = json.createObjectNode().put("spreadsheetId", book.id).put("updatedRange", a1)
                .put("updatedRows", rows.size()).put("updatedColumns", max(rows)).put("updatedCells", cells);
        if (append) {
            ObjectNode wrapper = json.createObjectNode().put("spreadsheetId", book.id);
            wrapper.set("updates", out);
            return wrapper;
        }
        return out;
    }

    private static int max(JsonNode rows) {
        int max = 0;
        for (JsonNode r : rows) {
            max = Math.max(max, r.size());
        }
        return max;
    }

    // ---------------------------------------------------------------- batchUpdate

    /** All the requests, or none: they are applied to a copy that replaces the spreadsheet only if all succeed. */
    private ObjectNode batchUpdate(Book book, JsonNode body) {
        List<Tab> working = new ArrayList<>();
        book.tabs.forEach(t -> working.add(t.copy()));
        Book draft = new Book();
        draft.id = book.id;
        draft.title = book.title;
        draft.tabs = working;
        draft.nextSheetId = book.nextSheetId;
        draft.nextMetadataId = book.nextMetadataId;
        ObjectNode out = json.createObjectNode().put("spreadsheetId", book.id);
        ArrayNode replies = out.putArray("replies");
        int index = 0;
        for (JsonNode request : body.path("requests")) {
            try {
                replies.add(apply(draft, request));
            } catch (Refused e) {
                throw new Refused("Invalid requests[" + index + "]: " + e.getMessage());
            }
            index++;
        }
        book.tabs = draft.tabs;
        book.nextSheetId = draft.nextSheetId;
        book.nextMetadataId = draft.nextMetadataId;
        return out;
    }

    private ObjectNode apply(Book book, JsonNode request) {
        ObjectNode reply = json.createObjectNode();
        if (request.has("addSheet")) {
            JsonNode props = request.get("addSheet").path("properties");
            Tab t = addTab(book, props.path("title").asText("Sheet" + (book.tabs.size() + 1)),
                    props.path("gridProperties").path("rowCount").asInt(1000),
                    props.path("gridProperties").path("columnCount").asInt(26), props.path("hidden").asBoolean(false));
            reply.putObject("addSheet").putObject("properties").put("sheetId", t.sheetId).put("title", t.title)
                    .put("hidden", t.hidden).putObject("gridProperties").put("rowCount", t.rows).put("columnCount", t.columns);
        } else if (request.has("deleteSheet")) {
            Tab t = tab(book, request.get("deleteSheet").path("sheetId").asInt());
            book.tabs.remove(t);
            // Formulas that pointed at the deleted tab break, as in Sheets.
            String reference = "(?:'" + Pattern.quote(t.title.replace("'", "''")) + "'|" + Pattern.quote(t.title) + ")!";
            for (Tab other : book.tabs) {
                other.cells.replaceAll((at, cell) -> cell.value() instanceof Formula f && Pattern.compile(reference)
                        .matcher(f.text()).find() ? new Cell(new Formula(f.text().replaceAll(reference + "[A-Z]*\\d*(:[A-Z]*\\d*)?",
                                "#REF!")), cell.format(), cell.note()) : cell);
            }
        } else if (request.has("updateSheetProperties")) {
            JsonNode props = request.get("updateSheetProperties").path("properties");
            Tab t = tab(book, props.path("sheetId").asInt());
            String fields = request.get("updateSheetProperties").path("fields").asText();
            if (fields.contains("gridProperties.rowCount")) {
                t.rows = props.path("gridProperties").path("rowCount").asInt();
            }
            if (fields.contains("gridProperties.columnCount")) {
                t.columns = props.path("gridProperties").path("columnCount").asInt();
            }
            if (fields.contains("hidden")) {
                t.hidden = props.path("hidden").asBoolean();
            }
            if (fields.contains("title")) {
                String title = props.path("title").asText();
                if (book.tabs.stream().anyMatch(other -> other != t && other.title.equals(title))) {
                    throw new Refused("updateSheetProperties: A sheet with the name \"" + title + "\" already exists."
                            + " Please enter another name.");
                }
                t.title = title;
            }
            t.cells.keySet().removeIf(at -> (int) (at >> 16) >= t.rows || (int) (at & 0xFFFF) >= t.columns);
        } else if (request.has("copyPaste")) {
            JsonNode copy = request.get("copyPaste");
            Range from = gridRange(book, copy.path("source"));
            Range to = gridRange(book, copy.path("destination"));
            boolean valuesOnly = copy.path("pasteType").asText("PASTE_NORMAL").equals("PASTE_VALUES");
            int rows = from.endRow() - from.row();
            int columns = from.endColumn() - from.column();
            if (to.row() + rows > to.tab().rows || to.column() + columns > to.tab().columns) {
                throw new Refused("copyPaste: the destination exceeds the grid of \"" + to.tab().title + "\"");
            }
            Map<Long, Cell> block = new HashMap<>();
            for (int r = 0; r < rows; r++) {
                for (int c = 0; c < columns; c++) {
                    block.put(Tab.at(r, c), from.tab().cells.get(Tab.at(from.row() + r, from.column() + c)));
                }
            }
            block.forEach((at, cell) -> {
                long target = Tab.at(to.row() + (int) (at >> 16), to.column() + (int) (at & 0xFFFF));
                Cell old = to.tab().cells.get(target);
                Cell placed = valuesOnly ? new Cell(cell == null ? null : cell.value(), old == null ? null : old.format(),
                        old == null ? null : old.note()) : cell == null ? null : new Cell(cell.value(), cell.format(),
                                old == null ? null : old.note());
                if (placed == null || (placed.value() == null && placed.format() == null && placed.note() == null)) {
                    to.tab().cells.remove(target);
                } else {
                    to.tab().cells.put(target, placed);
                }
            });
        } else if (request.has("updateCells")) {
            JsonNode update = request.get("updateCells");
            String fields = update.path("fields").asText();
            if (update.has("range")) {
                Range r = gridRange(book, update.get("range"));
                for (int row = r.row(); row < r.endRow(); row++) {
                    for (int c = r.column(); c < r.endColumn(); c++) {
                        Cell old = r.tab().cells.remove(Tab.at(row, c));
                        Cell kept = old == null ? null : new Cell(fields.contains("userEnteredValue") ? null : old.value(),
                                fields.contains("userEnteredFormat") ? null : old.format(), fields.contains("note") ? null
                                        : old.note());
                        if (kept != null && (kept.value() != null || kept.format() != null || kept.note() != null)) {
                            r.tab().cells.put(Tab.at(row, c), kept);
                        }
                    }
                }
            } else {
                JsonNode start = update.path("start");
                Tab t = tab(book, start.path("sheetId").asInt());
                int row = start.path("rowIndex").asInt();
                rowsReceived.addAndGet(update.path("rows").size());
                for (JsonNode rowData : update.path("rows")) {
                    int c = start.path("columnIndex").asInt();
                    for (JsonNode cell : rowData.path("values")) {
                        if (row >= t.rows || c >= t.columns) {
                            throw new Refused("updateCells: outside the grid of \"" + t.title + "\"");
                        }
                        Cell old = t.cells.get(Tab.at(row, c));
                        Object value = old == null ? null : old.value();
                        if (fields.contains("userEnteredValue")) {
                            JsonNode v = cell.path("userEnteredValue");
                            value = v.has("numberValue") ? v.get("numberValue").decimalValue() : v.has("boolValue")
                                    ? (Object) v.get("boolValue").asBoolean() : v.has("formulaValue")
                                            ? new Formula(v.get("formulaValue").asText()) : v.has("stringValue")
                                                    ? v.get("stringValue").asText() : null;
                        }
                        String note = fields.contains("note") ? cell.path("note").asText(null) : old == null ? null : old.note();
                        t.cells.put(Tab.at(row, c), new Cell(value, old == null ? null : old.format(), note));
                        c++;
                    }
                    row++;
                }
            }
        } else if (request.has("repeatCell")) {
            Range r = gridRange(book, request.get("repeatCell").path("range"));
            String pattern = request.get("repeatCell").path("cell").path("userEnteredFormat").path("numberFormat")
                    .path("pattern").asText(null);
            for (int row = r.row(); row < r.endRow(); row++) {
                for (int c = r.column(); c < r.endColumn(); c++) {
                    Cell old = r.tab().cells.get(Tab.at(row, c));
                    r.tab().cells.put(Tab.at(row, c), new Cell(old == null ? null : old.value(), pattern,
                            old == null ? null : old.note()));
                }
            }
        } else if (request.has("createDeveloperMetadata")) {
            JsonNode m = request.get("createDeveloperMetadata").path("developerMetadata");
            Tab t = tab(book, m.path("location").path("sheetId").asInt());
            ObjectNode stored = m.deepCopy();
            stored.put("metadataId", book.nextMetadataId++);
            stored.putObject("location").put("locationType", "SHEET").put("sheetId", t.sheetId);
            t.metadata.add(stored);
            reply.putObject("createDeveloperMetadata").set("developerMetadata", stored);
        } else if (request.has("deleteDeveloperMetadata")) {
            int id = request.get("deleteDeveloperMetadata").path("dataFilter").path("developerMetadataLookup")
                    .path("metadataId").asInt();
            book.tabs.forEach(t -> t.metadata.removeIf(m -> m.path("metadataId").asInt() == id));
        } else {
            throw new Refused("this fake does not implement " + request.fieldNames().next());
        }
        return reply;
    }

    private static Tab tab(Book book, int sheetId) {
        Tab t = book.tab(sheetId);
        if (t == null) {
            throw new Refused("No grid with id: " + sheetId);
        }
        return t;
    }

    private static Range gridRange(Book book, JsonNode range) {
        Tab t = tab(book, range.path("sheetId").asInt());
        Range r = new Range(t, range.path("startRowIndex").asInt(0), range.path("startColumnIndex").asInt(0),
                range.path("endRowIndex").asInt(t.rows), range.path("endColumnIndex").asInt(t.columns));
        if (r.endRow() > t.rows || r.endColumn() > t.columns) {
            throw new Refused("Range ('" + t.title + "'!R" + (r.row() + 1) + "C" + (r.column() + 1) + ":R" + r.endRow()
                    + "C" + r.endColumn() + ") exceeds grid limits. Max rows: " + t.rows + ", max columns: " + t.columns);
        }
        return r;
    }

    /**
     * The writer's settings against a fake at {@code base}: quotas out of the way (the fake keeps its own) and the
     * given first backoff after a refusal.
     */
    public static io.rowflow.google.SheetsConfig writerConfig(String base, java.time.Duration initialBackoff) {
        return new io.rowflow.google.SheetsConfig() {
            @Override
            public String rootUrl() {
                return base + "/";
            }

            @Override
            public String driveRootUrl() {
                return base + "/";
            }

            @Override
            public String tokenUrl() {
                return base + "/token";
            }

            @Override
            public int writesPerMinutePerUser() {
                return 1_000_000;
            }

            @Override
            public int writesPerMinute() {
                return 1_000_000;
            }

            @Override
            public int chunkBytes() {
                return 1_800_000;
            }

            @Override
            public java.time.Duration initialBackoff() {
                return initialBackoff;
            }
        };
    }
}
