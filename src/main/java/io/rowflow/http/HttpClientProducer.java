package io.rowflow.http;

import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/** One shared client for user-supplied URLs, configured by {@link HttpConfig}. */
public class HttpClientProducer {
    @Produces
    @Singleton
    SafeHttpClient client(HttpConfig config) {
        return new SafeHttpClient(config.settings(), new OutboundShares(config.maxRequestsPerWorkspace(),
                config.workspaceQueueTimeout()));
    }

    void close(@Disposes SafeHttpClient client) {
        client.close();
    }
}
