package io.rowflow.publish;

import io.rowflow.common.digest.Digests;
import io.rowflow.common.error.NotFoundException;
import io.rowflow.common.error.TooManyRequestsException;
import io.rowflow.common.ratelimit.TokenBuckets;
import jakarta.annotation.security.PermitAll;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * A flow's latest result at its secret URL, for BI tools (Power BI, Looker Studio, Tableau, Excel's "From Web") and
 * plain {@code curl}: no sign-in, the token is the key. Files are streamed from disk, so memory stays flat at any size;
 * {@code ETag} and {@code Last-Modified} let a tool ask again cheaply (304 when nothing changed).
 */
@Path(PublishedResource.PATH)
@Tag(name = "Published results", description = "A flow's latest result at a secret URL")
public class PublishedResource {
    static final String PATH = "/api/v1/published";
    private static final byte[] OPEN = "[".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] COMMA = ",\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] CLOSE = "]\n".getBytes(StandardCharsets.US_ASCII);

    private final PublicationService publications;
    private final TokenBuckets perUrl;

    public PublishedResource(PublicationService publications, PublishConfig config) {
        this.publications = publications;
        this.perUrl = new TokenBuckets(config.requestsPerMinute());
    }

    @GET
    @PermitAll
    @Path("{token}.{format}")
    @Produces({ "text/csv", "application/json", "application/x-ndjson", "application/problem+json" })
    @Operation(summary = "Read a published result",
            description = "The flow's latest result as CSV (.csv), a JSON array (.json) or newline-delimited JSON"
                    + " (.ndjson). 404 until the first successful run, and at once for a replaced token. Honours"
                    + " If-None-Match and If-Modified-Since with 304. Limited per URL (429 with Retry-After).")
    public Response read(@PathParam("token") String token, @PathParam("format") String extension,
            @HeaderParam("If-None-Match") String ifNoneMatch, @HeaderParam("If-Modified-Since") String ifModifiedSince)
            throws IOException {
        PublicationService.Format format = PublicationService.Format.of(extension);
        perUrl.take(Digests.sha256(token)).ifPresent(wait -> {
            throw new TooManyRequestsException("This published URL answers " + perUrl.perMinute() + " requests a"
                    + " minute; ask again later", wait);
        });
        java.nio.file.Path file = publications.file(token, format).orElseThrow(() -> new NotFoundException(
                "Nothing is published at this address: the flow has not written its result yet, or the address was"
                        + " replaced. Copy the current address from the flow's destination."));
        BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
        Instant modified = attributes.lastModifiedTime().toInstant();
        String etag = "\"" + Digests.sha256(format + ":" + modified.toEpochMilli() + ":" + modified.getNano() + ":"
                + attributes.size()).substring(0, 32) + "\"";
        String lastModified = DateTimeFormatter.RFC_1123_DATE_TIME.format(modified.atZone(ZoneOffset.UTC));
        if (notModified(etag, modified, ifNoneMatch, ifModifiedSince)) {
            return Response.notModified().header("ETag", etag).header("Last-Modified", lastModified)
                    .header("Cache-Control", "private, no-cache").build();
        }
        StreamingOutput body = format == PublicationService.Format.JSON ? out -> jsonArray(file, out)
                : out -> Files.copy(file, out);
        return Response.ok(body, format.mediaType).header("ETag", etag).header("Last-Modified", lastModified)
                .header("Cache-Control", "private, no-cache").header("X-Robots-Tag", "noindex")
                .header("Content-Disposition", "inline; filename=\"result." + format.extension + "\"").build();
    }

    /** RFC 9110: If-None-Match decides when present; otherwise If-Modified-Since, to the second. */
    static boolean notModified(String etag, Instant modified, String ifNoneMatch, String ifModifiedSince) {
        if (ifNoneMatch != null) {
            return Arrays.stream(ifNoneMatch.split(",")).map(String::strip).map(t -> t.startsWith("W/") ? t.substring(2) : t)
                    .anyMatch(t -> t.equals("*") || t.equals(etag));
        }
        if (ifModifiedSince != null) {
            try {
                Instant since = ZonedDateTime.parse(ifModifiedSince.strip(), DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
                return !modified.truncatedTo(ChronoUnit.SECONDS).isAfter(since);
            } catch (DateTimeParseException e) {
                return false; // an unreadable date is ignored, as RFC 9110 says
            }
        }
        return false;
    }

    /**
     * The newline-delimited file as one JSON array, copied as bytes: a comma where a line ends and another begins,
     * empty lines skipped. No line is decoded, so a large result streams out with no garbage per row (JSON text holds
     * no raw newline inside a value).
     */
    private static void jsonArray(java.nio.file.Path file, OutputStream target) throws IOException {
        OutputStream out = new BufferedOutputStream(target, 1 << 16);
        out.write(OPEN);
        byte[] chunk = new byte[1 << 16];
        boolean anyLine = false;
        boolean atLineStart = true;
        try (InputStream in = Files.newInputStream(file)) {
            for (int n = in.read(chunk); n > 0; n = in.read(chunk)) {
                int start = 0;
                for (int i = 0; i < n; i++) {
                    if (chunk[i] == '\n') {
                        out.write(chunk, start, i - start);
                        start = i + 1;
                        atLineStart = true;
                    } else if (atLineStart) {
                        if (anyLine) {
                            out.write(COMMA);
                        }
                        anyLine = true;
                        atLineStart = false;
                    }
                }
                out.write(chunk, start, n - start);
            }
        }
        out.write(CLOSE);
        out.flush();
    }
}
