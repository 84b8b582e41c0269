package io.rowflow.publish;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.junit.QuarkusIntegrationTest;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.rowflow.testing.Api;
import io.rowflow.testing.FakeApi;
import io.rowflow.testing.SignedOut;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * A million rows published by the packaged application and read back through its secret addresses as a BI tool
 * would: every row arrives, exactly, and the application's heap (sampled from its own metrics while the rows stream
 * out) stays where it was, since the files are streamed from disk. Prints the figures.
 */
@QuarkusIntegrationTest
@SignedOut
class PublishedMillionRowsIT {
    static final int ROWS = 1_000_000;
    static final String SCRAPE_TOKEN = "it-scrape-token";

    @Test
    void aMillionRowsStreamOutWithTheHeapFlat() throws Exception {
        if (given().get("/api/v1/auth/setup").then().statusCode(200).extract().<Boolean>path("setupNeeded")) {
            given().contentType(ContentType.JSON)
                    .body(Map.of("email", Api.ADMIN_EMAIL, "name", "Admin", "password", Api.ADMIN_PASSWORD))
                    .post("/api/v1/auth/setup").then().statusCode(201);
        }
        RestAssured.requestSpecification = Api.bearer(Api.createToken(Api.ADMIN_EMAIL, Api.ADMIN_PASSWORD));
        StringBuilder csv = new StringBuilder("id,amount,day\n");
        for (int i = 1; i <= ROWS; i++) {
            csv.append(i).append(',').append(i / 100).append('.').append(String.format(Locale.ROOT, "%02d", i % 100))
                    .append(",2026-").append(String.format(Locale.ROOT, "%02d", 1 + i % 12)).append("-15\n");
        }
        FakeApi.shared().putFile("/files/million.csv", csv.toString());
        String connection = Api.createConnection("csv-url", Map.of("url", FakeApi.shared().url("/files/million.csv")));
        String flow = given().contentType(ContentType.JSON).body(Map.of("name", "a million published", "sources",
                List.of(Map.of("connectionId", connection)), "destinations", List.of(Map.of("type", "published"))))
                .post("/api/v1/flows").then().statusCode(201).extract().path("id");
        Api.runSucceeds(flow);
        JsonPath urls = given().get("/api/v1/flows/" + flow + "/destinations/0/publication").then().statusCode(200)
                .extract().jsonPath();

        long before = heapUsed();
        for (String format : List.of("csvUrl", "jsonUrl")) {
            AtomicBoolean streaming = new AtomicBoolean(true);
            AtomicLong highest = new AtomicLong(heapUsed());
            Thread sampler = new Thread(() -> {
                while (streaming.get()) {
                    highest.accumulateAndGet(heapUsed(), Math::max);
                    try {
                        Thread.sleep(100);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            });
            sampler.start();
            long started = System.nanoTime();
            long lines = 0;
            long bytes = 0;
            String last = null;
            HttpResponse<java.io.InputStream> answer = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create(urls.getString(format))).build(), HttpResponse.BodyHandlers.ofInputStream());
            assertThat(answer.statusCode()).isEqualTo(200);
            try (BufferedReader reader = new BufferedReader(new InputStreamReader(answer.body(), StandardCharsets.UTF_8))) {
                for (String line; (line = reader.readLine()) != null;) {
                    lines++;
                    bytes += line.length() + 1;
                    last = line;
                }
            }
            streaming.set(false);
            sampler.join();
            System.out.printf(Locale.ROOT, "published %s: %,d rows, %.1f MiB in %.2f s; the app's heap used %d MiB"
                    + " before, at most %d MiB while streaming%n", format, ROWS, bytes / 1048576.0,
                    (System.nanoTime() - started) / 1e9, before >> 20, highest.get() >> 20);
            if (format.equals("csvUrl")) {
                assertThat(lines).isEqualTo(ROWS + 1);
                assertThat(last).isEqualTo("1000000,10000.00,2026-05-15");
            } else {
                assertThat(lines).isGreaterThanOrEqualTo(1);
                assertThat(last).endsWith("{\"id\":1000000,\"amount\":10000.00,\"day\":\"2026-05-15\"}]");
            }
        }
    }

    /**
     * The application's heap in use, from its Prometheus metrics: asked with a plain client, since the suite's
     * request specification already carries an API token in the Authorization header.
     */
    private static long heapUsed() {
        try {
            HttpResponse<String> metrics = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
                    RestAssured.baseURI + ":" + RestAssured.port + "/q/metrics")).header("Authorization", "Bearer "
                            + SCRAPE_TOKEN).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(metrics.statusCode()).as("/q/metrics").isEqualTo(200);
            return metrics.body().lines().filter(l -> l.startsWith("jvm_memory_used_bytes{")
                    && l.contains("area=\"heap\"")).mapToLong(l -> (long) Double.parseDouble(l.substring(
                            l.lastIndexOf(' ') + 1))).sum();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
