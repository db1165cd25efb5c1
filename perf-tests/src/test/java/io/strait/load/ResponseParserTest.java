package io.strait.load;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ResponseParserTest {

    private static final String STREAM = "HTTP/1.1 100 Continue\r\n\r\n"
        + "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello"
        + "HTTP/1.1 404 Not Found\r\ntransfer-encoding: chunked\r\n\r\n3;x=y\r\nabc\r\n10\r\n0123456789abcdef\r\n0\r\n"
        + "trailer: t\r\n\r\n"
        + "HTTP/1.0 204 No Content\r\n\r\n"
        + "HTTP/1.1 503 Busy\r\nConnection: close\r\nContent-Length: 0\r\n\r\n";

    /** Parses the stream split every {@code step} bytes; returns "status/keepAlive" per response. */
    private static List<String> parse(final int step) {
        final ResponseParser p = new ResponseParser(false);
        final byte[] bytes = STREAM.getBytes(StandardCharsets.US_ASCII);
        final List<String> out = new ArrayList<>();
        for (int i = 0; i < bytes.length; i += step) {
            final ByteBuf buf = Unpooled.wrappedBuffer(bytes, i, Math.min(step, bytes.length - i));
            try {
                while (buf.isReadable()) {
                    final int r = p.parse(buf);
                    assertThat(r).isNotEqualTo(ResponseParser.ERROR);
                    if (r == ResponseParser.COMPLETE) {
                        out.add(p.status() + "/" + p.keepAlive());
                    }
                }
            } finally {
                buf.release();
            }
        }
        assertThat(p.inResponse()).isFalse();
        return out;
    }

    @Test
    void parsesAnyFragmentation() {
        for (int step = 1; step <= STREAM.length(); step++) {
            assertThat(parse(step)).as("step %d", step)
                .containsExactly("200/true", "404/true", "204/false", "503/false");
        }
    }

    @Test
    void rejectsGarbageAndReadsUntilClose() {
        final ResponseParser p = new ResponseParser(false);
        final ByteBuf bad = Unpooled.copiedBuffer("SMTP ready\r\n", StandardCharsets.US_ASCII);
        assertThat(p.parse(bad)).isEqualTo(ResponseParser.ERROR);
        bad.release();
        p.reset();
        final ByteBuf noLength = Unpooled.copiedBuffer("HTTP/1.1 200 OK\r\n\r\nbody...", StandardCharsets.US_ASCII);
        assertThat(p.parse(noLength)).isEqualTo(ResponseParser.NEED_MORE);
        assertThat(p.readsUntilClose()).isTrue();
        noLength.release();
    }
}
