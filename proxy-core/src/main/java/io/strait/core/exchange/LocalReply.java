package io.strait.core.exchange;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.util.AsciiString;
import io.strait.core.http.HttpResponseHead;

import java.nio.charset.StandardCharsets;

/**
 * Builds responses Strait makes itself (404, 429, 502, 503, 504, 4xx for bad requests; a gRPC request's stand in
 * {@link GrpcRequest#reply}). Stateless, thread-safe.
 */
final class LocalReply {

    static final AsciiString X_STRAIT_ERROR = AsciiString.cached("x-strait-error");
    static final AsciiString X_STRAIT_OVERLOADED = AsciiString.cached("x-strait-overloaded");
    static final AsciiString X_STRAIT_RATELIMITED = AsciiString.cached("x-strait-ratelimited");
    static final AsciiString TRUE = AsciiString.cached("true");

    private LocalReply() {
    }

    /**
     * Writes the reply's head and body (not its end) to {@code downstream}: for a gRPC request ({@code grpc}) the
     * trailers-only response {@link GrpcRequest#reply} stands for it, else {@link #head} and {@link #body}.
     *
     * @return the body bytes written
     */
    static int write(final Downstream downstream, final boolean grpc, final int status, final String reason,
                     final boolean close, final AsciiString flag) {
        if (grpc) {
            downstream.write(GrpcRequest.reply(status, reason, close, flag));
            return 0;
        }
        downstream.write(head(status, reason, close, flag));
        downstream.write(body(downstream.alloc(), reason));
        return reason.length() + 1;
    }

    /** A head for {@code status} carrying {@code x-strait-error: reason}, sized for {@link #body}. */
    static HttpResponseHead head(final int status, final String reason, final boolean close) {
        return head(status, reason, close, null);
    }

    /**
     * A head for {@code status} carrying {@code x-strait-error: reason}, sized for {@link #body}; with
     * {@code overloaded}, also {@code x-strait-overloaded: true} (a circuit breaker refused the request).
     */
    static HttpResponseHead head(final int status, final String reason, final boolean close,
                                 final boolean overloaded) {
        return head(status, reason, close, overloaded ? X_STRAIT_OVERLOADED : null);
    }

    /**
     * A head for {@code status} carrying {@code x-strait-error: reason}, sized for {@link #body}; with a non-null
     * {@code flag} ({@link #X_STRAIT_OVERLOADED}, {@link #X_STRAIT_RATELIMITED}), also {@code flag: true}.
     */
    static HttpResponseHead head(final int status, final String reason, final boolean close,
                                 final AsciiString flag) {
        final HttpResponseHead head = HttpResponseHead.of(status);
        final int length = reason.length() + 1;
        head.headers().add(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.TEXT_PLAIN);
        head.headers().add(HttpHeaderNames.CONTENT_LENGTH, AsciiString.of(Integer.toString(length)));
        head.headers().add(X_STRAIT_ERROR, new AsciiString(reason));
        if (flag != null) {
            head.headers().add(flag, TRUE);
        }
        head.bodyLength(length);
        head.close(close);
        return head;
    }

    /** The body matching {@link #head}: the reason and a newline. */
    static ByteBuf body(final ByteBufAllocator alloc, final String reason) {
        final ByteBuf buf = alloc.buffer(reason.length() + 1);
        buf.writeCharSequence(reason, StandardCharsets.US_ASCII);
        buf.writeByte('\n');
        return buf;
    }
}
