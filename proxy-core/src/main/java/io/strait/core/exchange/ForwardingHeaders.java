package io.strait.core.exchange;

import io.strait.core.snapshot.ListenerRuntime;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.util.AsciiString;
import io.strait.core.config.ForwardingConfig;
import io.strait.core.http.HttpHeaderBlock;
import io.strait.core.route.Hashing;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;

/**
 * Confined to one downstream connection's event loop, used by one exchange at a time (HTTP/1.1: one per pooled
 * exchange, told its connection's peer each time a connection takes it; HTTP/2: one per stream slot, since the values
 * it adds live in its buffers). Applies the listener's forwarding policy
 * ({@link ForwardingConfig}, Envoy's HTTP connection manager semantics) to one request's headers, and finds the
 * request's <em>trusted client address</em>:
 *
 * <table>
 *   <caption>What a request gets</caption>
 *   <tr><th>header</th><th>{@code use_remote_address: true} (edge, the default)</th><th>{@code false}</th></tr>
 *   <tr><td>X-Forwarded-For</td><td>the peer address appended (all of the client's lines joined into one)</td>
 *       <td>unchanged</td></tr>
 *   <tr><td>trusted client address</td><td>hops N = 0: the peer; N &gt; 0: the N-th entry from the right of the
 *       client's XFF (before the append)</td><td>the (N+1)-th entry from the right of XFF</td></tr>
 *   <tr><td>X-Forwarded-Proto</td><td>set from the connection (https on TLS, else http), the client's replaced;
 *       with N &gt; 0 a single valid client value (http or https) is kept</td>
 *       <td>a single valid client value kept, else set from the connection</td></tr>
 *   <tr><td>x-request-id</td><td colspan="2">replaced by a generated UUID v4, or, with
 *       {@code preserve_external_request_id: true}, kept when present (generated when absent)</td></tr>
 *   <tr><td>x-strait-external-address</td><td>the trusted client address (a client's value replaced)</td>
 *       <td>unchanged (the edge's)</td></tr>
 * </table>
 * An XFF with too few entries, or whose chosen entry is not an IP address, leaves the peer as the trusted address:
 * a client can never make the proxy fail, only fail to be believed.
 *
 * <p>Allocation: none for a request without X-Forwarded-For (the peer's text, the scheme constants and the request
 * id buffer are per connection or static). With one, the client's lines and the peer are joined into a
 * per-connection buffer, grown when a longer value comes; the {@link AsciiString} over it is reused while the
 * joined length repeats (the common case of one client sending the same XFF on a kept-alive connection), else one
 * small wrapper is made; so is the one over a trusted XFF entry. Values rewritten under a reused wrapper are read
 * as bytes on the path (copied upstream, matched, hashed, logged); an {@link AsciiString}'s cached
 * {@code toString()} of an earlier request would be stale, so nothing may keep one past its request.
 */
final class ForwardingHeaders {

    static final AsciiString X_FORWARDED_FOR = AsciiString.cached("x-forwarded-for");
    static final AsciiString X_FORWARDED_PROTO = AsciiString.cached("x-forwarded-proto");
    static final AsciiString X_REQUEST_ID = AsciiString.cached("x-request-id");
    /** Envoy's x-envoy-external-address under Strait's prefix: the trusted client address, set at the edge. */
    static final AsciiString X_STRAIT_EXTERNAL_ADDRESS = AsciiString.cached("x-strait-external-address");
    static final AsciiString HTTP = AsciiString.cached("http");
    static final AsciiString HTTPS = AsciiString.cached("https");
    private static final AsciiString UNKNOWN = AsciiString.cached("unknown");

    private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
    /** First size of the joined X-Forwarded-For buffer; enough for a few IPv6 hops. */
    private static final int XFF_INITIAL = 256;

    private final boolean useRemoteAddress;
    private final int trustedHops;
    private final boolean preserveRequestId;
    private final boolean trustClientProto;
    private final AsciiString scheme;
    private AsciiString peerIp = UNKNOWN;
    private long peerHash;

    // The generated x-request-id is written into one array per connection: the header block refers to it only
    // until the head is forwarded (copied into the upstream's buffer), and it is rewritten for the next request.
    private final byte[] requestIdBytes = new byte[36];
    private final AsciiString requestIdValue = new AsciiString(requestIdBytes, false);

    /** The joined X-Forwarded-For: the client's lines, then ", " and the peer when appending. */
    private byte[] xff;
    /** A heap view of {@link #xff}, for {@link HttpHeaderBlock#copyValue}. */
    private ByteBuf xffView;
    /** The value last added over {@link #xff} (reused while its length repeats), or null. */
    private AsciiString xffValue;
    /** The trusted client address's bytes when it came from X-Forwarded-For. */
    private final byte[] address = new byte[IpLiteral.MAX_BYTES];
    /** The trusted client address as text: {@link #peerIp} or a wrapper over its XFF entry in {@link #xff}. */
    private AsciiString trustedText;
    /** The last wrapper made over an XFF entry for {@link #trustedText}, reused while the entry's place repeats. */
    private AsciiString xffText;
    private long trustedHash;
    private boolean trustedFromXff;

    /** The policy of {@code listener}, for one of its connections; {@link #peer} follows once the peer is known. */
    ForwardingHeaders(final ListenerRuntime listener) {
        this(listener.config().forwarding(), listener.config().tls() != null);
    }

    /**
     * @param policy the listener's policy
     * @param tls    true on a TLS listener (X-Forwarded-Proto https)
     */
    ForwardingHeaders(final ForwardingConfig policy, final boolean tls) {
        this.useRemoteAddress = policy.useRemoteAddress();
        this.trustedHops = policy.xffNumTrustedHops();
        this.preserveRequestId = policy.preserveExternalRequestId();
        // Envoy believes a client's X-Forwarded-Proto only from trusted hops; a listener that takes its client
        // address from XFF (use_remote_address: false) has declared its downstream trusted, so it is believed too.
        this.trustClientProto = trustedHops > 0 || !useRemoteAddress;
        this.scheme = tls ? HTTPS : HTTP;
        this.trustedText = UNKNOWN;
    }

    /**
     * The connection's peer is known: its address as text (what is appended to X-Forwarded-For) and the XXH64 of its
     * 4 or 16 address bytes (the source_ip hash while the peer is the trusted client address).
     */
    void peer(final SocketAddress remote) {
        final AsciiString ip = addressText(remote);
        peer(ip, addressHash(remote, ip));
    }

    /**
     * The connection's peer is known as {@code ip} ({@link #addressText}) with hash {@code hash}
     * ({@link #addressHash}): what a pooled HTTP/1.1 exchange is told each time a connection takes it.
     */
    void peer(final AsciiString ip, final long hash) {
        peerIp = ip;
        peerHash = hash;
        trustedHash = hash;
        trustedText = ip;
    }

    /** A peer's address as text: what is appended to X-Forwarded-For and logged ("unknown" if not an IP peer). */
    static AsciiString addressText(final SocketAddress remote) {
        return remote instanceof InetSocketAddress ? new AsciiString(((InetSocketAddress) remote).getAddress()
            .getHostAddress()) : UNKNOWN;
    }

    /** The XXH64 of a peer's 4 or 16 address bytes ({@code text}'s bytes if not an IP peer): its source_ip hash. */
    static long addressHash(final SocketAddress remote, final AsciiString text) {
        final byte[] ipBytes = remote instanceof InetSocketAddress
            ? ((InetSocketAddress) remote).getAddress().getAddress() : text.toByteArray();
        return Hashing.xxh64(ipBytes, 0, ipBytes.length);
    }

    /** The connection peer's address as text. */
    AsciiString clientIp() {
        return peerIp;
    }

    /**
     * Applies the policy to one request's headers: X-Forwarded-For, X-Forwarded-Proto, x-request-id and
     * x-strait-external-address, and finds the trusted client address ({@link #sourceIpHash},
     * {@link #trustedAddress}). Allocates nothing unless the client sent X-Forwarded-For (see the class comment).
     * The values added stay valid until the next call.
     */
    void apply(final HttpHeaderBlock headers, final SplittableRandom random) {
        // One pass over the headers for the four of interest; a name is compared only when its length and first
        // letter match.
        int xffFirst = -1;
        int xffCount = 0;
        int protoFirst = -1;
        int protoCount = 0;
        int ridCount = 0;
        int externalCount = 0;
        for (int i = 0, n = headers.size(); i < n; i++) {
            final int nameLength = headers.nameLength(i);
            if (nameLength < 12 || headers.isDead(i) || (headers.nameByteAt(i, 0) | 0x20) != 'x') {
                continue;
            }
            switch (nameLength) {
                case 15:
                    if (headers.nameEquals(i, X_FORWARDED_FOR) && xffCount++ == 0) {
                        xffFirst = i;
                    }
                    break;
                case 17:
                    if (headers.nameEquals(i, X_FORWARDED_PROTO) && protoCount++ == 0) {
                        protoFirst = i;
                    }
                    break;
                case 12:
                    if (headers.nameEquals(i, X_REQUEST_ID)) {
                        ridCount++;
                    }
                    break;
                case 25:
                    if (headers.nameEquals(i, X_STRAIT_EXTERNAL_ADDRESS)) {
                        externalCount++;
                    }
                    break;
                default:
                    break;
            }
        }
        forwardedFor(headers, xffFirst, xffCount);
        if (useRemoteAddress) {
            // Every request is external (no internal address ranges): the edge always states its client.
            if (externalCount > 0) {
                headers.remove(X_STRAIT_EXTERNAL_ADDRESS);
            }
            headers.add(X_STRAIT_EXTERNAL_ADDRESS, trustedText);
        }
        forwardedProto(headers, protoFirst, protoCount);
        requestId(headers, ridCount, random);
    }

    private void forwardedFor(final HttpHeaderBlock headers, final int first, final int count) {
        trustedFromXff = false;
        trustedHash = peerHash;
        trustedText = peerIp;
        if (count == 0) {
            if (useRemoteAddress) {
                headers.add(X_FORWARDED_FOR, peerIp);
            }
            return;
        }
        int len = join(headers, first);
        // Counted before the append: the N-th from the right with use_remote_address, the (N+1)-th without.
        final int entry = useRemoteAddress ? trustedHops : trustedHops + 1;
        if (entry > 0) {
            trust(len, entry);
        }
        if (!useRemoteAddress) {
            return;   // transparent: the client's lines go upstream as they came
        }
        final int peerLen = peerIp.length();
        len = ensure(len, 2 + peerLen);
        if (len > 0) {
            xff[len++] = ',';
            xff[len++] = ' ';
        }
        System.arraycopy(peerIp.array(), peerIp.arrayOffset(), xff, len, peerLen);
        len += peerLen;
        for (int i = first; i >= 0; i = headers.indexOf(X_FORWARDED_FOR, i + 1)) {
            headers.remove(i);
        }
        // The wrapper is reused while the length repeats, its bytes rewritten under it (as the request id's are;
        // see the class comment on cached Strings).
        AsciiString value = xffValue;
        if (value == null || value.length() != len) {
            value = new AsciiString(xff, 0, len, false);
            xffValue = value;
        }
        headers.add(X_FORWARDED_FOR, value);
    }

    /** Copies every non-empty X-Forwarded-For line's value into {@link #xff}, joined by ", "; returns the length. */
    private int join(final HttpHeaderBlock headers, final int first) {
        int len = 0;
        for (int i = first; i >= 0; i = headers.indexOf(X_FORWARDED_FOR, i + 1)) {
            final int n = headers.valueLength(i);
            if (n == 0) {
                continue;
            }
            len = ensure(len, n + 2);
            if (len > 0) {
                xff[len++] = ',';
                xff[len++] = ' ';
            }
            headers.copyValue(i, xffView, len, n);
            len += n;
        }
        return len;
    }

    /** Makes room for {@code extra} more bytes after {@code len}; returns {@code len}. */
    private int ensure(final int len, final int extra) {
        final byte[] b = xff;
        if (b == null || b.length - len < extra) {
            final int need = len + extra;
            final byte[] grown = new byte[Math.max(XFF_INITIAL, Integer.highestOneBit(need - 1) << 1)];
            if (b != null) {
                System.arraycopy(b, 0, grown, 0, len);
            }
            xff = grown;
            xffView = Unpooled.wrappedBuffer(grown);
            xffValue = null;
        }
        return len;
    }

    /**
     * Takes element {@code k} from the right (1: the last) of the joined XFF as the trusted client address when it
     * is an IP address; leaves the peer otherwise (too few elements, or anything but an address, a port included).
     * Empty elements ({@code a, , b}) are not counted, as RFC 9110 section 5.6.1 says a list's recipient ignores them.
     */
    private void trust(final int len, final int k) {
        final byte[] b = xff;
        int end = len;
        int seen = 0;
        for (int p = len - 1; p >= -1; p--) {
            if (p >= 0 && b[p] != ',') {
                continue;
            }
            int s = p + 1;
            int e = end;
            while (s < e && (b[s] == ' ' || b[s] == '\t')) {
                s++;
            }
            while (e > s && (b[e - 1] == ' ' || b[e - 1] == '\t')) {
                e--;
            }
            end = p;
            if (s == e) {
                continue;
            }
            if (++seen == k) {
                final int n = IpLiteral.parse(b, s, e, address);
                if (n > 0) {
                    trustedFromXff = true;
                    trustedHash = Hashing.xxh64(address, 0, n);
                    // The same entry place as the last request's (a client on a kept-alive connection): reuse.
                    final AsciiString last = xffText;
                    if (last == null || last.array() != b || last.arrayOffset() != s || last.length() != e - s) {
                        xffText = new AsciiString(b, s, e - s, false);
                    }
                    trustedText = xffText;
                }
                return;
            }
        }
    }

    private void forwardedProto(final HttpHeaderBlock headers, final int first, final int count) {
        if (trustClientProto && count == 1
            && (headers.valueEqualsIgnoreCase(first, HTTPS) || headers.valueEqualsIgnoreCase(first, HTTP))) {
            return;
        }
        if (count > 0) {
            headers.remove(X_FORWARDED_PROTO);
        }
        headers.add(X_FORWARDED_PROTO, scheme);
    }

    private void requestId(final HttpHeaderBlock headers, final int count, final SplittableRandom random) {
        if (count > 0) {
            if (preserveRequestId) {
                return;
            }
            headers.remove(X_REQUEST_ID);
        }
        writeRequestId(requestIdBytes, random);
        headers.add(X_REQUEST_ID, requestIdValue);
    }

    /** The source_ip hash of the last {@link #apply}'s trusted client address (the peer's before any request). */
    long sourceIpHash() {
        return trustedHash;
    }

    /** The last {@link #apply}'s trusted client address as text (valid until the next call). */
    AsciiString trustedAddress() {
        return trustedText;
    }

    /** True when the last {@link #apply} took the trusted client address from X-Forwarded-For. */
    boolean trustedFromXff() {
        return trustedFromXff;
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
