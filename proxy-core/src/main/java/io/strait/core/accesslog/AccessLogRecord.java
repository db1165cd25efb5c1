package io.strait.core.accesslog;

import io.netty.buffer.ByteBuf;
import io.netty.util.AsciiString;
import io.strait.core.http.HttpHeaderBlock;
import io.strait.core.http.HttpRequestHead;
import io.strait.lb.Host;
import org.agrona.concurrent.AtomicBuffer;
import org.agrona.concurrent.ringbuffer.ManyToOneRingBuffer;
import org.agrona.concurrent.ringbuffer.RingBuffer;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Stateless. The binary layout of an access-log record in the ring (drawn in the package Javadoc) and its encoder,
 * which runs on the event loops: it measures every field (capped), claims exactly that many bytes of the ring and
 * copies the fields straight from the request head's bytes into it. No allocation, no lock, no wait.
 */
public final class AccessLogRecord {

    /** Message type of a record to be written in the text format. */
    public static final int TEXT = 1;
    /** Message type of a record to be written in the JSON format. */
    public static final int JSON = 2;
    /**
     * Message type of a record to be written in the text format with the client certificate's URI SANs as one more
     * quoted field at the end (listeners that verify client certificates).
     */
    public static final int TEXT_PEER = 3;

    /** Longest path kept, in bytes; longer ones are truncated. */
    public static final int PATH_CAP = 2048;
    /** Longest value kept of every other text field, in bytes; longer ones are truncated. */
    public static final int FIELD_CAP = 256;

    static final int START_MILLIS = 0;
    static final int DURATION_NANOS = 8;
    static final int UPSTREAM_NANOS = 16;
    static final int BYTES_RECEIVED = 24;
    static final int BYTES_SENT = 32;
    static final int STATUS = 40;
    static final int FLAGS = 44;
    static final int VERSION = 48;
    static final int FIELDS = 49;

    /** The text fields, in record order. */
    static final int METHOD = 0;
    static final int PATH = 1;
    static final int XFF = 2;
    static final int USER_AGENT = 3;
    static final int REQUEST_ID = 4;
    static final int AUTHORITY = 5;
    static final int UPSTREAM_HOST = 6;
    /** Envoy's %DOWNSTREAM_PEER_URI_SAN%: the verified client certificate's URI SANs, comma-separated. */
    static final int PEER_URI_SAN = 7;
    static final int FIELD_COUNT = 8;

    /** The longest record: the fixed part, a length per field and every field at its cap. */
    public static final int MAX_LENGTH = FIELDS + 2 * FIELD_COUNT + PATH_CAP + (FIELD_COUNT - 1) * FIELD_CAP;

    private static final AsciiString X_FORWARDED_FOR = AsciiString.cached("x-forwarded-for");
    private static final AsciiString USER_AGENT_NAME = AsciiString.cached("user-agent");
    private static final AsciiString X_REQUEST_ID = AsciiString.cached("x-request-id");
    private static final byte[] COMMA_SPACE = {',', ' '};
    private static final byte[] NONE = {};

    /** Host to its {@code ip:port} bytes; filled once per host, read without locking afterwards. */
    private static final ConcurrentHashMap<Host, byte[]> HOST_NAMES = new ConcurrentHashMap<>();
    private static final int HOST_NAMES_MAX = 65_536;

    private AccessLogRecord() {
    }

    /** Bits per header index in {@link #scanHeaders}'s result. */
    private static final int INDEX_BITS = 21;
    private static final long INDEX_MASK = (1L << INDEX_BITS) - 1;

    /**
     * Encodes {@code e} into {@code ring} as one record of message type {@code format}.
     *
     * @param ring      the ring
     * @param view      a Netty view of the ring's whole buffer (index 0 = the ring buffer's index 0)
     * @param nowNanos  System.nanoTime() at the end of the exchange
     * @param nowMillis System.currentTimeMillis() at about the same moment
     * @return false if the ring had no room (nothing written)
     */
    public static boolean encode(final ManyToOneRingBuffer ring, final ByteBuf view, final AccessLogEntry e,
                                 final int format, final long nowNanos, final long nowMillis) {
        final HttpRequestHead r = e.request;
        final HttpHeaderBlock h = r == null ? null : r.headers();
        final AsciiString method = r == null ? e.method : r.method();
        final int methodLen = method == null ? 0 : Math.min(FIELD_CAP, method.length());
        final AsciiString refusedPath = r == null ? e.path : null;
        final int pathLen = r != null ? Math.min(PATH_CAP, r.originalPathLength())
            : refusedPath == null ? 0 : Math.min(PATH_CAP, refusedPath.length());

        final AsciiString ip = e.clientIp;
        final int ipLen = ip == null ? 0 : ip.length();
        final long found = h == null ? 0 : scanHeaders(h);
        final int xffIndex = (int) (found & INDEX_MASK) - 1;
        final int uaIndex = (int) ((found >>> INDEX_BITS) & INDEX_MASK) - 1;
        final int ridIndex = (int) (found >>> (2 * INDEX_BITS)) - 1;
        final int xffValueLen = xffIndex < 0 ? 0 : Math.min(FIELD_CAP, h.valueLength(xffIndex));
        // Not forwarded yet (a local reply): log what the proxy would have forwarded, the client appended.
        final boolean appendIp = !e.forwarded && ipLen > 0;
        final int xffLen = Math.min(FIELD_CAP, xffValueLen + (appendIp ? (xffIndex < 0 ? 0 : 2) + ipLen : 0));

        final int uaLen = uaIndex < 0 ? 0 : Math.min(FIELD_CAP, h.valueLength(uaIndex));
        final AsciiString rid = ridIndex < 0 ? e.requestId : null;
        final int ridLen = ridIndex >= 0 ? Math.min(FIELD_CAP, h.valueLength(ridIndex))
            : rid == null ? 0 : Math.min(FIELD_CAP, rid.length());
        final int hostIndex = r == null ? -1 : r.hostIndex();
        final int authIndex = hostIndex >= 0 && !h.isDead(hostIndex) ? hostIndex : -1;
        final int authLen = authIndex < 0 ? 0 : Math.min(FIELD_CAP, h.valueLength(authIndex));
        final byte[] upstream = e.host == null ? NONE : hostName(e.host);
        final int upstreamLen = Math.min(FIELD_CAP, upstream.length);
        final List<String> peerUris = e.peer == null ? List.of() : e.peer.uris();
        final int peerLen = Math.min(FIELD_CAP, joinedLength(peerUris));

        final int length = FIELDS + 2 * FIELD_COUNT + methodLen + pathLen + xffLen + uaLen + ridLen + authLen
            + upstreamLen + peerLen;
        final int index = ring.tryClaim(format, length);
        if (index == RingBuffer.INSUFFICIENT_CAPACITY) {
            return false;
        }
        try {
            final AtomicBuffer b = ring.buffer();
            final long duration = nowNanos - e.startNanos;
            b.putLong(index + START_MILLIS, nowMillis - duration / 1_000_000);
            b.putLong(index + DURATION_NANOS, duration);
            b.putLong(index + UPSTREAM_NANOS, e.upstreamServiceNanos);
            b.putLong(index + BYTES_RECEIVED, e.bytesReceived);
            b.putLong(index + BYTES_SENT, e.bytesSent);
            b.putInt(index + STATUS, e.status);
            b.putInt(index + FLAGS, e.flags);
            b.putByte(index + VERSION, (byte) (r == null ? e.version : r.version()));
            int p = index + FIELDS;

            p = putAscii(b, view, p, method, methodLen);

            b.putShort(p, (short) pathLen);
            if (pathLen > 0) {
                if (r != null) {
                    r.copyOriginalPath(view, p + 2, pathLen);
                } else {
                    view.setBytes(p + 2, refusedPath.array(), refusedPath.arrayOffset(), pathLen);
                }
            }
            p += 2 + pathLen;

            b.putShort(p, (short) xffLen);
            int q = p + 2;
            int room = xffLen;
            if (xffValueLen > 0) {
                h.copyValue(xffIndex, view, q, xffValueLen);
                q += xffValueLen;
                room -= xffValueLen;
            }
            if (appendIp) {
                if (xffIndex >= 0 && room > 0) {
                    final int n = Math.min(2, room);
                    view.setBytes(q, COMMA_SPACE, 0, n);
                    q += n;
                    room -= n;
                }
                if (room > 0) {
                    view.setBytes(q, ip.array(), ip.arrayOffset(), Math.min(room, ipLen));
                }
            }
            p += 2 + xffLen;

            p = putHeaderValue(b, view, p, h, uaIndex, uaLen);
            p = ridIndex >= 0 ? putHeaderValue(b, view, p, h, ridIndex, ridLen) : putAscii(b, view, p, rid, ridLen);
            p = putHeaderValue(b, view, p, h, authIndex, authLen);

            b.putShort(p, (short) upstreamLen);
            if (upstreamLen > 0) {
                view.setBytes(p + 2, upstream, 0, upstreamLen);
            }
            p += 2 + upstreamLen;

            b.putShort(p, (short) peerLen);
            putJoined(b, p + 2, peerUris, peerLen);
        } catch (final RuntimeException ex) {
            ring.abort(index);
            throw ex;
        }
        ring.commit(index);
        return true;
    }

    /**
     * One pass over the headers for the three the log wants: a name is compared only when its length and first
     * letter match (accept-encoding, accept-language and content-type share a length with two of them). Returns
     * the indices of x-forwarded-for, user-agent and x-request-id, each plus one (0: absent), in
     * {@link #INDEX_BITS}-bit fields, so nothing is allocated.
     */
    private static long scanHeaders(final HttpHeaderBlock h) {
        int xffIndex = -1;
        int uaIndex = -1;
        int ridIndex = -1;
        for (int i = 0, n = Math.min(h.size(), (int) INDEX_MASK - 1); i < n; i++) {
            if (h.isDead(i)) {
                continue;
            }
            switch (h.nameLength(i)) {
                case 15:
                    if (xffIndex < 0 && (h.nameByteAt(i, 0) | 0x20) == 'x' && h.nameEquals(i, X_FORWARDED_FOR)) {
                        xffIndex = i;
                    }
                    break;
                case 10:
                    if (uaIndex < 0 && (h.nameByteAt(i, 0) | 0x20) == 'u' && h.nameEquals(i, USER_AGENT_NAME)) {
                        uaIndex = i;
                    }
                    break;
                case 12:
                    if (ridIndex < 0 && (h.nameByteAt(i, 0) | 0x20) == 'x' && h.nameEquals(i, X_REQUEST_ID)) {
                        ridIndex = i;
                    }
                    break;
                default:
                    break;
            }
        }
        return (xffIndex + 1) | (long) (uaIndex + 1) << INDEX_BITS | (long) (ridIndex + 1) << (2 * INDEX_BITS);
    }

    /** Writes a length-prefixed field of {@code len} bytes of {@code s} at {@code p}; returns the next offset. */
    private static int putAscii(final AtomicBuffer b, final ByteBuf view, final int p, final AsciiString s,
                                final int len) {
        b.putShort(p, (short) len);
        if (len > 0) {
            view.setBytes(p + 2, s.array(), s.arrayOffset(), len);
        }
        return p + 2 + len;
    }

    /** Writes a length-prefixed field of {@code len} bytes of header {@code i}'s value; returns the next offset. */
    private static int putHeaderValue(final AtomicBuffer b, final ByteBuf view, final int p, final HttpHeaderBlock h,
                                      final int i, final int len) {
        b.putShort(p, (short) len);
        if (len > 0) {
            h.copyValue(i, view, p + 2, len);
        }
        return p + 2 + len;
    }

    /** The length of {@code parts} joined with commas (each char one byte: URI SANs are IA5 strings). */
    private static int joinedLength(final List<String> parts) {
        int n = parts.isEmpty() ? 0 : parts.size() - 1;
        for (int i = 0; i < parts.size(); i++) {
            n += parts.get(i).length();
        }
        return n;
    }

    /**
     * Writes the first {@code len} bytes of {@code parts} joined with commas at {@code at}, a char to a byte (a
     * char above 0x7F, which an IA5 string cannot hold, becomes {@code ?}).
     */
    private static void putJoined(final AtomicBuffer b, final int at, final List<String> parts, final int len) {
        int q = at;
        final int end = at + len;
        for (int i = 0; i < parts.size() && q < end; i++) {
            if (i > 0) {
                b.putByte(q++, (byte) ',');
            }
            final String s = parts.get(i);
            for (int j = 0, n = s.length(); j < n && q < end; j++) {
                final char c = s.charAt(j);
                b.putByte(q++, c < 0x80 ? (byte) c : (byte) '?');
            }
        }
    }

    /** {@code ip:port} of a host as ASCII bytes, made once per host. */
    static byte[] hostName(final Host host) {
        final byte[] known = HOST_NAMES.get(host);
        if (known != null) {
            return known;
        }
        if (HOST_NAMES.size() >= HOST_NAMES_MAX) {
            HOST_NAMES.clear();   // hosts come and go with configurations; never grow without bound
        }
        return HOST_NAMES.computeIfAbsent(host, AccessLogRecord::formatHost);
    }

    private static byte[] formatHost(final Host host) {
        final InetSocketAddress a = host.address();
        final String ip = a.getAddress() != null ? a.getAddress().getHostAddress() : a.getHostString();
        final String text = ip.indexOf(':') >= 0 ? "[" + ip + "]:" + a.getPort() : ip + ":" + a.getPort();
        return text.getBytes(StandardCharsets.US_ASCII);
    }
}
