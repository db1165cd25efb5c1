package io.strait.core.exchange;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelPromise;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** {@link Http2WriteCoalescer}: small writes of a turn leave as one buffer, in order, and nothing leaks. */
class Http2WriteCoalescerTest {

    private final EmbeddedChannel ch = new EmbeddedChannel(new Http2WriteCoalescer());

    @AfterEach
    void tearDown() {
        ch.finishAndReleaseAll();
    }

    private static ByteBuf text(final String s) {
        return Unpooled.copiedBuffer(s, StandardCharsets.US_ASCII);
    }

    private void write(final ByteBuf b) {
        ch.write(b, ch.voidPromise());
    }

    /** What the socket got, one string per buffer. */
    private List<String> sent() {
        final List<String> out = new ArrayList<>();
        Object o;
        while ((o = ch.readOutbound()) != null) {
            out.add(((ByteBuf) o).toString(StandardCharsets.US_ASCII));
            ((ByteBuf) o).release();
        }
        return out;
    }

    @Test
    void smallWritesBetweenTwoFlushesLeaveAsOneBufferAndAreReleased() {
        final ByteBuf a = text("HEADERS;");
        final ByteBuf b = text("DATA-HEADER;");
        final ByteBuf c = text("payload");
        write(a);
        write(b);
        write(c);
        assertThat(sent()).as("nothing before the flush").isEmpty();
        ch.flush();
        assertThat(sent()).containsExactly("HEADERS;DATA-HEADER;payload");
        assertThat(a.refCnt() + b.refCnt() + c.refCnt()).isZero();
    }

    @Test
    void aLoneWriteIsPassedOnAsItIs() {
        final ByteBuf a = text("PING-ACK");
        write(a);
        ch.flush();
        final ByteBuf out = ch.readOutbound();
        assertThat(out).isSameAs(a);
        out.release();
    }

    @Test
    void aLargeWriteOrAPromisedOneSendsWhatWasGatheredFirst() {
        write(text("a"));
        write(text("b"));
        final ByteBuf big = Unpooled.copiedBuffer("X".repeat(Http2WriteCoalescer.MAX_COPY + 1),
            StandardCharsets.US_ASCII);
        ch.write(big, ch.voidPromise());
        write(text("c"));
        final ChannelPromise promise = ch.newPromise();
        ch.write(text("goaway"), promise);
        write(text("d"));
        ch.flush();
        assertThat(sent()).containsExactly("ab", "X".repeat(Http2WriteCoalescer.MAX_COPY + 1), "c", "goaway", "d");
        assertThat(promise.isSuccess()).isTrue();
    }

    @Test
    void moreThanAChunkIsSentInSeveralBuffersInOrder() {
        final StringBuilder expected = new StringBuilder();
        for (int i = 0; i < 40; i++) {
            final String s = Integer.toString(i % 10).repeat(1000);
            expected.append(s);
            write(text(s));
        }
        ch.flush();
        final List<String> out = sent();
        assertThat(out.size()).isGreaterThan(1);
        assertThat(String.join("", out)).isEqualTo(expected.toString());
    }

    @Test
    void framesPutStraightIntoTheGatheringBufferKeepTheirPlace() {
        final Http2WriteCoalescer c = (Http2WriteCoalescer) ch.pipeline().first();
        write(text("a"));
        c.gather(3).writeBytes("hdr".getBytes(StandardCharsets.US_ASCII));
        write(text("b"));
        c.gather(Http2WriteCoalescer.CHUNK).writeBytes("next".getBytes(StandardCharsets.US_ASCII));   // no room
        write(text("c"));
        ch.flush();
        assertThat(sent()).containsExactly("ahdrb", "nextc");
    }

    @Test
    void whatIsHeldIsReleasedWhenTheHandlerGoes() {
        final ByteBuf a = text("a");
        write(a);
        assertThat(a.refCnt()).as("held, not copied").isOne();
        ch.pipeline().removeFirst();
        assertThat(a.refCnt()).isZero();
        assertThat(sent()).isEmpty();
    }
}
