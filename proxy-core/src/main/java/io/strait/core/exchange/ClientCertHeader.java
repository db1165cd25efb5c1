package io.strait.core.exchange;

import io.netty.util.AsciiString;
import io.strait.core.config.ClientCertDetails;
import io.strait.core.http.HttpHeaderBlock;
import io.strait.tls.PeerIdentity;

/**
 * Applies a listener's {@code x-forwarded-client-cert} policy ({@link ClientCertDetails}, Envoy's semantics and
 * format) to one request: removes a client's header, forwards it, appends this hop's element to it or replaces it,
 * depending on the mode and on whether the connection has a verified client certificate. This hop's element is
 * {@code By=<URI SAN of the proxy's certificate>;Hash=<SHA-256 of the client certificate>} plus the chosen
 * {@code Subject="..."}, {@code URI=...} and {@code DNS=...} fields, each value quoted when it holds {@code , ; = "}.
 *
 * <p>Confined to one exchange's event loop. The element is built once per peer identity (once per connection) and
 * reused for every request on it; only {@code append_forward} with a client header allocates per request.
 */
final class ClientCertHeader {

    static final AsciiString X_FORWARDED_CLIENT_CERT = AsciiString.cached("x-forwarded-client-cert");

    private final ClientCertDetails policy;
    private PeerIdentity lastPeer;
    private AsciiString lastElement;

    ClientCertHeader(final ClientCertDetails policy) {
        this.policy = policy;
    }

    /** Applies the policy to {@code headers} of a request from {@code downstream} (asked for its peer if need be). */
    void apply(final HttpHeaderBlock headers, final Downstream downstream) {
        final ClientCertDetails.Mode mode = policy.mode();
        if (mode == ClientCertDetails.Mode.ALWAYS_FORWARD_ONLY) {
            return;
        }
        final PeerIdentity peer = mode == ClientCertDetails.Mode.SANITIZE ? null : downstream.peerIdentity();
        if (peer == null) {
            headers.remove(X_FORWARDED_CLIENT_CERT);
            return;
        }
        switch (mode) {
            case FORWARD_ONLY:
                return;
            case SANITIZE_SET:
                headers.set(X_FORWARDED_CLIENT_CERT, element(peer));
                return;
            default:   // APPEND_FORWARD
                append(headers, element(peer));
        }
    }

    /** Joins the client's lines (a header that came on several lines is one list) and this hop's element. */
    private static void append(final HttpHeaderBlock headers, final AsciiString element) {
        int i = headers.indexOf(X_FORWARDED_CLIENT_CERT);
        if (i < 0) {
            headers.add(X_FORWARDED_CLIENT_CERT, element);
            return;
        }
        final StringBuilder joined = new StringBuilder(128);
        while (i >= 0) {
            if (!headers.isDead(i)) {
                joined.append(headers.value(i)).append(',');
            }
            i = headers.indexOf(X_FORWARDED_CLIENT_CERT, i + 1);
        }
        joined.append(element);
        headers.set(X_FORWARDED_CLIENT_CERT, new AsciiString(joined));
    }

    private AsciiString element(final PeerIdentity peer) {
        if (peer != lastPeer) {
            lastElement = new AsciiString(format(peer, policy));
            lastPeer = peer;
        }
        return lastElement;
    }

    /** This hop's XFCC element for {@code peer}, Envoy's field order: By, Hash, Subject, URI, DNS. */
    static String format(final PeerIdentity peer, final ClientCertDetails policy) {
        final StringBuilder b = new StringBuilder(160);
        for (final String by : peer.localUris()) {
            field(b, "By", by, false);
        }
        field(b, "Hash", peer.sha256(), false);
        if (policy.subject()) {
            field(b, "Subject", peer.subject(), true);
        }
        if (policy.uri()) {
            for (final String uri : peer.uris()) {
                field(b, "URI", uri, false);
            }
        }
        if (policy.dns()) {
            for (final String dns : peer.dnsNames()) {
                field(b, "DNS", dns, false);
            }
        }
        return b.toString();
    }

    private static void field(final StringBuilder b, final String key, final String value, final boolean quote) {
        if (b.length() > 0) {
            b.append(';');
        }
        b.append(key).append('=');
        if (!quote && !needsQuotes(value)) {
            b.append(value);
            return;
        }
        b.append('"');
        for (int i = 0; i < value.length(); i++) {
            final char c = value.charAt(i);
            if (c == '"' || c == '\\') {
                b.append('\\');
            }
            b.append(c);
        }
        b.append('"');
    }

    private static boolean needsQuotes(final String value) {
        for (int i = 0; i < value.length(); i++) {
            final char c = value.charAt(i);
            if (c == ',' || c == ';' || c == '=' || c == '"') {
                return true;
            }
        }
        return false;
    }
}
