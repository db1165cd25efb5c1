package io.strait.core.config;

import io.strait.tls.PeerIdentity;

import java.util.List;
import java.util.Objects;

/**
 * Immutable, thread-safe. Key {@code rbac} of a virtual host or route: who may use it, by the verified client
 * certificate of the connection a request came on (Envoy's RBAC filter, principals only). A route's own policy
 * replaces its virtual host's. A request whose peer matches a {@code deny} principal is refused;
 * otherwise, when there are {@code allow} principals, it must match one of them; with no {@code allow} list every
 * peer that is not denied, certificate or not, is let through.
 *
 * @param allow the principals let through (empty: all that are not denied)
 * @param deny  the principals refused, checked first
 */
public record RbacConfig(List<Principal> allow, List<Principal> deny) {

    /** Copies the lists; at least one of them must have a principal. */
    public RbacConfig {
        allow = List.copyOf(allow);
        deny = List.copyOf(deny);
        if (allow.isEmpty() && deny.isEmpty()) {
            throw new IllegalArgumentException("an RBAC policy needs an allow or a deny principal");
        }
    }

    /** True if a request from a connection whose verified client is {@code peer} (null: none) may go on. */
    public boolean allows(final PeerIdentity peer) {
        for (final Principal p : deny) {
            if (p.matches(peer)) {
                return false;
            }
        }
        if (allow.isEmpty()) {
            return true;
        }
        for (final Principal p : allow) {
            if (p.matches(peer)) {
                return true;
            }
        }
        return false;
    }

    /**
     * One principal: a SPIFFE ID (or any URI SAN) exactly or by prefix, a DNS SAN exactly or as a {@code *.suffix}
     * wildcard of one label, or any verified client certificate.
     *
     * @param kind  what is matched
     * @param value the ID, prefix or name ({@code ""} for {@link Kind#AUTHENTICATED})
     */
    public record Principal(Kind kind, String value) {

        /** What a principal matches. */
        public enum Kind {
            /** A URI SAN equal to the value (a SPIFFE ID). */
            SPIFFE_ID,
            /** A URI SAN starting with the value. */
            SPIFFE_PREFIX,
            /** A DNS SAN equal to the value, case-insensitive; {@code *.x} matches one label before {@code .x}. */
            DNS,
            /** Any verified client certificate. */
            AUTHENTICATED
        }

        /** Checks that nothing is null. */
        public Principal {
            Objects.requireNonNull(kind, "kind");
            Objects.requireNonNull(value, "value");
        }

        /** True if {@code peer} (null: no verified client certificate) is this principal. */
        public boolean matches(final PeerIdentity peer) {
            if (peer == null) {
                return false;
            }
            switch (kind) {
                case AUTHENTICATED:
                    return true;
                case SPIFFE_ID:
                    return peer.uris().contains(value);
                case SPIFFE_PREFIX:
                    for (final String u : peer.uris()) {
                        if (u.startsWith(value)) {
                            return true;
                        }
                    }
                    return false;
                default:
                    for (final String d : peer.dnsNames()) {
                        if (dnsMatches(d)) {
                            return true;
                        }
                    }
                    return false;
            }
        }

        private boolean dnsMatches(final String name) {
            if (!value.startsWith("*.")) {
                return name.equalsIgnoreCase(value);
            }
            final int dot = name.indexOf('.');
            return dot > 0 && name.regionMatches(true, dot, value, 1, value.length() - 1)
                && name.length() - dot == value.length() - 1;
        }
    }
}
