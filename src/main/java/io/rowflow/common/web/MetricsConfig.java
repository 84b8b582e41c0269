package io.rowflow.common.web;

import io.smallrye.config.ConfigMapping;
import java.util.Optional;

/** Who may read the Prometheus metrics at /q/metrics. */
@ConfigMapping(prefix = "rowflow.metrics")
public interface MetricsConfig {
    /**
     * The scrape token: /q/metrics answers only requests that send {@code Authorization: Bearer <token>} (a Prometheus
     * ServiceMonitor's {@code authorization} credentials). Without it, /q/metrics answers no one.
     */
    Optional<String> token();
}
