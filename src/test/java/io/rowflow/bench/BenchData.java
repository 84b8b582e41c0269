package io.rowflow.bench;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.sun.net.httpserver.HttpServer;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.net.InetSocketAddress;
import java.util.concurrent.Executors;

/**
 * Serves N generated rows × 20 mixed-type columns as paginated JSON on loopback ({@code /rows?page=k}, next link in
 * the body). The pages are generated into files before any pipeline runs and then served as they are: a real API's
 * server does not spend this machine's two cores, so the fixture must not either while a pipeline is measured.
 */
final class BenchData implements AutoCloseable {
    static final String[] CITIES = { "Berlin", "Köln", "Zürich", "Paris", "Lyon", "Kraków", "Wien", "São Paulo" };
    static final String[] COUNTRIES = { "DE", "CH", "FR", "PL", "AT", "BR" };
    static final String[] STATUSES = { "new", "active", "paused", "churned" };
    /** "00" to "99": the fixture must not be the bottleneck it measures (String.format is slow). */
    static final String[] TWO_DIGITS = new String[100];

    static {
        for (int i = 0; i < 100; i++) {
            TWO_DIGITS[i] = (i < 10 ? "0" : "") + i;
        }
    }

    private final HttpServer server;
    private final long rows;
    private final int pageSize;
    private final Path pages;

    BenchData(long rows, int pageSize) throws IOException {
        this.rows = rows;
        this.pageSize = pageSize;
        this.pages = Files.createTempDirectory("rowflow-bench-pages");
        JsonFactory factory = new JsonFactory();
        for (long page = 0; page * pageSize < Math.max(rows, 1); page++) {
            try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(pageFile(page)), 1 << 16);
                    JsonGenerator json = factory.createGenerator(out)) {
                writePage(json, page);
            }
        }
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(Executors.newFixedThreadPool(2, r -> {
            Thread thread = new Thread(r, "bench-data");
            thread.setDaemon(true);
            return thread;
        }));
        server.createContext("/rows", exchange -> {
            String query = exchange.getRequestURI().getQuery();
            long page = query == null ? 0 : Long.parseLong(query.replace("page=", ""));
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            Path file = pageFile(page);
            exchange.sendResponseHeaders(200, Files.size(file));
            try (OutputStream out = exchange.getResponseBody()) {
                Files.copy(file, out);
            }
        });
        server.start();
    }

    private Path pageFile(long page) {
        return pages.resolve(page + ".json");
    }

    String firstPage() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/rows?page=0";
    }

    private void writePage(JsonGenerator json, long page) throws IOException {
        long from = page * pageSize;
        long to = Math.min(rows, from + pageSize);
        json.writeStartObject();
        json.writeArrayFieldStart("data");
        for (long i = from; i < to; i++) {
            writeRow(json, i);
        }
        json.writeEndArray();
        if (to < rows) {
            json.writeStringField("next", "/rows?page=" + (page + 1));
        } else {
            json.writeNullField("next");
        }
        json.writeEndObject();
    }

    static void writeRow(JsonGenerator json, long i) throws IOException {
        int day = (int) (i % 28) + 1;
        int month = (int) (i % 12) + 1;
        json.writeStartObject();
        json.writeNumberField("id", i);
        json.writeStringField("name", "Customer " + i);
        json.writeStringField("email", "user" + i + "@example.com");
        json.writeStringField("city", CITIES[(int) (i % CITIES.length)]);
        json.writeStringField("country", COUNTRIES[(int) (i % COUNTRIES.length)]);
        long cents = i % 100_000;
        json.writeFieldName("amount");
        json.writeRawValue(cents / 100 + "." + TWO_DIGITS[(int) (cents % 100)]);
        json.writeNumberField("quantity", i % 50);
        json.writeBooleanField("active", i % 3 == 0);
        String date = "2024-" + TWO_DIGITS[month] + "-" + TWO_DIGITS[day];
        json.writeStringField("created", date + "T" + TWO_DIGITS[(int) (i % 24)] + ":" + TWO_DIGITS[(int) (i % 60)] + ":"
                + TWO_DIGITS[(int) ((i * 7) % 60)] + "Z");
        json.writeStringField("day", date);
        json.writeNumberField("score", (i % 1000) / 10.0);
        json.writeStringField("category", "cat-" + (i % 17));
        String sku = Long.toString(i % 1_000_000);
        json.writeStringField("sku", "000000".substring(sku.length()) + sku);
        json.writeStringField("note", i % 7 == 0 ? "Zoë ✓ \"quoted\" " + i : "n" + i);
        json.writeNumberField("externalId", 1_000_000_000_000_000_000L + i);
        json.writeNumberField("lat", 47.0 + (i % 1000) / 1000.0);
        json.writeNumberField("lng", 8.0 + (i % 997) / 997.0);
        json.writeStringField("status", STATUSES[(int) (i % STATUSES.length)]);
        json.writeNumberField("ratio", (i % 101) / 100.0);
        json.writeStringField("tag", i % 5 == 0 ? "=SUM(A1:A2)" : "t" + (i % 5));
        json.writeEndObject();
    }

    @Override
    public void close() throws IOException {
        server.stop(0);
        try (var files = Files.list(pages)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                Files.delete(file);
            }
        }
        Files.delete(pages);
    }
}
