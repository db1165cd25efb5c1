package io.strait.core.codec.http2;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/** {@link Http2Preface}: HTTP/2 prior knowledge told from HTTP/1.1 by the first bytes. */
class Http2PrefaceTest {

    private static int match(final String s) {
        final ByteBuf b = Unpooled.copiedBuffer(s, StandardCharsets.US_ASCII);
        try {
            final int r = Http2Preface.match(b);
            assertThat(b.readerIndex()).as("indexes untouched").isZero();
            return r;
        } finally {
            b.release();
        }
    }

    @Test
    void theWholePrefaceIsHttp2() {
        assertThat(match("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n")).isEqualTo(Http2Preface.HTTP2);
        assertThat(match("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n\0\0\0\4\0\0\0\0\0")).isEqualTo(Http2Preface.HTTP2);
    }

    @Test
    void everyMethodIsDecidedByItsFirstTwoBytes() {
        for (final String m : new String[] {"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "TRACE"}) {
            assertThat(match(m.substring(0, Math.min(2, m.length())))).as(m).isEqualTo(Http2Preface.HTTP1);
        }
    }

    @Test
    void aPrefixOfThePrefaceWaitsForMore() {
        assertThat(match("P")).isEqualTo(Http2Preface.NEED_MORE);
        assertThat(match("PRI * HTTP/2.0\r\n")).isEqualTo(Http2Preface.NEED_MORE);
        assertThat(match("")).isEqualTo(Http2Preface.NEED_MORE);
    }

    @Test
    void aNearMissIsHttp1() {
        assertThat(match("PRI * HTTP/1.1\r\n")).isEqualTo(Http2Preface.HTTP1);
    }
}
