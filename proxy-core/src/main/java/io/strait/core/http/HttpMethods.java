package io.strait.core.http;

import io.netty.buffer.ByteBuf;
import io.netty.util.AsciiString;

/** Shared constants for the standard methods, so a codec needs no allocation to name one. Thread-safe. */
public final class HttpMethods {

    public static final AsciiString GET = AsciiString.cached("GET");
    public static final AsciiString HEAD = AsciiString.cached("HEAD");
    public static final AsciiString POST = AsciiString.cached("POST");
    public static final AsciiString PUT = AsciiString.cached("PUT");
    public static final AsciiString DELETE = AsciiString.cached("DELETE");
    public static final AsciiString CONNECT = AsciiString.cached("CONNECT");
    public static final AsciiString OPTIONS = AsciiString.cached("OPTIONS");
    public static final AsciiString TRACE = AsciiString.cached("TRACE");
    public static final AsciiString PATCH = AsciiString.cached("PATCH");

    private static final AsciiString[] KNOWN = {GET, POST, PUT, HEAD, DELETE, PATCH, OPTIONS, CONNECT, TRACE};

    private HttpMethods() {
    }

    /**
     * The method named by {@code len} bytes of {@code buf} at {@code start}: a shared constant for the
     * standard methods, a new {@link AsciiString} for an extension method.
     */
    public static AsciiString of(final ByteBuf buf, final int start, final int len) {
        for (final AsciiString m : KNOWN) {
            if (m.length() == len && matches(m, buf, start)) {
                return m;
            }
        }
        final byte[] bytes = new byte[len];
        buf.getBytes(start, bytes);
        return new AsciiString(bytes, false);
    }

    /**
     * True for the methods whose repetition has the same intended effect as one request (RFC 9110 9.2.2), which a
     * proxy may send again when it cannot know whether the first one arrived.
     */
    public static boolean isIdempotent(final AsciiString method) {
        return method == GET || method == HEAD || method == PUT || method == DELETE || method == OPTIONS
            || method == TRACE;
    }

    private static boolean matches(final AsciiString m, final ByteBuf buf, final int start) {
        for (int i = 0; i < m.length(); i++) {
            if (m.byteAt(i) != buf.getByte(start + i)) {
                return false;
            }
        }
        return true;
    }
}
