package io.strait.core.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.util.AsciiString;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link HttpHeaderBlock}'s comparisons of wire entries, over each kind of backing buffer a codec hands it (pooled
 * direct memory, a heap array, a slice and a composite, which take different access paths), with the entry placed
 * after a prefix so that its absolute offsets matter.
 */
class HttpHeaderBlockTest {

    private static final String PREFIX = "GET / HTTP/1.1\r\n";
    private static final String LINE = "Content-Type: Application/JSON\r\n";

    private static ByteBuf backing(final String kind) {
        final byte[] bytes = (PREFIX + LINE).getBytes(StandardCharsets.US_ASCII);
        return switch (kind) {
            case "direct" -> PooledByteBufAllocator.DEFAULT.directBuffer().writeBytes(bytes);
            case "heap" -> Unpooled.wrappedBuffer(bytes);
            case "slice" -> {
                final ByteBuf whole = Unpooled.directBuffer().writeBytes("xxxx".getBytes(StandardCharsets.US_ASCII))
                    .writeBytes(bytes);
                yield whole.slice(4, bytes.length);
            }
            case "composite" -> {
                final CompositeByteBuf c = Unpooled.compositeBuffer();
                c.addComponent(true, Unpooled.wrappedBuffer(bytes, 0, 20));
                c.addComponent(true, Unpooled.directBuffer().writeBytes(bytes, 20, bytes.length - 20));
                yield c;
            }
            default -> throw new IllegalArgumentException(kind);
        };
    }

    @ParameterizedTest
    @ValueSource(strings = {"direct", "heap", "composite"})
    void anAddedEntryIsWrittenAsOneFieldLineAfterWhatTheBufferHeld(final String kind) {
        final HttpHeaderBlock h = new HttpHeaderBlock();
        h.reset(null);
        final int i = h.add(AsciiString.of("x-forwarded-for"), AsciiString.of("10.0.0.1"));
        final ByteBuf out = switch (kind) {
            case "direct" -> PooledByteBufAllocator.DEFAULT.directBuffer(4);   // too small: it must grow
            case "heap" -> Unpooled.buffer(4);
            default -> Unpooled.compositeBuffer().addComponent(true, Unpooled.directBuffer(4));
        };
        try {
            out.writeBytes("GET".getBytes(StandardCharsets.US_ASCII));
            h.writeAddedLine(i, out);
            h.writeAddedLine(i, out);
            assertThat(out.toString(StandardCharsets.US_ASCII))
                .isEqualTo("GETx-forwarded-for: 10.0.0.1\r\nx-forwarded-for: 10.0.0.1\r\n");
        } finally {
            out.release();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"direct", "heap", "slice", "composite"})
    void wireEntriesCompareByNameIgnoringCaseAndByValueExactlyOrNot(final String kind) {
        final ByteBuf b = backing(kind);
        try {
            final HttpHeaderBlock h = new HttpHeaderBlock();
            h.reset(b);
            final int n = PREFIX.length();
            final int i = h.addWire(n, n + 12, n + 14, n + 30);
            assertThat(h.nameEquals(i, "content-type")).isTrue();
            assertThat(h.nameEquals(i, "CONTENT-TYPE")).isTrue();
            assertThat(h.nameEquals(i, "content-typf")).isFalse();
            assertThat(h.nameEquals(i, "content-typ")).isFalse();
            assertThat(h.valueEquals(i, "Application/JSON")).isTrue();
            assertThat(h.valueEquals(i, "application/json")).isFalse();
            assertThat(h.valueEqualsIgnoreCase(i, "application/json")).isTrue();
            assertThat(h.valueEqualsIgnoreCase(i, "application/jsox")).isFalse();
            assertThat(h.valueStartsWith(i, "Application/")).isTrue();
            assertThat(h.valueStartsWith(i, "application/")).isFalse();
            assertThat(h.valueStartsWith(i, "Application/JSON+")).isFalse();
            assertThat(h.value(i).toString()).isEqualTo("Application/JSON");
            assertThat(h.indexOf("CONTENT-type")).isEqualTo(i);
        } finally {
            b.release();
        }
    }
}
