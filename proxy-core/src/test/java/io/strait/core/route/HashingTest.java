package io.strait.core.route;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

class HashingTest {

    private static long xxh64(final String s) {
        final byte[] b = s.getBytes(StandardCharsets.US_ASCII);
        return Hashing.xxh64(b, 0, b.length);
    }

    @Test
    void matchesPublishedXxh64VectorsOnEveryLengthPath() {
        assertThat(xxh64("")).isEqualTo(0xEF46DB3751D8E999L);
        assertThat(xxh64("a")).isEqualTo(0xD24EC4F1A98C6E5BL);
        assertThat(xxh64("foo")).isEqualTo(0x33BF00A859C4BA3FL);
        assertThat(xxh64("bar")).isEqualTo(0x48A37C90AD27A659L);
        assertThat(xxh64("abcdefghijklmnopqrstuvwxyz12345")).isEqualTo(0x467605901B01D6F6L);
        assertThat(xxh64("0123456789abcdefghijklmnopqrstuvwxyz")).isEqualTo(0x69196C1B3AF0BFF9L);
    }

    @Test
    void byteBufRangeHashesLikeTheSameBytesInAnArray() {
        final byte[] b = new byte[200];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) (i * 31 + 7);
        }
        final ByteBuf direct = Unpooled.directBuffer(b.length);
        try {
            direct.writeBytes(b);
            for (int start = 0; start < 5; start++) {
                for (int end = start; end <= 120; end++) {
                    assertThat(Hashing.xxh64(direct, start, end)).as("[%d, %d)", start, end)
                        .isEqualTo(Hashing.xxh64(b, start, end));
                }
            }
            final ByteBuf framed = Unpooled.wrappedBuffer("xx0123456789abcdefghijklmnopqrstuvwxyzyy"
                .getBytes(StandardCharsets.US_ASCII));
            assertThat(Hashing.xxh64(framed, 2, 38)).isEqualTo(0x69196C1B3AF0BFF9L);
            framed.release();
        } finally {
            direct.release();
        }
    }
}
