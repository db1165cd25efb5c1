package io.strait.core.codec.http1;

import io.netty.buffer.Unpooled;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.embedded.EmbeddedChannel;
import io.strait.core.flow.ReadGate;
import io.strait.core.http.HttpEnd;
import io.strait.core.http.HttpResponseHead;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static io.strait.core.codec.http1.Http1TestSupport.buf;
import static io.strait.core.codec.http1.Http1TestSupport.drainInbound;
import static io.strait.core.codec.http1.Http1TestSupport.drainOutbound;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Pipelined requests wait while the responses already written are not sent (the channel is above its high water
 * mark): the next request is decoded, and reads resume, only once the channel is writable again.
 */
class Http1ServerCodecBackpressureTest {

    private static final String REQUEST = "GET /%d HTTP/1.1\r\nHost: h\r\n\r\n";

    @Test
    void theNextPipelinedRequestWaitsUntilTheOutboundBufferDrains() {
        final EmbeddedChannel ch = new EmbeddedChannel(new Http1ServerCodec(Http1Limits.DEFAULTS));
        ch.config().setWriteBufferWaterMark(new WriteBufferWaterMark(64, 128));
        ch.writeInbound(buf(String.format(REQUEST, 1) + String.format(REQUEST, 2) + String.format(REQUEST, 3)));
        final List<String> events = drainInbound(ch, new ArrayList<>());
        assertThat(events).hasSize(2).first().asString().startsWith("REQ GET /1 ");

        // The response is written but not sent (no flush: the client does not read), over the high mark.
        respond(ch, 200);
        assertThat(ch.isWritable()).isFalse();
        ch.runPendingTasks();
        assertThat(drainInbound(ch, new ArrayList<>())).isEmpty();
        assertThat(ReadGate.of(ch).isClosedBy(ReadGate.CODEC_BACKLOG)).isTrue();
        assertThat(ch.config().isAutoRead()).isFalse();

        // It drains: the second request is decoded.
        ch.flush();
        assertThat(drainOutbound(ch)).startsWith("HTTP/1.1 200 OK\r\n");
        assertThat(ch.isWritable()).isTrue();
        ch.runPendingTasks();
        events.clear();
        assertThat(drainInbound(ch, events)).hasSize(2).first().asString().startsWith("REQ GET /2 ");

        // A small response keeps it writable: the third follows at once.
        ch.writeOutbound(HttpResponseHead.of(204), HttpEnd.INSTANCE);
        ch.runPendingTasks();
        events.clear();
        assertThat(drainInbound(ch, events)).hasSize(2).first().asString().startsWith("REQ GET /3 ");
        assertThat(ch.config().isAutoRead()).isTrue();
        drainOutbound(ch);
        assertThat(ch.finish()).isFalse();
    }

    @Test
    void newInputWhileWaitingIsHeldNotDecoded() {
        final EmbeddedChannel ch = new EmbeddedChannel(new Http1ServerCodec(Http1Limits.DEFAULTS));
        ch.config().setWriteBufferWaterMark(new WriteBufferWaterMark(64, 128));
        ch.writeInbound(buf(String.format(REQUEST, 1)));
        assertThat(drainInbound(ch, new ArrayList<>())).hasSize(2);
        respond(ch, 200);
        ch.writeInbound(buf(String.format(REQUEST, 2)));   // a read already under way when reads stopped
        ch.runPendingTasks();
        assertThat(drainInbound(ch, new ArrayList<>())).isEmpty();
        ch.flush();
        drainOutbound(ch);
        ch.runPendingTasks();
        assertThat(drainInbound(ch, new ArrayList<>())).hasSize(2).first().asString().startsWith("REQ GET /2 ");
        assertThat(ch.finish()).isFalse();
    }

    /** Writes a response with a 200-byte body without flushing it. */
    private static void respond(final EmbeddedChannel ch, final int status) {
        final HttpResponseHead head = HttpResponseHead.of(status);
        head.bodyLength(200);
        ch.write(head);
        ch.write(Unpooled.wrappedBuffer(new byte[200]));
        ch.write(HttpEnd.INSTANCE);
    }
}
