package io.strait.core.codec.http1;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandler;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.ReferenceCountUtil;
import io.strait.core.http.HttpDecodeError;
import io.strait.core.http.HttpEnd;
import io.strait.core.http.HttpTrailers;
import io.strait.core.http.HttpRequestHead;
import io.strait.core.http.HttpResponseHead;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/** Helpers for the codec tests: feeding bytes whole or fragmented and rendering events as strings. */
final class Http1TestSupport {

    private Http1TestSupport() {
    }

    /** A buffer holding {@code s} with spare capacity, so that the codec's in-place cumulation is exercised. */
    static ByteBuf buf(final String s) {
        return Unpooled.buffer(s.length() + 64).writeBytes(s.getBytes(StandardCharsets.ISO_8859_1));
    }

    static String str(final ByteBuf b) {
        return b.toString(StandardCharsets.ISO_8859_1);
    }

    /** Renders a request head; does not release it. */
    static String render(final HttpRequestHead h) {
        return "REQ " + h.method() + " " + h.path() + " v" + h.version() + " len=" + h.bodyLength()
            + (h.expectContinue() ? " expect" : "") + " authority=" + h.authority() + " " + h.headers();
    }

    /** Renders a response head; does not release it. */
    static String render(final HttpResponseHead h) {
        return "RES " + h.status() + (h.reason() != null ? " '" + h.reason() + "'" : "") + " v" + h.version()
            + " len=" + h.bodyLength() + " " + h.headers();
    }

    /**
     * Drains inbound messages into strings, releasing each; consecutive body buffers are merged into one
     * "BODY ..." entry so that whole and fragmented feeds compare equal.
     */
    static List<String> drainInbound(final EmbeddedChannel ch, final List<String> into) {
        Object o;
        while ((o = ch.readInbound()) != null) {
            if (o instanceof ByteBuf) {
                final String s = str((ByteBuf) o);
                ((ByteBuf) o).release();
                final int last = into.size() - 1;
                if (last >= 0 && into.get(last).startsWith("BODY ")) {
                    into.set(last, into.get(last) + s);
                } else {
                    into.add("BODY " + s);
                }
            } else if (o instanceof HttpRequestHead) {
                into.add(render((HttpRequestHead) o));
                ((HttpRequestHead) o).release();
            } else if (o instanceof HttpResponseHead) {
                into.add(render((HttpResponseHead) o));
                ((HttpResponseHead) o).release();
            } else if (o == HttpEnd.INSTANCE) {
                into.add("END");
            } else if (o instanceof RenderedHead) {
                into.add(((RenderedHead) o).text);
            } else if (o instanceof HttpTrailers) {
                into.add("TRAILERS " + ((HttpTrailers) o).headers());
            } else if (o instanceof HttpDecodeError) {
                final HttpDecodeError e = (HttpDecodeError) o;
                into.add("ERROR " + e.status() + " " + e.reason());
            } else {
                into.add("OTHER " + o);
                ReferenceCountUtil.release(o);
            }
        }
        return into;
    }

    /** A head rendered at the moment it was fired (the codec reuses one head object per connection). */
    static final class RenderedHead {
        final String text;

        RenderedHead(final String text) {
            this.text = text;
        }
    }

    /**
     * A handler to put after a codec: renders each head as it is fired and releases it, as the proxy does,
     * so a test that collects events after several heads were decoded sees each one as it was.
     */
    static io.netty.channel.ChannelInboundHandlerAdapter renderer() {
        return new io.netty.channel.ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(final io.netty.channel.ChannelHandlerContext ctx, final Object msg) {
                if (msg instanceof HttpRequestHead) {
                    final HttpRequestHead h = (HttpRequestHead) msg;
                    ctx.fireChannelRead(new RenderedHead(render(h)));
                    h.release();
                } else if (msg instanceof HttpResponseHead) {
                    final HttpResponseHead h = (HttpResponseHead) msg;
                    ctx.fireChannelRead(new RenderedHead(render(h)));
                    h.release();
                } else {
                    ctx.fireChannelRead(msg);
                }
            }
        };
    }

    /** Drains outbound buffers into one string, releasing them. */
    static String drainOutbound(final EmbeddedChannel ch) {
        final StringBuilder sb = new StringBuilder();
        Object o;
        while ((o = ch.readOutbound()) != null) {
            sb.append(str((ByteBuf) o));
            ((ByteBuf) o).release();
        }
        return sb.toString();
    }

    /** Feeds the pieces to a fresh channel, then finishes it; returns every inbound event. */
    static List<String> feed(final Supplier<ChannelHandler> codec, final List<String> pieces) {
        final EmbeddedChannel ch = new EmbeddedChannel(codec.get());
        final List<String> events = new ArrayList<>();
        for (final String p : pieces) {
            ch.writeInbound(buf(p));
            drainInbound(ch, events);
        }
        ch.finish();
        drainInbound(ch, events);
        drainOutbound(ch);
        return events;
    }

    /** The input whole, one byte at a time, and split in two at every point. */
    static List<List<String>> fragmentations(final String input) {
        final List<List<String>> all = new ArrayList<>();
        all.add(List.of(input));
        final List<String> bytes = new ArrayList<>();
        for (int i = 0; i < input.length(); i++) {
            bytes.add(input.substring(i, i + 1));
        }
        all.add(bytes);
        for (int i = 1; i < input.length(); i++) {
            all.add(List.of(input.substring(0, i), input.substring(i)));
        }
        return all;
    }
}
