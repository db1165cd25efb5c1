package io.strait.core.route;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.strait.core.http.HttpMethods;
import io.strait.core.http.HttpRequestHead;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds request heads from HTTP/1.1 text the way the codec records them: the path and every header as
 * offsets into the original bytes. Simple split-based parsing, for tests only. Remembers what it built so
 * that {@link #releaseAll()} can release it. Confined to the test thread.
 */
final class TestRequests {

    private final List<HttpRequestHead> heads = new ArrayList<>();

    /** Parses {@code "GET /p HTTP/1.1\r\nHost: a\r\n\r\n"} (the final blank line is optional). */
    HttpRequestHead parse(final String text) {
        final byte[] bytes = text.getBytes(StandardCharsets.ISO_8859_1);
        final ByteBuf raw = Unpooled.wrappedBuffer(bytes);
        final int lineEnd = text.indexOf("\r\n");
        final int requestLineEnd = lineEnd < 0 ? text.length() : lineEnd;
        final int sp1 = text.indexOf(' ');
        final int sp2 = text.indexOf(' ', sp1 + 1);
        final HttpRequestHead head = new HttpRequestHead();
        head.reset(raw, HttpMethods.of(raw, 0, sp1), HttpRequestHead.VERSION_1_1);
        head.pathOffsets(sp1 + 1, sp2 < 0 || sp2 > requestLineEnd ? requestLineEnd : sp2);
        int pos = requestLineEnd + 2;
        while (pos < text.length()) {
            int end = text.indexOf("\r\n", pos);
            if (end < 0) {
                end = text.length();
            }
            if (end == pos) {
                break;
            }
            final int colon = text.indexOf(':', pos);
            int vStart = colon + 1;
            while (vStart < end && (text.charAt(vStart) == ' ' || text.charAt(vStart) == '\t')) {
                vStart++;
            }
            int vEnd = end;
            while (vEnd > vStart && (text.charAt(vEnd - 1) == ' ' || text.charAt(vEnd - 1) == '\t')) {
                vEnd--;
            }
            final int index = head.headers().addWire(pos, colon, vStart, vEnd);
            if (head.hostIndex() < 0 && text.substring(pos, colon).equalsIgnoreCase("host")) {
                head.hostIndex(index);
            }
            pos = end + 2;
        }
        heads.add(head);
        return head;
    }

    /** A request line plus a Host header. */
    HttpRequestHead get(final String host, final String path) {
        return parse("GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\n\r\n");
    }

    /** Releases every head built so far. */
    void releaseAll() {
        for (final HttpRequestHead head : heads) {
            head.release();
        }
        heads.clear();
    }
}
