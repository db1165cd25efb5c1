package io.strait.core.proxy;

import io.netty.util.AsciiString;
import io.strait.core.http.HttpHeaderBlock;
import io.strait.core.route.Hashing;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;

/**
 * The forwarding headers of one downstream connection's requests: X-Forwarded-For, X-Forwarded-Proto and
 * x-request-id. Confined to the connection's event loop; one per connection. The generated request id is written
 * into one array per connection: the header block refers to it only until the head is forwarded (copied into the
 * upstream's buffer), and it is rewritten for the next request.
 */
final class ForwardingHeaders {

    private static final AsciiString X_FORWARDED_FOR = AsciiString.cached("x-forwarded-for");
    private static final AsciiString X_FORWARDED_PROTO = AsciiString.cached("x-forwarded-proto");
    private static final AsciiString X_REQUEST_ID = AsciiString.cached("x-request-id");
    private static final AsciiString HTTP = AsciiString.cached("http");
    private static final AsciiString HTTPS = AsciiString.cached("https");
    private static final AsciiString UNKNOWN = AsciiString.cached("unknown");
    private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

    private final boolean tls;
    private final byte[] requestIdBytes = new byte[36];
    private final AsciiString requestIdValue = new AsciiString(requestIdBytes, false);
    private AsciiString clientIp = UNKNOWN;
    private long sourceIpHash;

    ForwardingHeaders(final ListenerRuntime listener) {
        this.tls = listener.config().tls() != null;
    }

    /** The connection's peer is known: its address as text and its hash (source_ip hash policies). */
    void peer(final SocketAddress remote) {
        final byte[] ipBytes;
        if (remote instanceof InetSocketAddress) {
            final InetSocketAddress inet = (InetSocketAddress) remote;
            clientIp = new AsciiString(inet.getAddress().getHostAddress());
            ipBytes = inet.getAddress().getAddress();
        } else {
            clientIp = UNKNOWN;
            ipBytes = clientIp.toByteArray();
        }
        sourceIpHash = Hashing.xxh64(ipBytes, 0, ipBytes.length);
    }

    /** The client's address as text. */
    AsciiString clientIp() {
        return clientIp;
    }

    /** XXH64 of the client's address bytes. */
    long sourceIpHash() {
        return sourceIpHash;
    }

    /** Adds the forwarding headers to a request about to be forwarded. */
    void apply(final HttpHeaderBlock headers, final SplittableRandom random) {
        final int xff = headers.indexOf(X_FORWARDED_FOR);
        if (xff < 0) {
            headers.add(X_FORWARDED_FOR, clientIp);
        } else {
            final StringBuilder joined = new StringBuilder(64);
            for (int i = xff; i >= 0; i = headers.indexOf(X_FORWARDED_FOR, i + 1)) {
                joined.append(headers.value(i)).append(", ");
                headers.remove(i);
            }
            joined.append(clientIp);
            headers.add(X_FORWARDED_FOR, new AsciiString(joined));
        }
        if (!headers.contains(X_FORWARDED_PROTO)) {
            headers.add(X_FORWARDED_PROTO, tls ? HTTPS : HTTP);
        }
        if (!headers.contains(X_REQUEST_ID)) {
            writeRequestId(requestIdBytes, random);
            headers.add(X_REQUEST_ID, requestIdValue);
        }
    }

    /**
     * The request id to log for a request answered before it was forwarded: null when the request carries one,
     * else a generated one (valid until the next request of the connection).
     */
    AsciiString requestIdFor(final HttpHeaderBlock headers, final SplittableRandom random) {
        if (headers.contains(X_REQUEST_ID)) {
            return null;
        }
        writeRequestId(requestIdBytes, random);
        return requestIdValue;
    }

    /** Writes a random version-4 UUID in its text form into {@code out} (36 bytes). */
    static void writeRequestId(final byte[] out, final SplittableRandom random) {
        final long hi = (random.nextLong() & ~0xF000L) | 0x4000L;
        final long lo = (random.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
        int p = 0;
        for (int i = 15; i >= 0; i--) {
            out[p++] = HEX[(int) (hi >>> (i * 4)) & 0xF];
            if (p == 8 || p == 13) {
                out[p++] = '-';
            }
        }
        out[p++] = '-';
        for (int i = 15; i >= 0; i--) {
            out[p++] = HEX[(int) (lo >>> (i * 4)) & 0xF];
            if (p == 23) {
                out[p++] = '-';
            }
        }
    }
}
