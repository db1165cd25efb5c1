package io.strait.core.exchange;

import io.strait.core.accesslog.AccessLogEntry;
import io.strait.core.stats.AccessLogStat;
import io.strait.core.accesslog.ResponseFlags;
import io.strait.core.http.HttpDecodeError;
import io.strait.core.http.HttpRequestHead;
import io.strait.core.snapshot.ListenerRuntime;
import io.strait.core.snapshot.LoopState;
import io.strait.core.stats.LoopStats;
import io.strait.lb.Host;
import io.strait.tls.PeerIdentity;

/**
 * What an {@link Exchange} records for its access-log line, and the offer of that line at its end: one per exchange,
 * reused for each request. On a listener that keeps no log every method returns at once, so the exchange calls them
 * unconditionally and the request path pays one predictable branch per call.
 *
 * <p>Confined to the exchange's event loop.
 */
final class ExchangeLog {

    private final ListenerRuntime listener;
    private final ForwardingHeaders forwarding;
    private final LoopState loop;
    /** Null: the listener keeps no access log. */
    private final AccessLogEntry entry;
    private final LoopStats<AccessLogStat> stats;

    ExchangeLog(final ListenerRuntime listener, final ForwardingHeaders forwarding, final LoopState loop) {
        this.listener = listener;
        this.forwarding = forwarding;
        this.loop = loop;
        if (listener.accessLog() != null) {
            entry = new AccessLogEntry();
            stats = listener.accessLog().stats().loop(loop.index());
            entry.clientIp = forwarding.clientIp();
        } else {
            entry = null;
            stats = null;
        }
    }

    /** The connection's peer is known: the client address to log. */
    void peer() {
        if (entry != null) {
            entry.clientIp = forwarding.clientIp();
        }
    }

    /** A request's head arrived at {@code now} on a connection whose verified client is {@code peer} (or null). */
    void begin(final HttpRequestHead head, final long now, final PeerIdentity peer) {
        if (entry != null) {
            entry.begin(head, now);
            entry.peer = peer;
        }
    }

    /**
     * The codec refused a request whose head never became one: the request line, if the codec read one, comes from
     * the error.
     */
    void beginRefused(final HttpDecodeError error, final long now, final PeerIdentity peer) {
        final AccessLogEntry le = entry;
        if (le != null) {
            le.begin(null, now);
            le.peer = peer;
            le.method = error.method();
            le.path = error.target();
            le.version = error.version();
        }
    }

    /** The listener's forwarding policy was applied to the request (the XFF logged is what goes upstream). */
    void forwarded() {
        if (entry != null) {
            entry.forwarded = true;
        }
    }

    /** A try goes to {@code host}. */
    void host(final Host host) {
        if (entry != null) {
            entry.host = host;
        }
    }

    /** The try's connection is bound at {@code now}: the upstream service time starts. */
    void upstreamStart(final long now) {
        if (entry != null) {
            entry.upstreamStartNanos = now;
        }
    }

    /** The upstream's final response head arrived at {@code now}. */
    void upstreamHead(final int status, final long now) {
        final AccessLogEntry le = entry;
        if (le != null) {
            le.status = status;
            le.upstreamServiceNanos = now - le.upstreamStartNanos;
        }
    }

    /** {@code n} request body bytes came from the client. */
    void received(final int n) {
        if (entry != null) {
            entry.bytesReceived += n;
        }
    }

    /** {@code n} response body bytes went to the client. */
    void sent(final int n) {
        if (entry != null) {
            entry.bytesSent += n;
        }
    }

    /** Adds {@link ResponseFlags} bits. */
    void flag(final int flags) {
        if (entry != null) {
            entry.flags |= flags;
        }
    }

    /** The client went away before the response was complete: DC, unless the proxy itself closed. */
    void downstreamGone() {
        if (entry != null && (entry.flags & ResponseFlags.PROXY_CLOSE) == 0) {
            entry.flags |= ResponseFlags.DC;
        }
    }

    /**
     * Strait answered with {@code status} and {@code reason} (a {@link LocalReply}, or a gRPC trailers-only reply),
     * with a body of {@code bodyBytes}.
     */
    void localReply(final int status, final String reason, final int bodyBytes) {
        final AccessLogEntry le = entry;
        if (le != null) {
            le.status = status;
            le.bytesSent += bodyBytes;
            le.flags |= ResponseFlags.ofLocalReply(reason);
        }
    }

    /**
     * Offers the exchange's record: once per request, at its end (response written, local reply, or the connection
     * gone), while the request head's bytes are still held. A request answered before it was forwarded gets a
     * generated request id here, as a forwarded one would have.
     */
    void offer(final long now) {
        final AccessLogEntry le = entry;
        if (le == null) {
            return;
        }
        final HttpRequestHead r = le.request;
        if (r != null && !le.forwarded) {
            le.requestId = forwarding.requestIdFor(r.headers(), loop.random());
        }
        listener.accessLog().offer(le, listener.accessLogFormat(), now, stats);
        le.request = null;
    }
}
