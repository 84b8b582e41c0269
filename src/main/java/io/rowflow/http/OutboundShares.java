package io.rowflow.http;

import io.rowflow.common.error.UpstreamException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * The node's outbound requests shared between workspaces: one workspace has at most {@code perOwner} requests in
 * flight, and a further one waits at most {@code queueTimeout} before it fails, so forty slow fetches of one
 * workspace hold forty of its own turns, not the connections another workspace's check needs. The owner is set for
 * the current thread by whoever works for a workspace (a run, a preview, a connection check) with {@link #as}.
 */
public final class OutboundShares {
    private static final ThreadLocal<Object> OWNER = new ThreadLocal<>();
    /** Requests made outside any workspace's work (sign-in token exchanges, notifications) share this owner. */
    private static final Object NODE = "node";

    private final int perOwner;
    private final Duration queueTimeout;
    private final Map<Object, Semaphore> turns = new ConcurrentHashMap<>();

    public OutboundShares(int perOwner, Duration queueTimeout) {
        this.perOwner = perOwner;
        this.queueTimeout = queueTimeout;
    }

    /** A scope in which the current thread's requests count against {@code owner} (a workspace id). */
    public interface Scope extends AutoCloseable {
        @Override
        void close();
    }

    public static Scope as(Object owner) {
        Object before = OWNER.get();
        OWNER.set(owner);
        return () -> {
            if (before == null) {
                OWNER.remove();
            } else {
                OWNER.set(before);
            }
        };
    }

    /** Takes one of the current owner's turns, waiting up to the queue timeout; the caller gives it back. */
    Semaphore take(String request) {
        Object owner = OWNER.get() == null ? NODE : OWNER.get();
        Semaphore semaphore = turns.computeIfAbsent(owner, o -> new Semaphore(perOwner, true));
        try {
            if (!semaphore.tryAcquire(queueTimeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new UpstreamException(request + " waited " + queueTimeout.toSeconds() + " s for a turn: this"
                        + " workspace already has " + perOwner + " requests waiting on slow servers; try again when they"
                        + " end", null, null, true);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CancellationException("Stopped while waiting for a turn to send a request");
        }
        return semaphore;
    }
}
