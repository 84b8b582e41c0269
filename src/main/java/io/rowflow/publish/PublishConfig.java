package io.rowflow.publish;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Results published at secret URLs for BI tools. */
@ConfigMapping(prefix = "rowflow.publish")
public interface PublishConfig {
    /**
     * Requests one published URL answers per minute on this node (a BI tool refreshing, or a few people opening it);
     * past it, 429 with Retry-After, so that one URL cannot keep a node busy streaming.
     */
    @WithDefault("60")
    int requestsPerMinute();
}
