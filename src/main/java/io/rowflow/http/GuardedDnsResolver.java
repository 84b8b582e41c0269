package io.rowflow.http;

import java.net.InetAddress;
import java.net.UnknownHostException;
import org.apache.hc.client5.http.DnsResolver;

/** Resolves through the {@link NetworkGuard}: the connection is opened only to addresses it accepted. */
final class GuardedDnsResolver implements DnsResolver {
    private final NetworkGuard guard;

    GuardedDnsResolver(NetworkGuard guard) {
        this.guard = guard;
    }

    @Override
    public InetAddress[] resolve(String host) throws UnknownHostException {
        String bare = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        return guard.resolve(bare);
    }

    @Override
    public String resolveCanonicalHostname(String host) throws UnknownHostException {
        return host;
    }
}
