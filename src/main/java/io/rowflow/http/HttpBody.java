package io.rowflow.http;

import java.io.InputStream;
import java.net.URI;
import java.nio.charset.Charset;
import java.util.Optional;
import java.util.function.Function;

/**
 * A successful response being read: the body stream (capped at the size limit), its charset if the server named one,
 * and its headers.
 */
public record HttpBody(URI uri, int status, InputStream stream, Optional<Charset> charset,
        Function<String, Optional<String>> header) {
    /**
     * Whether the server answered with a web page: an expired share link, a sign-in or captive-portal page answers
     * 200 with HTML, which must fail the run rather than replace a sheet with markup. Judged from Content-Type.
     */
    public boolean isWebPage() {
        String type = header.apply("Content-Type").orElse("").toLowerCase(java.util.Locale.ROOT).strip();
        return type.startsWith("text/html") || type.startsWith("application/xhtml");
    }

    /** Whether text starts like an HTML document (a page served as text/plain or without a type). */
    public static boolean looksLikeHtml(String start) {
        String head = start.stripLeading().toLowerCase(java.util.Locale.ROOT);
        return head.startsWith("<!doctype html") || head.startsWith("<html") || head.startsWith("<head")
                || head.startsWith("<body");
    }
}
