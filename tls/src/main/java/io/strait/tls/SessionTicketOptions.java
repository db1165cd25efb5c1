package io.strait.tls;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Immutable. How a TLS listener issues session tickets (stateless resumption).
 *
 * @param enabled  false turns tickets off (nginx's {@code ssl_session_tickets off}, HAProxy's {@code no-tls-tickets}):
 *                 every returning client that has no cached session does a full handshake
 * @param lifetime how long a ticket (and a cached session) may be used to resume: the lifetime hint the client gets
 * @param rotation how often a new random encryption key replaces the current one; older keys still decrypt for one
 *                 lifetime. Ignored when {@code keyFiles} are given (the operator rotates the files)
 * @param keyFiles files of 48 random bytes each, nginx's {@code ssl_session_ticket_key} format (16 bytes key name,
 *                 16 AES key, 16 HMAC key): the first encrypts, all decrypt, so several instances that share the files
 *                 resume each other's sessions; empty for random keys made in memory
 */
public record SessionTicketOptions(boolean enabled, Duration lifetime, Duration rotation, List<Path> keyFiles) {

    /** The default ticket lifetime: HAProxy's and BoringSSL's default session timeout. */
    public static final Duration DEFAULT_LIFETIME = Duration.ofHours(2);
    /** The default key rotation interval. */
    public static final Duration DEFAULT_ROTATION = Duration.ofHours(1);
    /** The longest lifetime accepted: TLS 1.3 caps a ticket's lifetime at seven days (RFC 8446 §4.6.1). */
    public static final Duration MAX_LIFETIME = Duration.ofDays(7);
    /** The defaults: tickets on, random keys rotated hourly, two-hour lifetime. */
    public static final SessionTicketOptions DEFAULTS = new SessionTicketOptions(true, DEFAULT_LIFETIME,
        DEFAULT_ROTATION, List.of());

    /** Copies the list and checks the durations. */
    public SessionTicketOptions {
        Objects.requireNonNull(lifetime, "lifetime");
        Objects.requireNonNull(rotation, "rotation");
        keyFiles = List.copyOf(keyFiles);
        if (lifetime.isNegative() || lifetime.isZero() || lifetime.compareTo(MAX_LIFETIME) > 0) {
            throw new IllegalArgumentException("lifetime must be > 0 and at most 7 days: " + lifetime);
        }
        if (rotation.isNegative()) {
            throw new IllegalArgumentException("rotation must not be negative: " + rotation);
        }
    }

    /** True when random keys are replaced on a timer (tickets on, no key files, a rotation interval). */
    public boolean rotates() {
        return enabled && keyFiles.isEmpty() && !rotation.isZero();
    }
}
