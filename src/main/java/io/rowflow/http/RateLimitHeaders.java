package io.rowflow.http;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;

/**
 * How an API states its rate limit in the headers of its answers, read into one shape: how many requests its window
 * allows, how many are left, and how long the window is (when it says). A {@link RequestBudget} paces from it. A
 * provider with another scheme (Shopify's call limit or GraphQL cost, Pipedrive's or Airtable's headers) adds one
 * reader here and names it in its manifest ({@code rate_limit.headers}).
 */
@FunctionalInterface
public interface RateLimitHeaders {
    /** What one answer says about the limit; empty when it says nothing readable. */
    Optional<State> read(Function<String, Optional<String>> header);

    /**
     * {@code rolling}: {@code window} is the length of a rolling window (HubSpot's); else it is the time left until a
     * fixed window resets (null when the API does not say).
     */
    record State(int limit, int remaining, Duration window, boolean rolling) {
    }

    /** Headers are not read. */
    RateLimitHeaders NONE = header -> Optional.empty();

    /**
     * HubSpot (apis.md §4): {@code X-HubSpot-RateLimit-Max}, {@code -Remaining} and {@code -Interval-Milliseconds} on
     * every answer, for the app's rolling window on the account.
     */
    RateLimitHeaders HUBSPOT = header -> {
        Optional<Integer> max = integer(header, "X-HubSpot-RateLimit-Max");
        Optional<Integer> remaining = integer(header, "X-HubSpot-RateLimit-Remaining");
        Optional<Integer> interval = integer(header, "X-HubSpot-RateLimit-Interval-Milliseconds");
        if (max.isEmpty() || remaining.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new State(max.get(), remaining.get(), interval.map(Duration::ofMillis).orElse(null),
                interval.isPresent()));
    };

    /**
     * The common {@code X-RateLimit-Limit} / {@code -Remaining} pair (Jira, apis.md §5), with {@code X-RateLimit-Reset}
     * as the window's end when it is a time (Jira's ISO 8601) or a number of seconds left (Pipedrive's).
     */
    RateLimitHeaders X_RATELIMIT = header -> {
        Optional<Integer> limit = integer(header, "X-RateLimit-Limit");
        Optional<Integer> remaining = integer(header, "X-RateLimit-Remaining");
        if (limit.isEmpty() || remaining.isEmpty()) {
            return Optional.empty();
        }
        // Retry-After, when sent too, tells the wait more closely than a reset time given to the minute (Jira's).
        Duration untilReset = header.apply("Retry-After").isPresent() ? null : header.apply("X-RateLimit-Reset")
                .map(RateLimitHeaders::untilReset).orElse(null);
        return Optional.of(new State(limit.get(), remaining.get(), untilReset, false));
    };

    /** The reader a manifest names: {@code hubspot}, {@code x-ratelimit}, or none. */
    static RateLimitHeaders named(String name) {
        if (name == null) {
            return NONE;
        }
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "hubspot" -> HUBSPOT;
            case "x-ratelimit" -> X_RATELIMIT;
            case "none" -> NONE;
            default -> throw new IllegalArgumentException("Unknown rate-limit headers \"" + name + "\"");
        };
    }

    private static Optional<Integer> integer(Function<String, Optional<String>> header, String name) {
        try {
            return header.apply(name).map(String::trim).map(Integer::parseInt);
        } catch (NumberFormatException unreadable) {
            return Optional.empty();
        }
    }

    private static Duration untilReset(String value) {
        String text = value.trim();
        try {
            return Duration.ofMillis(Math.round(Double.parseDouble(text) * 1000));
        } catch (NumberFormatException notSeconds) {
            try {
                Instant at = OffsetDateTime.parse(text, DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm[:ss][.SSS]XXX"))
                        .toInstant();
                Duration left = Duration.between(Instant.now(), at);
                return left.isNegative() ? null : left;
            } catch (RuntimeException notATime) {
                return null;
            }
        }
    }
}
