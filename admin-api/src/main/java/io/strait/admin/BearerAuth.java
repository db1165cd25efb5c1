package io.strait.admin;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Immutable. Checks {@code Authorization: Bearer <token>} against the configured token in constant time: both are
 * hashed with SHA-256 first, so neither the content nor the length of the token leaks through timing.
 */
final class BearerAuth {

    private static final String SCHEME = "bearer ";

    private final byte[] expected;

    /** @param token the token; null or empty for no authentication */
    BearerAuth(final String token) {
        this.expected = token == null || token.isEmpty() ? null : sha256(token);
    }

    boolean required() {
        return expected != null;
    }

    /** True when no token is configured, or {@code authorization} carries the right one. */
    boolean allows(final String authorization) {
        if (expected == null) {
            return true;
        }
        if (authorization == null || authorization.length() < SCHEME.length()
            || !authorization.regionMatches(true, 0, SCHEME, 0, SCHEME.length())) {
            return false;
        }
        return MessageDigest.isEqual(expected, sha256(authorization.substring(SCHEME.length()).strip()));
    }

    private static byte[] sha256(final String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (final NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
