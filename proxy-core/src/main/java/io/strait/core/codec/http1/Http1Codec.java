package io.strait.core.codec.http1;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.strait.core.http.HttpEnd;

/**
 * The inbound path both HTTP/1.1 codecs share: input bytes are cumulated ({@link Http1Input}), each head is scanned
 * once in place ({@link Http1HeadScanner}) and handed to the subclass as a retained slice of the input, then the
 * body is decoded ({@link Http1BodyDecoder}) into retained slices and an {@link HttpEnd}, until more input is
 * needed, the subclass makes the next message wait, or the input is broken. Confined to its channel's event loop;
 * one instance per connection.
 *
 * <p>The subclass decides what a head means ({@link #onHead}, with {@link Http1HeaderSemantics}), what happens at
 * a message's end ({@link #onBodyEnd}) and on an error ({@link #onDecodeError}), and may hold a head back
 * ({@link #beforeHead}).
 */
abstract class Http1Codec extends ChannelDuplexHandler {

    /** Reading a head. */
    static final int P_HEAD = 0;
    /** Reading a body. */
    static final int P_BODY = 1;
    /** A whole message was decoded; the next waits for the subclass (the server: for the response). */
    static final int P_WAIT = 2;
    /** Nothing more is decoded: after an error, or on a connection that will close. */
    static final int P_DONE = 3;

    final Http1Input input = new Http1Input();
    // The per-message state: a client codec's own for good; a server codec's borrowed from its loop's pool while a
    // request is in progress (null in between: see Http1ServerCodec).
    Http1HeadScanner scanner;
    Http1HeaderSemantics semantics;
    Http1BodyDecoder body;

    ChannelHandlerContext ctx;
    int phase = P_HEAD;
    /** A message was fired since the last read completed (a resumed decode then fires the read completion). */
    boolean firedSinceRead;

    Http1Codec(final boolean request, final int maxLine, final int maxHead, final int maxCount, final long maxBody) {
        this.scanner = new Http1HeadScanner(request, maxLine, maxHead, maxCount);
        this.semantics = new Http1HeaderSemantics();
        this.body = new Http1BodyDecoder(maxBody, scanner);
    }

    /** A codec whose per-message state the subclass sets before it decodes (a pooled one). */
    Http1Codec() {
    }

    @Override
    public void handlerAdded(final ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void handlerRemoved(final ChannelHandlerContext ctx) {
        input.release();
    }

    @Override
    public void channelRead(final ChannelHandlerContext ctx, final Object msg) {
        if (!(msg instanceof ByteBuf)) {
            ctx.fireChannelRead(msg);
            return;
        }
        if (phase == P_DONE) {
            ((ByteBuf) msg).release();
            return;
        }
        input.cumulate(ctx.alloc(), (ByteBuf) msg);
        decode();
    }

    @Override
    public void channelReadComplete(final ChannelHandlerContext ctx) {
        firedSinceRead = false;
        ctx.fireChannelReadComplete();
    }

    /** Decodes what is pending, firing events, until more input is needed or the next message must wait. */
    final void decode() {
        while (phase == P_HEAD || phase == P_BODY) {
            if (phase == P_HEAD) {
                final ByteBuf in = input.buffer();
                if (in == null || !in.isReadable() || !beforeHead(in)) {
                    break;
                }
                final int r = scanner.scan(in);
                if (r == Http1HeadStates.NEED_MORE) {
                    headIncomplete();
                    break;
                }
                if (r == Http1HeadStates.ERROR) {
                    onDecodeError(scanner.errorStatus(), scanner.errorReason());
                    break;
                }
                onHead(in.readRetainedSlice(scanner.headLength()));
            } else {
                final Object o = body.read(input.buffer());
                if (o == null) {
                    break;
                }
                if (o == Http1BodyDecoder.BODY_ERROR) {
                    onDecodeError(body.errorStatus(), body.errorReason());
                    break;
                }
                if (o == HttpEnd.INSTANCE) {
                    onBodyEnd();
                } else {
                    fire(o);
                }
            }
        }
        afterDecode();
        input.trim();
    }

    /** Fires {@code msg} on to the next handler. */
    final void fire(final Object msg) {
        firedSinceRead = true;
        ctx.fireChannelRead(msg);
    }

    /** Resets the scanner and the body decoder for the next message. */
    final void resetMessage() {
        scanner.reset();
        body.reset();
    }

    /**
     * Called before scanning a head in {@code in} (readable): false leaves the input as it is and stops decoding
     * (the subclass resumes it later, or has failed).
     */
    abstract boolean beforeHead(ByteBuf in);

    /** The head being scanned is not complete yet. */
    void headIncomplete() {
    }

    /** A whole head: {@code raw} is its bytes (a retained slice the subclass owns); the scanner holds its offsets. */
    abstract void onHead(ByteBuf raw);

    /** The body of the current message ended (its {@link HttpEnd} is for the subclass to fire). */
    abstract void onBodyEnd();

    /** The input is broken: a status (the downstream one: 400, 413, 414, 431, 505...) and a reason token. */
    abstract void onDecodeError(int status, String reason);

    /** A decode pass ended (input consumed as far as it could be). */
    void afterDecode() {
    }
}
