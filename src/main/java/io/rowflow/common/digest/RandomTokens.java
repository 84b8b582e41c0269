package io.rowflow.common.digest;

import java.security.SecureRandom;
import java.util.Base64;

/** Unguessable tokens (sessions, CSRF, API tokens, webhook secrets): 256 random bits, URL-safe base64. */
public final class RandomTokens {
    private static final SecureRandom RANDOM = new SecureRandom();

    private RandomTokens() {
    }

    public static String next() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
