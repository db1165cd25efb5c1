package io.strait.admin;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.handler.timeout.IdleStateEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Sharable, confined to the admin thread (every admin channel lives on it). Turns one aggregated request into an
 * {@link AdminRequest}: malformed or over-long heads are answered 400/414/431 and closed, a missing or wrong bearer
 * token 401; parameters come from the query and, for a form POST, the body. Writes the endpoint's response, keeps
 * the connection when the client asked to, runs the response's after-write action, and closes idle connections.
 */
@Sharable
final class AdminHandler extends SimpleChannelInboundHandler<FullHttpRequest> {

    private static final Logger LOG = LoggerFactory.getLogger(AdminHandler.class);

    private final Endpoints endpoints;
    private final BearerAuth auth;

    AdminHandler(final Endpoints endpoints, final BearerAuth auth) {
        this.endpoints = endpoints;
        this.auth = auth;
    }

    @Override
    protected void channelRead0(final ChannelHandlerContext ctx, final FullHttpRequest req) {
        if (req.decoderResult().isFailure()) {
            final Throwable cause = req.decoderResult().cause();
            final int status = cause instanceof TooLongHttpLineException ? 414
                : cause instanceof TooLongHttpHeaderException || cause instanceof TooLongFrameException ? 431 : 400;
            write(ctx, false, AdminResponse.text(status, "bad request: " + cause.getMessage()));
            return;
        }
        final boolean keepAlive = HttpUtil.isKeepAlive(req);
        // The dashboard page itself holds no data and a browser cannot add a header to a page load: it is served
        // without the token, and sends the one after '#token=' in its URL with every request it makes.
        final boolean dashboardPage = req.method() == HttpMethod.GET && "/".equals(req.uri());
        if (!dashboardPage && !auth.allows(req.headers().get(HttpHeaderNames.AUTHORIZATION))) {
            write(ctx, keepAlive, AdminResponse.text(401, "this admin API needs 'Authorization: Bearer <token>'")
                .withHeader("WWW-Authenticate", "Bearer realm=\"strait-admin\""));
            return;
        }
        final AdminRequest request;
        try {
            request = request(req);
        } catch (final IllegalArgumentException e) {
            write(ctx, keepAlive, AdminResponse.text(400, "bad request: " + e.getMessage()));
            return;
        }
        AdminResponse response;
        try {
            response = endpoints.dispatch(request);
        } catch (final RuntimeException e) {
            LOG.warn("admin {} {} failed", request.method(), request.path(), e);
            response = AdminResponse.text(500, "internal error: " + e);
        }
        write(ctx, keepAlive, response);
    }

    private static AdminRequest request(final FullHttpRequest req) {
        final QueryStringDecoder q = new QueryStringDecoder(req.uri());
        final Map<String, List<String>> params = new LinkedHashMap<>();
        for (final Map.Entry<String, List<String>> e : q.parameters().entrySet()) {
            params.put(e.getKey(), new ArrayList<>(e.getValue()));
        }
        final String type = req.headers().get(HttpHeaderNames.CONTENT_TYPE);
        if (req.content().isReadable() && type != null
            && type.toLowerCase(Locale.ROOT).startsWith("application/x-www-form-urlencoded")) {
            final String body = req.content().toString(StandardCharsets.UTF_8);
            final Map<String, List<String>> form = new QueryStringDecoder(body, false).parameters();
            for (final Map.Entry<String, List<String>> e : form.entrySet()) {
                params.computeIfAbsent(e.getKey(), k -> new ArrayList<>()).addAll(e.getValue());
            }
        }
        return new AdminRequest(req.method().name(), q.path(), params);
    }

    static void write(final ChannelHandlerContext ctx, final boolean keepAlive, final AdminResponse r) {
        final ByteBuf body = Unpooled.copiedBuffer(r.body(), StandardCharsets.UTF_8);
        final FullHttpResponse res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
            HttpResponseStatus.valueOf(r.status()), body);
        res.headers().set(HttpHeaderNames.CONTENT_TYPE, r.contentType())
            .setInt(HttpHeaderNames.CONTENT_LENGTH, body.readableBytes())
            .set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_CACHE)
            .set("X-Content-Type-Options", "nosniff");
        for (final Map.Entry<String, String> h : r.headers().entrySet()) {
            res.headers().set(h.getKey(), h.getValue());
        }
        if (!keepAlive) {
            res.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        }
        ctx.writeAndFlush(res).addListener(f -> {
            if (!keepAlive) {
                ctx.close();
            }
            if (r.afterWrite() != null) {
                r.afterWrite().run();
            }
        });
    }

    @Override
    public void userEventTriggered(final ChannelHandlerContext ctx, final Object evt) throws Exception {
        if (evt instanceof IdleStateEvent) {
            ctx.close();
        } else {
            super.userEventTriggered(ctx, evt);
        }
    }

    @Override
    public void exceptionCaught(final ChannelHandlerContext ctx, final Throwable cause) {
        LOG.debug("admin connection {} failed: {}", ctx.channel().remoteAddress(), cause.toString());
        ctx.close().addListener(ChannelFutureListener.CLOSE_ON_FAILURE);
    }
}
