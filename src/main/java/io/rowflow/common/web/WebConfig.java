package io.rowflow.common.web;

import io.quarkus.runtime.configuration.MemorySize;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.util.Optional;

/** How users' browsers and other systems reach Rowflow. */
@ConfigMapping(prefix = "rowflow.web")
public interface WebConfig {
    /**
     * Rowflow's address as browsers and callers reach it (https://rowflow.example.com). OAuth redirect URIs, webhook
     * addresses and links in notifications are built on it, never on a request's Host header. Required with
     * PostgreSQL; the embedded default uses http://localhost:&lt;port&gt; when it is not set. The older name
     * {@code rowflow.oauth.public-url} is still read.
     */
    Optional<String> publicUrl();

    /**
     * Largest request body of any route but an upload (those: rowflow.uploads.max-size); a larger one is refused with
     * 413. quarkus.http.limits.max-body-size is the outer bound of both and follows rowflow.uploads.max-size.
     */
    @WithDefault("2M")
    MemorySize maxBodySize();
}
