package io.strait.tls;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;

/**
 * Immutable. Who a verified client certificate names, chosen in this order: the first URI subject alternative name
 * that is a SPIFFE ID ({@code spiffe://trust-domain/path}), else the first URI SAN, else the first DNS SAN, else the
 * subject's distinguished name (RFC 2253); and the rest of what the handshake told about the certificate, for
 * authorization and {@code x-forwarded-client-cert}: every URI and DNS SAN, its SHA-256 fingerprint, and the URI SANs
 * of the server's own certificate in that handshake (XFCC's {@code By}). Made once per handshake.
 *
 * @param kind      where {@code id} came from
 * @param id        the identity
 * @param subject   the certificate's subject (RFC 2253), whatever {@code kind} is
 * @param uris      every URI SAN, in certificate order
 * @param dnsNames  every DNS SAN, in certificate order
 * @param sha256    the SHA-256 of the certificate's DER encoding, lower-case hex ("" when unknown)
 * @param localUris the URI SANs of the certificate the server presented in the same handshake
 */
public record PeerIdentity(Kind kind, String id, String subject, List<String> uris, List<String> dnsNames,
                           String sha256, List<String> localUris) {

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

    static final int SAN_DNS = 2;
    static final int SAN_URI = 6;
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    /** Checks that nothing is null and copies the lists. */
    public PeerIdentity {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(sha256, "sha256");
        uris = List.copyOf(uris);
        dnsNames = List.copyOf(dnsNames);
        localUris = List.copyOf(localUris);
    }

    /** An identity with no SAN lists, fingerprint or local certificate (tests). */
    public PeerIdentity(final Kind kind, final String id, final String subject) {
        this(kind, id, subject, List.of(), List.of(), "", List.of());
    }

    /** The identity of {@code cert} (the peer's leaf certificate), with no local certificate. */
    public static PeerIdentity of(final X509Certificate cert) {
        return of(cert, null);
    }

    /** The identity of {@code cert} (the peer's leaf certificate) met by the server presenting {@code local}. */
    public static PeerIdentity of(final X509Certificate cert, final X509Certificate local) {
        final String subject = cert.getSubjectX500Principal().getName();
        final List<String> uris = sans(cert, SAN_URI);
        final List<String> dns = sans(cert, SAN_DNS);
        final List<String> localUris = local == null ? List.of() : sans(local, SAN_URI);
        final String hash = sha256(cert);
        for (final String u : uris) {
            if (u.regionMatches(true, 0, "spiffe://", 0, 9)) {
                return new PeerIdentity(Kind.SPIFFE, u, subject, uris, dns, hash, localUris);
            }
        }
        if (!uris.isEmpty()) {
            return new PeerIdentity(Kind.URI, uris.get(0), subject, uris, dns, hash, localUris);
        }
        if (!dns.isEmpty()) {
            return new PeerIdentity(Kind.DNS, dns.get(0), subject, uris, dns, hash, localUris);
        }
        return new PeerIdentity(Kind.SUBJECT, subject, subject, uris, dns, hash, localUris);
    }

    static List<String> sans(final X509Certificate cert, final int type) {
        final List<String> out = new ArrayList<>(2);
        try {
            final Collection<List<?>> sans = cert.getSubjectAlternativeNames();
            if (sans != null) {
                for (final List<?> san : sans) {
                    if ((Integer) san.get(0) == type && san.get(1) instanceof String value) {
                        out.add(value);
                    }
                }
            }
        } catch (final CertificateParsingException e) {
            // An unparseable SAN extension: no SANs of this kind.
        }
        return out;
    }

    private static String sha256(final X509Certificate cert) {
        try {
            final byte[] d = MessageDigest.getInstance("SHA-256").digest(cert.getEncoded());
            final char[] out = new char[d.length * 2];
            for (int i = 0; i < d.length; i++) {
                out[2 * i] = HEX[(d[i] >> 4) & 0xf];
                out[2 * i + 1] = HEX[d[i] & 0xf];
            }
            return new String(out);
        } catch (final NoSuchAlgorithmException | CertificateEncodingException e) {
            return "";
        }
    }

    /** The SPIFFE ID, or null when the identity is not one. */
    public String spiffeId() {
        return kind == Kind.SPIFFE ? id : null;
    }
}
