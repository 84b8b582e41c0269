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
}
