package io.strait.core.codec.http1;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link Http1Wire#classify(ByteBuf, int, int)} and the parser's classification of recorded names: word-at-a-time
 * compares fold case for letters only.
 */
class Http1WireClassifyTest {

    private static final String[] NAMES = {"", "host", "content-length", "transfer-encoding", "connection",
        "keep-alive", "proxy-connection", "te", "trailer", "upgrade", "expect"};

    @Test
    void everyCaseOfAKnownNameAndNoOtherByteMatches() {
        final ByteBuf b = Unpooled.directBuffer(64);
        try {
            for (int kind = 1; kind < NAMES.length; kind++) {
                final String name = NAMES[kind];
                assertThat(classify(b, name)).as(name).isEqualTo(kind);
                assertThat(classify(b, name.toUpperCase())).as(name).isEqualTo(kind);
                for (int at = 0; at < name.length(); at++) {
                    for (int c = 0; c < 256; c++) {
                        final char orig = name.charAt(at);
                        final boolean same = c == orig || (orig >= 'a' && orig <= 'z' && c == orig - 32);
                        final String variant = name.substring(0, at) + (char) c + name.substring(at + 1);
                        assertThat(classify(b, variant)).as("%s with %d at %d", name, c, at)
                            .isEqualTo(same ? kind : Http1Wire.K_OTHER);
                    }
                }
            }
            assertThat(classify(b, "hostx")).isEqualTo(Http1Wire.K_OTHER);
            assertThat(classify(b, "content-type")).isEqualTo(Http1Wire.K_OTHER);
        } finally {
            b.release();
        }
    }

    @Test
    void theParserClassifiesRecordedNamesTheSameWay() {
        final String[] others = {"x", "ab", "hosts", "accept", "referer", "user-agent", "content-type",
            "content-lengths", "x-forwarded-proto", "transfer-encodinx", "upgrade-insecure-requests"};
        for (int kind = 1; kind < NAMES.length + others.length; kind++) {
            final String name = kind < NAMES.length ? NAMES[kind] : others[kind - NAMES.length];
            for (int at = 0; at < name.length(); at++) {
                for (int c = '!'; c < 0x7f; c++) {
                    final String variant = name.substring(0, at) + (char) c + name.substring(at + 1);
                    if (variant.indexOf(':') >= 0 || variant.indexOf('"') >= 0 || variant.indexOf('(') >= 0
                        || variant.indexOf(')') >= 0 || variant.indexOf(',') >= 0 || variant.indexOf('/') >= 0
                        || variant.indexOf(';') >= 0 || variant.indexOf('<') >= 0 || variant.indexOf('=') >= 0
                        || variant.indexOf('>') >= 0 || variant.indexOf('?') >= 0 || variant.indexOf('@') >= 0
                        || variant.indexOf('[') >= 0 || variant.indexOf('\\') >= 0 || variant.indexOf(']') >= 0
                        || variant.indexOf('{') >= 0 || variant.indexOf('}') >= 0) {
                        continue; // not a token
                    }
                    final ByteBuf head = Unpooled.directBuffer(96);
                    final ByteBuf copy = Unpooled.directBuffer(96);
                    final Http1HeadScanner p = new Http1HeadScanner(true, 8192, 65536, 100);
                    final Http1Input input = new Http1Input();
                    try {
                        final String text = "GET / HTTP/1.1\r\n" + variant + ": v\r\n\r\n";
                        head.writeCharSequence(text, StandardCharsets.ISO_8859_1);
                        input.cumulate(UnpooledByteBufAllocator.DEFAULT, head.retain());
                        assertThat(p.scan(input.buffer())).as(text).isEqualTo(Http1HeadStates.DONE);
                        assertThat(p.headerKind(0)).as(variant).isEqualTo(classify(copy, variant));
                    } finally {
                        input.release();
                        head.release();
                        copy.release();
                    }
                }
            }
        }
    }

    /** Classifies {@code s} placed between other bytes, so reads outside it would show. */
    private static int classify(final ByteBuf b, final String s) {
        b.clear().writeBytes(new byte[] {'a', 'b', 'c'});
        for (int i = 0; i < s.length(); i++) {
            b.writeByte(s.charAt(i));
        }
        b.writeBytes(new byte[] {'x', 'y', 'z'});
        return Http1Wire.classify(b, 3, s.length());
    }
}
