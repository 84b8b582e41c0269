package io.rowflow.testing;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A stateful local stand-in for the HTTP endpoints users point Rowflow at: CSV files, and a JSON API with four real
 * pagination styles (next link in the body, Link header, offset/limit with a server-side page-size cap, page numbers,
 * opaque cursors). Failures are scripted per path: 429 with Retry-After, 500s, slow or oversized bodies.
 */
public final class FakeApi implements AutoCloseable {
    private static FakeApi shared;

    private final HttpServer server;
    private final ObjectMapper mapper = new ObjectMapper();
    private final Map<String, byte[]> files = new ConcurrentHashMap<>();
    private final Map<String, String> fileTypes = new ConcurrentHashMap<>();
    private final Map<String, Deque<Failure>> failures = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> hits = new ConcurrentHashMap<>();
    private final Map<String, Integer> cursorPositions = new ConcurrentHashMap<>();
    private final List<ObjectNode> records = new ArrayList<>();
    /** The offset endpoint answers at most this many records whatever limit is asked, as real APIs do. */
    public static final int OFFSET_PAGE_CAP = 7;
    public static final int PAGE_SIZE = 5;
    /** The bearer token /json/private accepts. */
    public static final String PRIVATE_TOKEN = "s3cr3t-token-42";

    public record Failure(int status, String retryAfter, String body) {
    }

    public static synchronized FakeApi shared() {
        if (shared == null) {
            shared = new FakeApi(23);
        }
        return shared;
    }

    public FakeApi(int recordCount) {
        for (int i = 0; i < recordCount; i++) {
            records.add(record(i));
        }
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        server.setExecutor(Executors.newCachedThreadPool(r -> {
            Thread thread = new Thread(r, "fake-api");
            thread.setDaemon(true);
            return thread;
        }));
        server.createContext("/", this::handle);
        server.start();
    }

    /** The records the JSON endpoints serve, in order. */
    public List<ObjectNode> records() {
        return records;
    }

    private ObjectNode record(int i) {
        ObjectNode node = mapper.createObjectNode();
        node.put("id", 1000 + i);
        node.put("name", i % 3 == 0 ? "Zoë \"Z\" Ünïcode ✓ " + i : "name " + i);
        ObjectNode address = node.putObject("address");
        address.put("city", i % 2 == 0 ? "Berlin" : "Köln");
        address.putObject("geo").put("lat", 52.5 + i / 100.0);
        ArrayNode tags = node.putArray("tags");
        tags.add("t" + i).add(i);
        node.put("active", i % 2 == 0);
        node.put("created", String.format("2024-01-%02dT10:15:30Z", 1 + i % 28));
        node.put("day", String.format("2024-02-%02d", 1 + i % 28));
        node.put("amount", i * 1.25);
        node.put("externalId", 1234567890123456700L + i);
        node.put("code", String.format("%05d", i));
        if (i % 4 == 0) {
            node.putNull("note");
        } else {
            node.put("note", "=HYPERLINK(\"http://x\")");
        }
        return node;
    }

    public String url(String path) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    public void putFile(String path, byte[] content, String contentType) {
        files.put(path, content);
        fileTypes.put(path, contentType);
    }

    public void putFile(String path, String content) {
        putFile(path, content.getBytes(StandardCharsets.UTF_8), "text/csv; charset=utf-8");
    }

    /** The next {@code times} requests to {@code path} answer with this failure instead. */
    public void failNext(String path, int times, Failure failure) {
        Deque<Failure> queue = failures.computeIfAbsent(path, p -> new ArrayDeque<>());
        synchronized (queue) {
            for (int i = 0; i < times; i++) {
                queue.add(failure);
            }
        }
    }

    public int hits(String path) {
        return hits.computeIfAbsent(path, p -> new AtomicInteger()).get();
    }

    public void resetHits() {
        hits.clear();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            URI uri = exchange.getRequestURI();
            String path = uri.getPath();
            hits.computeIfAbsent(path, p -> new AtomicInteger()).incrementAndGet();
            Deque<Failure> queue = failures.get(path);
            Failure failure = null;
            if (queue != null) {
                synchronized (queue) {
                    failure = queue.poll();
                }
            }
            if (failure != null) {
                if (failure.retryAfter() != null) {
                    exchange.getResponseHeaders().add("Retry-After", failure.retryAfter());
                }
                send(exchange, failure.status(), "application/json", failure.body().getBytes(StandardCharsets.UTF_8));
                return;
            }
            Map<String, String> query = query(uri.getRawQuery());
            if (path.startsWith("/redirect/")) {
                // Without a target it redirects to itself: an endless loop.
                exchange.getResponseHeaders().add("Location", query.getOrDefault("to", path));
                send(exchange, 302, "text/plain", new byte[0]);
                return;
            }
            if (path.equals("/slow.csv")) {
                // A source that takes its time: for runs that outlast their schedule's interval.
                try {
                    Thread.sleep(Long.parseLong(query.getOrDefault("ms", "1000")));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                send(exchange, 200, "text/csv", "id\n1\n".getBytes(StandardCharsets.UTF_8));
                return;
            }
            if (path.equals("/big")) {
                streamBig(exchange, Long.parseLong(query.getOrDefault("bytes", "1000000")));
                return;
            }
            if (files.containsKey(path)) {
                send(exchange, 200, fileTypes.get(path), files.get(path));
                return;
            }
            switch (path) {
                case "/json/next-link" -> nextLink(exchange, query, false);
                case "/json/link-header" -> nextLink(exchange, query, true);
                case "/json/offset" -> offset(exchange, query);
                case "/json/page" -> page(exchange, query);
                case "/json/cursor" -> cursor(exchange, query);
                case "/json/all" -> sendJson(exchange, mapper.createArrayNode().addAll(records));
                case "/json/private" -> {
                    String auth = exchange.getRequestHeaders().getFirst("Authorization");
                    if (!("Bearer " + PRIVATE_TOKEN).equals(auth)) {
                        send(exchange, 401, "application/json", ("{\"error\":\"invalid_token\","
                                + "\"message\":\"The access token is missing or invalid\"}").getBytes(StandardCharsets.UTF_8));
                    } else {
                        sendJson(exchange, mapper.createObjectNode().set("data", mapper.createArrayNode().addAll(slice(0, 3))));
                    }
                }
                default -> send(exchange, 404, "application/json",
                        "{\"error\":\"not_found\",\"message\":\"No such path\"}".getBytes(StandardCharsets.UTF_8));
            }
        }
    }

    private void nextLink(HttpExchange exchange, Map<String, String> query, boolean header) throws IOException {
        int page = Integer.parseInt(query.getOrDefault("p", "0"));
        int from = page * PAGE_SIZE;
        ObjectNode body = mapper.createObjectNode();
        body.putObject("data").putArray("items").addAll(slice(from, PAGE_SIZE));
        boolean more = from + PAGE_SIZE < records.size();
        String next = more ? "/json/" + (header ? "link-header" : "next-link") + "?p=" + (page + 1) : null;
        if (header) {
            if (next != null) {
                exchange.getResponseHeaders().add("Link", "<" + url(next) + ">; rel=\"next\", <" + url("/json/link-header?p=0")
                        + ">; rel=\"first\"");
            }
        } else {
            body.putObject("links").put("next", next);
        }
        sendJson(exchange, body);
    }

    private void offset(HttpExchange exchange, Map<String, String> query) throws IOException {
        int offset = Integer.parseInt(query.getOrDefault("offset", "0"));
        int limit = Math.min(Integer.parseInt(query.getOrDefault("limit", "10")), OFFSET_PAGE_CAP);
        ObjectNode body = mapper.createObjectNode();
        body.putArray("results").addAll(slice(offset, limit));
        body.put("total", records.size());
        sendJson(exchange, body);
    }

    private void page(HttpExchange exchange, Map<String, String> query) throws IOException {
        int page = Integer.parseInt(query.getOrDefault("page", "1"));
        ObjectNode body = mapper.createObjectNode();
        body.putArray("items").addAll(slice((page - 1) * PAGE_SIZE, PAGE_SIZE));
        sendJson(exchange, body);
    }

    private void cursor(HttpExchange exchange, Map<String, String> query) throws IOException {
        String cursor = query.get("cursor");
        int from = 0;
        if (cursor != null) {
            Integer position = cursorPositions.get(cursor);
            if (position == null) {
                send(exchange, 400, "application/json",
                        "{\"error\":\"invalid_cursor\"}".getBytes(StandardCharsets.UTF_8));
                return;
            }
            from = position;
        }
        ObjectNode body = mapper.createObjectNode();
        body.putArray("records").addAll(slice(from, PAGE_SIZE));
        ObjectNode meta = body.putObject("meta");
        if (from + PAGE_SIZE < records.size()) {
            String token = UUID.randomUUID().toString().replace("-", "");
            cursorPositions.put(token, from + PAGE_SIZE);
            meta.put("next_cursor", token);
        } else {
            meta.putNull("next_cursor");
        }
        sendJson(exchange, body);
    }

    private List<ObjectNode> slice(int from, int count) {
        if (from >= records.size()) {
            return List.of();
        }
        return records.subList(from, Math.min(records.size(), from + count));
    }

    private void streamBig(HttpExchange exchange, long bytes) throws IOException {
        exchange.getResponseHeaders().add("Content-Type", "text/csv");
        exchange.sendResponseHeaders(200, 0);
        byte[] line = "a,b,c\n".getBytes(StandardCharsets.UTF_8);
        try (OutputStream out = exchange.getResponseBody()) {
            for (long written = 0; written < bytes; written += line.length) {
                out.write(line);
            }
        } catch (IOException clientGaveUp) {
            // The client stopped reading at its size cap.
        }
    }

    private void sendJson(HttpExchange exchange, Object body) throws IOException {
        send(exchange, 200, "application/json", mapper.writeValueAsBytes(body));
    }

    private static void send(HttpExchange exchange, int status, String type, byte[] body) throws IOException {
        exchange.getResponseHeaders().add("Content-Type", type);
        exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        if (body.length > 0) {
            exchange.getResponseBody().write(body);
        }
    }

    private static Map<String, String> query(String raw) {
        return FakeHttp.query(raw);
    }

    @Override
    public void close() {
        server.stop(0);
    }

}
