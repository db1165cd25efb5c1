package io.strait.tls;

import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.List;
import java.util.Objects;

/**
 * Immutable. Who a verified client certificate names, chosen in this order: the first URI subject alternative name
 * that is a SPIFFE ID ({@code spiffe://trust-domain/path}), else the first URI SAN, else the first DNS SAN, else the
 * subject's distinguished name (RFC 2253).
 *
 * @param kind    where {@code id} came from
 * @param id      the identity
 * @param subject the certificate's subject (RFC 2253), whatever {@code kind} is
 */
public record PeerIdentity(Kind kind, String id, String subject) {

    /** Where an identity came from, in order of preference. */
    public enum Kind {
        /** A URI SAN starting {@code spiffe://}. */
        SPIFFE,
        /** Another URI SAN. */
        URI,
        /** A DNS SAN. */
        DNS,
        /** The subject's distinguished name. */
        SUBJECT
    }

    private static final int SAN_DNS = 2;
    private static final int SAN_URI = 6;

    /** Checks that nothing is null. */
    public PeerIdentity {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(subject, "subject");
    }

    /** The identity of {@code cert} (the peer's leaf certificate). */
    public static PeerIdentity of(final X509Certificate cert) {
        final String subject = cert.getSubjectX500Principal().getName();
        String uri = null;
        String dns = null;
        try {
            final Collection<List<?>> sans = cert.getSubjectAlternativeNames();
            if (sans != null) {
                for (final List<?> san : sans) {
                    final int type = (Integer) san.get(0);
                    if (type == SAN_URI) {
                        final String value = (String) san.get(1);
                        if (value.regionMatches(true, 0, "spiffe://", 0, 9)) {
                            return new PeerIdentity(Kind.SPIFFE, value, subject);
                        }
                        if (uri == null) {
                            uri = value;
                        }
                    } else if (type == SAN_DNS && dns == null) {
                        dns = (String) san.get(1);
                    }
                }
            }
        } catch (final CertificateParsingException e) {
            // An unparseable SAN extension: fall back to the subject.
        }
        if (uri != null) {
            return new PeerIdentity(Kind.URI, uri, subject);
        }
        if (dns != null) {
            return new PeerIdentity(Kind.DNS, dns, subject);
        }
        return new PeerIdentity(Kind.SUBJECT, subject, subject);
    }

    /** The SPIFFE ID, or null when the identity is not one. */
    public String spiffeId() {
        return kind == Kind.SPIFFE ? id : null;
    }
}
