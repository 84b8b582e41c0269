package io.rowflow.http;

import java.util.function.Consumer;

/**
 * Where the current thread's waits for a provider's rate limit are told, as a sentence ("HubSpot asked to wait 8.2 s
 * (rate limit); waiting"): a run sets its log here, so its log says why it paused.
 */
public final class RateLimitWaits {
    private static final ThreadLocal<Consumer<String>> LISTENER = new ThreadLocal<>();

    private RateLimitWaits() {
    }

    /** A scope in which the current thread's rate-limit waits are told to {@code listener}. */
    public interface Scope extends AutoCloseable {
        @Override
        void close();
    }

    public static Scope reportTo(Consumer<String> listener) {
        Consumer<String> before = LISTENER.get();
        LISTENER.set(listener);
        return () -> {
            if (before == null) {
                LISTENER.remove();
            } else {
                LISTENER.set(before);
            }
        };
    }

    public static void report(String sentence) {
        Consumer<String> listener = LISTENER.get();
        if (listener != null) {
            try {
                listener.accept(sentence);
            } catch (RuntimeException e) {
                // Telling about a wait never fails the request.
            }
        }
    }
}
