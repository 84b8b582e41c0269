package io.rowflow.notification;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Set;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * How Rowflow signs what it posts to a webhook, and how a receiver checks it (docs/notifications.md). Three headers
 * travel with each message: {@code Rowflow-Timestamp} (Unix seconds), {@code Rowflow-Delivery} (a unique id, the same
 * on a retry of the same message) and {@code Rowflow-Signature: v1=<hex>}, the HMAC-SHA256 under the channel's signing
 * secret of {@code <timestamp>.<delivery>.<body>}. A receiver accepts a message when the signature matches (compared in
 * constant time), the timestamp is within its tolerance of its own clock, and it has not seen the delivery id before.
 */
public final class WebhookSignature {
    public static final String TIMESTAMP = "Rowflow-Timestamp";
    public static final String DELIVERY = "Rowflow-Delivery";
    public static final String SIGNATURE = "Rowflow-Signature";

    private WebhookSignature() {
    }

    /** The {@code Rowflow-Signature} header's value. */
    public static String sign(String secret, long timestamp, String delivery, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            mac.update((timestamp + "." + delivery + ".").getBytes(StandardCharsets.UTF_8));
            return "v1=" + HexFormat.of().formatHex(mac.doFinal(body));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA256 is part of every Java runtime", e);
        }
    }

    /** Why a receiver refuses a message; {@link #ACCEPTED} when it may act on it. */
    public enum Verdict {
        ACCEPTED, BAD_SIGNATURE, TOO_OLD, REPLAYED, MISSING_HEADERS
    }

    /**
     * A receiver's check. {@code seen} holds the delivery ids already accepted (within the tolerance; older ones are
     * refused by their timestamp anyway); an accepted id is added to it.
     */
    public static Verdict verify(String secret, String timestamp, String delivery, String signature, byte[] body,
            Instant now, Duration tolerance, Set<String> seen) {
        if (timestamp == null || delivery == null || signature == null) {
            return Verdict.MISSING_HEADERS;
        }
        long at;
        try {
            at = Long.parseLong(timestamp.strip());
        } catch (NumberFormatException e) {
            return Verdict.MISSING_HEADERS;
        }
        byte[] expected = sign(secret, at, delivery, body).getBytes(StandardCharsets.US_ASCII);
        if (!MessageDigest.isEqual(expected, signature.strip().getBytes(StandardCharsets.US_ASCII))) {
            return Verdict.BAD_SIGNATURE;
        }
        if (Duration.between(Instant.ofEpochSecond(at), now).abs().compareTo(tolerance) > 0) {
            return Verdict.TOO_OLD;
        }
        return seen.add(delivery) ? Verdict.ACCEPTED : Verdict.REPLAYED;
    }
}
