package io.rowflow.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;

/**
 * How the built UI is served: the page (at / and at any UI route) is revalidated on every load, so that an upgrade
 * reaches the browser; the hashed bundle is kept for a year; both go out gzip-compressed to a browser that accepts it.
 * Uses WebUiTest's profile, so Quinoa builds the UI once for both.
 */
@QuarkusTest
@TestProfile(WebUiTest.WebUi.class)
class UiServingTest {
    static final Pattern SCRIPT = Pattern.compile("src=\"(/assets/[^\"]+\\.js)\"");

    @TestHTTPResource("/")
    URL root;

    final HttpClient http = HttpClient.newHttpClient();

    HttpResponse<byte[]> get(String path, boolean gzip) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + root.getPort() + path))
                .header("Accept", "text/html,*/*");
        if (gzip) {
            request.header("Accept-Encoding", "gzip");
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    static String gunzip(byte[] body) throws Exception {
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(body))) {
            return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        }
    }

    @Test
    void thePageIsRevalidatedAtEveryAddressAndTheHashedBundleKeptForAYear() throws Exception {
        HttpResponse<byte[]> page = get("/", false);
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("Cache-Control")).contains("no-cache");
        String html = new String(page.body(), java.nio.charset.StandardCharsets.UTF_8);
        Matcher script = SCRIPT.matcher(html);
        assertThat(script.find()).as("index.html names its bundle: " + html).isTrue();

        for (String route : new String[] {"/flows", "/flows/new", "/connections", "/index.html"}) {
            HttpResponse<byte[]> answer = get(route, false);
            assertThat(answer.statusCode()).as(route).isEqualTo(200);
            assertThat(answer.headers().firstValue("Cache-Control")).as(route).contains("no-cache");
            assertThat(answer.headers().firstValue("Content-Type")).as(route).hasValueSatisfying(
                    type -> assertThat(type).startsWith("text/html"));
        }

        HttpResponse<byte[]> bundle = get(script.group(1), false);
        assertThat(bundle.statusCode()).isEqualTo(200);
        assertThat(bundle.headers().firstValue("Cache-Control")).contains("public, max-age=31536000, immutable");
        assertThat(bundle.headers().firstValue("Content-Encoding").filter(e -> !e.equals("identity"))).isEmpty();

        // A missing asset is an error, not something to keep for a year.
        HttpResponse<byte[]> missing = get("/assets/no-such-file-0000.js", false);
        assertThat(missing.statusCode()).isEqualTo(404);
        assertThat(missing.headers().firstValue("Cache-Control").orElse("")).doesNotContain("immutable");
    }

    @Test
    void theBundleAndThePageGoOutCompressedToABrowserThatAcceptsGzip() throws Exception {
        HttpResponse<byte[]> page = get("/flows", true);
        assertThat(page.headers().firstValue("Content-Encoding")).contains("gzip");
        String html = gunzip(page.body());
        Matcher script = SCRIPT.matcher(html);
        assertThat(script.find()).as(html).isTrue();

        HttpResponse<byte[]> plain = get(script.group(1), false);
        HttpResponse<byte[]> compressed = get(script.group(1), true);
        assertThat(compressed.headers().firstValue("Content-Encoding")).contains("gzip");
        assertThat(compressed.headers().firstValue("Cache-Control")).contains("public, max-age=31536000, immutable");
        assertThat(gunzip(compressed.body())).isEqualTo(new String(plain.body(), java.nio.charset.StandardCharsets.UTF_8));
        assertThat(compressed.body().length).as("compressed size").isLessThan(plain.body().length / 2);
        System.out.printf("UI bundle %s: %d bytes, %d gzip-compressed%n", script.group(1), plain.body().length,
                compressed.body().length);
    }
}
