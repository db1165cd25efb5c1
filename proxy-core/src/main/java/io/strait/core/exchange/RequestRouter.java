package io.strait.core.exchange;

import io.netty.util.AsciiString;
import io.strait.core.config.RbacConfig;
import io.strait.core.http.HttpRequestHead;
import io.strait.core.route.PathNormalizer;
import io.strait.core.route.Route;
import io.strait.core.snapshot.ListenerRuntime;
import io.strait.core.snapshot.LoopState;
import io.strait.core.stats.HttpStat;
import io.strait.core.stats.LoopStats;

/**
 * Decides where one request head goes (Envoy's connection manager's request-header work, then its router filter's
 * route and host choice): sheds it under overload, normalizes its path, applies the listener's forwarding headers and
 * the client-certificate header, matches its route, checks the route's RBAC policy and has {@link UpstreamSelector}
 * pick a cluster and host. It answers with the route, or with null and the reason the request goes nowhere
 * ({@link #status}, {@link #reason}, {@link #flag}), which the {@link Exchange} answers locally; it starts no try.
 *
 * <p>Confined to its exchange's event loop; one per exchange, created with it, its refusal fields rewritten per
 * refused request: nothing allocated per request.
 */
final class RequestRouter {

    private final ListenerRuntime listener;
    private final LoopState loop;
    private final Downstream downstream;
    private final LoopStats<HttpStat> stats;
    private final UpstreamSelector selector;
    private final ForwardingHeaders forwarding;
    private final ClientCertHeader clientCert;
    private final ExchangeLog log;

    /** The last refusal: a breaker or the overload manager (503 at once, never deferred), else a plain reply. */
    private boolean overloaded;
    private int status;
    private String reason;
    /** The refusal reply's flag header (see {@link LocalReply#head}), or null. */
    private AsciiString flag;

    RequestRouter(final ListenerRuntime listener, final LoopState loop, final Downstream downstream,
                  final LoopStats<HttpStat> stats, final UpstreamSelector selector, final ForwardingHeaders forwarding,
                  final ExchangeLog log) {
        this.listener = listener;
        this.loop = loop;
        this.downstream = downstream;
        this.stats = stats;
        this.selector = selector;
        this.forwarding = forwarding;
        this.clientCert = new ClientCertHeader(listener.config().forwarding().clientCert());
        this.log = log;
    }

    /**
     * Routes {@code head}, arrived at {@code now}: returns its route, the selector holding its cluster and host (and
     * its request slot), or null when it goes nowhere (the refusal's {@link #status} and {@link #reason} then).
     */
    Route route(final HttpRequestHead head, final long now) {
        if (loop.overload().shedRequest(loop.random(), loop.index())) {
            stats.inc(HttpStat.DOWNSTREAM_RQ_OVERLOAD_CLOSE);   // the listener's share of overload.shed_requests
            return overloaded("overloaded");   // the overload manager sheds new requests before any routing work
        }
        final int pathResult = listener.routes().normalizePath(head);   // route on, and forward, the normal path
        if (pathResult != PathNormalizer.OK) {
            return refuse(PathNormalizer.status(pathResult), PathNormalizer.reason(pathResult), null);
        }
        // Before the route match, as Envoy's connection manager does: header matchers and the source_ip hash see
        // the listener's forwarding policy applied (never a client's own X-Forwarded-Proto), route edits come after.
        forwarding.apply(head.headers(), loop.random());
        clientCert.apply(head.headers(), downstream);
        log.forwarded();
        final Route r = listener.routes().match(head);
        if (r == null) {
            stats.inc(HttpStat.NO_ROUTE);
            return refuse(404, "no_route", null);
        }
        final RbacConfig rbac = r.rbac();
        if (rbac != null && !authorized(rbac)) {
            return refuse(403, "rbac_denied", null);
        }
        switch (selector.select(r, head, loop, forwarding.sourceIpHash(), stats, now)) {
            case UpstreamSelector.RATE_LIMITED:
                return refuse(429, "rate_limited", LocalReply.X_STRAIT_RATELIMITED);
            case UpstreamSelector.OVERFLOW:
                return overloaded("upstream_rq_overflow");
            case UpstreamSelector.NO_HEALTHY_HOST:
                return refuse(503, "no_healthy_upstream", null);
            default:
                return r;
        }
    }

    /** Checks the route's policy against the connection's verified client, counting the outcome. */
    private boolean authorized(final RbacConfig rbac) {
        if (rbac.allows(downstream.peerIdentity())) {
            stats.inc(HttpStat.RBAC_ALLOWED);
            return true;
        }
        stats.inc(HttpStat.RBAC_DENIED);
        return false;
    }

    private Route refuse(final int replyStatus, final String replyReason, final AsciiString replyFlag) {
        overloaded = false;
        status = replyStatus;
        reason = replyReason;
        flag = replyFlag;
        return null;
    }

    private Route overloaded(final String replyReason) {
        refuse(503, replyReason, LocalReply.X_STRAIT_OVERLOADED);
        overloaded = true;
        return null;
    }

    /** True if the last refusal was an overload (the overload manager or a breaker): answered 503 at once. */
    boolean overloaded() {
        return overloaded;
    }

    /** The last refusal's status. */
    int status() {
        return status;
    }

    /** The last refusal's reason (the reply's body and the access log's details). */
    String reason() {
        return reason;
    }

    /** The last refusal's flag header, or null. */
    AsciiString flag() {
        return flag;
    }
}
