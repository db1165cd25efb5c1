package io.strait.core.route;

import io.netty.buffer.ByteBuf;
import io.netty.util.AsciiString;
import io.strait.core.config.HashPolicyConfig;
import io.strait.core.config.HeaderValueConfig;
import io.strait.core.config.RateLimitConfig;
import io.strait.core.config.RbacConfig;
import io.strait.core.config.RetryPolicyConfig;
import io.strait.core.config.RouteConfig;
import io.strait.core.config.WeightedClusterConfig;
import io.strait.core.http.HttpHeaderBlock;
import io.strait.core.http.HttpRequestHead;
import io.strait.core.http.HttpResponseHead;
import io.strait.lb.resilience.TokenBucket;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.function.ToIntFunction;

/**
 * One compiled route: its match, its cluster (or weighted clusters), its timeout and its request and
 * response edits. Immutable and thread-safe: shared by every event loop; every {@link AsciiString} it
 * writes into a head is built at compile time.
 *
 * <p>Edits, in the order Envoy applies them: header removes (every entry of each name), then header adds
 * (appended, names lower-cased), then {@code host_rewrite} (replaces every Host entry with one and updates
 * {@link HttpRequestHead#hostIndex}), then {@code prefix_rewrite}. For a {@code prefix} route the rewrite
 * replaces the matched prefix; for a {@code path} or {@code regex} route it replaces the whole path
 * before the query, as in Envoy. The rest of the path and the query are kept.
 *
 * <p>The hash policy ({@link #hash}) gives {@code ring_hash} and {@code maglev} clusters their request hash: the first
 * entry that yields a value wins; when none does (or there is no policy) the caller's fallback, a random value, is
 * used, so such requests spread over the hosts as Envoy does.
 *
 * <p>The local rate limit ({@link #rateLimit}) is the route's own token bucket, or else its virtual host's (one bucket
 * shared by all its routes without their own), or null; buckets are built at compile time and shared by all loops.
 */
public final class Route {

    private static final AsciiString HOST = AsciiString.cached("host");
    private static final AsciiString[] NO_STRINGS = new AsciiString[0];
    private static final AsciiString COOKIE = AsciiString.cached("cookie");
    private static final byte HASH_HEADER = 0;
    private static final byte HASH_COOKIE = 1;
    private static final byte HASH_SOURCE_IP = 2;

    private final String virtualHostName;
    private final int index;
    private final RouteMatcher matcher;
    /** Cluster indexes; one entry for a plain cluster. */
    private final int[] clusters;
    /** cumulative[i] = sum of the weights of clusters 0..i; null for a plain cluster. */
    private final long[] cumulative;
    private final long totalWeight;
    private final long timeoutMillis;
    /** max_grpc_timeout in nanoseconds: -1 when not set, 0 for no cap. */
    private final long maxGrpcTimeoutNanos;
    private final byte[] prefixRewrite;
    private final AsciiString hostRewrite;
    private final AsciiString[] requestRemove;
    private final AsciiString[] requestAddNames;
    private final AsciiString[] requestAddValues;
    private final AsciiString[] responseRemove;
    private final AsciiString[] responseAddNames;
    private final AsciiString[] responseAddValues;
    /** True when the request header edits remove or add a Host header, so hostIndex must be found again. */
    private final boolean requestEditsTouchHost;
    /** Hash policy entry kinds (HASH_*), in order. */
    private final byte[] hashKinds;
    /** Header name of each HASH_HEADER entry, else null. */
    private final AsciiString[] hashHeaders;
    /** Cookie name bytes of each HASH_COOKIE entry, else null. */
    private final byte[][] hashCookies;
    /** The local rate limit: the route's own bucket, else its virtual host's, else null. */
    private final TokenBucket rateLimit;
    /** The retry policy: the route's own, else its virtual host's, else null. */
    private final RetryPolicy retryPolicy;
    /** The authorization policy: the route's own, else its virtual host's, else null. */
    private final RbacConfig rbac;

    private Route(final String virtualHostName, final int index, final RouteConfig config,
                  final ToIntFunction<String> clusterIndex, final TokenBucket virtualHostRateLimit,
                  final RetryPolicyConfig virtualHostRetry, final RbacConfig virtualHostRbac) {
        this.virtualHostName = virtualHostName;
        this.rbac = config.rbac() != null ? config.rbac() : virtualHostRbac;
        this.retryPolicy = RetryPolicy.compile(config.retry() != null ? config.retry() : virtualHostRetry);
        final TokenBucket own = bucket(config.rateLimit());
        this.rateLimit = own != null ? own : virtualHostRateLimit;
        this.index = index;
        this.matcher = RouteMatcher.compile(config.match());

        final List<WeightedClusterConfig> weighted = config.weightedClusters();
        if (config.cluster() != null) {
            this.clusters = new int[] {resolve(clusterIndex, config.cluster())};
            this.cumulative = null;
            this.totalWeight = 0;
        } else if (weighted != null && !weighted.isEmpty()) {
            this.clusters = new int[weighted.size()];
            this.cumulative = new long[weighted.size()];
            long sum = 0;
            for (int i = 0; i < clusters.length; i++) {
                final WeightedClusterConfig w = weighted.get(i);
                clusters[i] = resolve(clusterIndex, w.cluster());
                sum += Math.max(0, w.weight());
                cumulative[i] = sum;
            }
            if (sum <= 0) {
                throw new IllegalArgumentException("route " + index + " of virtual host " + virtualHostName
                    + ": weighted_clusters weights sum to 0");
            }
            this.totalWeight = sum;
        } else {
            throw new IllegalArgumentException("route " + index + " of virtual host " + virtualHostName
                + ": neither cluster nor weighted_clusters");
        }

        final Duration timeout = config.timeout();
        this.timeoutMillis = timeout == null || timeout.isNegative() ? 0 : timeout.toMillis();
        final Duration maxGrpc = config.maxGrpcTimeout();
        this.maxGrpcTimeoutNanos = maxGrpc == null || maxGrpc.isNegative() ? -1 : saturatedNanos(maxGrpc);
        this.prefixRewrite = config.prefixRewrite() == null ? null
            : config.prefixRewrite().getBytes(StandardCharsets.UTF_8);
        this.hostRewrite = config.hostRewrite() == null ? null : AsciiString.cached(config.hostRewrite());

        this.requestRemove = names(config.requestHeadersToRemove());
        this.requestAddNames = addNames(config.requestHeadersToAdd());
        this.requestAddValues = addValues(config.requestHeadersToAdd());
        this.responseRemove = names(config.responseHeadersToRemove());
        this.responseAddNames = addNames(config.responseHeadersToAdd());
        this.responseAddValues = addValues(config.responseHeadersToAdd());
        this.requestEditsTouchHost = contains(requestRemove, HOST) || contains(requestAddNames, HOST);

        final List<HashPolicyConfig> policy = config.hashPolicy() == null ? List.of() : config.hashPolicy();
        this.hashKinds = new byte[policy.size()];
        this.hashHeaders = new AsciiString[policy.size()];
        this.hashCookies = new byte[policy.size()][];
        for (int i = 0; i < hashKinds.length; i++) {
            final HashPolicyConfig p = policy.get(i);
            if (p.header() != null) {
                hashKinds[i] = HASH_HEADER;
                hashHeaders[i] = AsciiString.cached(p.header().toLowerCase(Locale.ROOT));
            } else if (p.cookie() != null) {
                hashKinds[i] = HASH_COOKIE;
                hashCookies[i] = p.cookie().getBytes(StandardCharsets.US_ASCII);
            } else if (p.sourceIp()) {
                hashKinds[i] = HASH_SOURCE_IP;
            } else {
                throw new IllegalArgumentException("route " + index + " of virtual host " + virtualHostName
                    + ": hash_policy[" + i + "] has none of header, cookie or source_ip");
            }
        }
    }

    /** Compiles one route of a virtual host; cluster names are resolved through {@code clusterIndex}. */
    static Route compile(final String virtualHostName, final int index, final RouteConfig config,
                         final ToIntFunction<String> clusterIndex) {
        return new Route(virtualHostName, index, config, clusterIndex, null, null, null);
    }

    /**
     * Compiles one route of a virtual host whose own rate limit bucket is {@code virtualHostRateLimit} (null for
     * none); the route's {@code rate_limit}, if any, takes precedence.
     */
    static Route compile(final String virtualHostName, final int index, final RouteConfig config,
                         final ToIntFunction<String> clusterIndex, final TokenBucket virtualHostRateLimit) {
        return new Route(virtualHostName, index, config, clusterIndex, virtualHostRateLimit, null, null);
    }

    /**
     * Compiles one route of a virtual host with its virtual host's rate limit bucket and retry policy (each null for
     * none); the route's own {@code rate_limit} and {@code retry}, if any, take precedence.
     */
    static Route compile(final String virtualHostName, final int index, final RouteConfig config,
                         final ToIntFunction<String> clusterIndex, final TokenBucket virtualHostRateLimit,
                         final RetryPolicyConfig virtualHostRetry, final RbacConfig virtualHostRbac) {
        return new Route(virtualHostName, index, config, clusterIndex, virtualHostRateLimit, virtualHostRetry,
            virtualHostRbac);
    }

    /** Who may use this route (its own policy, else its virtual host's), or null when anyone may. */
    public RbacConfig rbac() {
        return rbac;
    }

    /** This route's retry policy (its own, else its virtual host's), or null when requests are never retried. */
    public RetryPolicy retryPolicy() {
        return retryPolicy;
    }

    /** A full token bucket for {@code config}, or null when it is null. */
    static TokenBucket bucket(final RateLimitConfig config) {
        if (config == null) {
            return null;
        }
        final long intervalNanos = Math.max(1L, config.fillInterval().toNanos());
        return new TokenBucket(config.maxTokens(), config.tokensPerFill(), intervalNanos, System.nanoTime());
    }

    /**
     * This route's local rate limit bucket (its own, else its virtual host's), or null when it has none. The
     * caller takes one token per request with {@link TokenBucket#tryAcquire} and refuses the request when it fails.
     */
    public TokenBucket rateLimit() {
        return rateLimit;
    }

    /** True if the request satisfies this route's match. */
    boolean matches(final HttpRequestHead head) {
        return matcher.matches(head);
    }

    /**
     * The cluster index to send the request to. For weighted clusters, {@code Math.floorMod(random, total)}
     * picks a point on the cumulative weights, so any uniformly distributed long (e.g. from
     * {@code ThreadLocalRandom} or a per-loop {@code SplittableRandom}) honours the weights; a weight of 0
     * is never picked.
     */
    public int pickCluster(final long random) {
        final long[] cum = cumulative;
        if (cum == null) {
            return clusters[0];
        }
        final long point = Math.floorMod(random, totalWeight);
        for (int i = 0; i < cum.length; i++) {
            if (point < cum[i]) {
                return clusters[i];
            }
        }
        return clusters[cum.length - 1];   // unreachable: point < totalWeight == cum[last]
    }

    /**
     * The request hash for a hashing load balancer: the first hash policy entry that yields a value gives it
     * ({@code header}: XXH64 of the first value of that header; {@code cookie}: XXH64 of the first non-empty value
     * of that cookie over every Cookie header, quotes stripped; {@code source_ip}: {@code sourceIpHash}, the
     * connection's precomputed hash of the client address); {@code fallback} when none does. Allocates nothing.
     */
    public long hash(final HttpRequestHead head, final long sourceIpHash, final long fallback) {
        final byte[] kinds = hashKinds;
        for (int i = 0; i < kinds.length; i++) {
            final byte kind = kinds[i];
            if (kind == HASH_SOURCE_IP) {
                return sourceIpHash;
            }
            final HttpHeaderBlock headers = head.headers();
            if (kind == HASH_HEADER) {
                final int at = headers.indexOf(hashHeaders[i], 0);
                if (at >= 0) {
                    return headers.isAdded(at) ? hashAdded(headers.value(at))
                        : Hashing.xxh64(headers.backing(), headers.valueStart(at), headers.valueEnd(at));
                }
            } else {
                final byte[] name = hashCookies[i];
                for (int at = headers.indexOf(COOKIE, 0); at >= 0; at = headers.indexOf(COOKIE, at + 1)) {
                    final ByteBuf buf = headers.isAdded(at) ? null : headers.backing();
                    final AsciiString added = buf == null ? headers.value(at) : null;
                    final byte[] arr = added == null ? null : added.array();
                    final int start = added == null ? headers.valueStart(at) : added.arrayOffset();
                    final int end = added == null ? headers.valueEnd(at) : start + added.length();
                    final long range = findCookie(buf, arr, start, end, name);
                    if (range >= 0) {
                        return Hashing.xxh64(buf, arr, (int) (range >>> 32), (int) range);
                    }
                }
            }
        }
        return fallback;
    }

    /** True if this route has a hash policy. */
    public boolean hasHashPolicy() {
        return hashKinds.length > 0;
    }

    private static long hashAdded(final AsciiString value) {
        return Hashing.xxh64(value.array(), value.arrayOffset(), value.arrayOffset() + value.length());
    }

    /**
     * Finds cookie {@code name} in one Cookie header value ({@code a=1; b="2"}) in {@code [start, end)} of
     * {@code buf} or {@code arr}: its non-empty value (blanks trimmed, one pair of double quotes stripped) as
     * {@code valueStart << 32 | valueEnd}, or -1.
     */
    static long findCookie(final ByteBuf buf, final byte[] arr, final int start, final int end, final byte[] name) {
        int p = start;
        while (p < end) {
            final byte c = Hashing.byteAt(buf, arr, p);
            if (c == ' ' || c == '\t' || c == ';') {
                p++;
                continue;
            }
            final int nameStart = p;
            byte b = c;
            while (p < end && (b = Hashing.byteAt(buf, arr, p)) != '=' && b != ';') {
                p++;
            }
            int nameEnd = p;
            while (nameEnd > nameStart && isBlank(Hashing.byteAt(buf, arr, nameEnd - 1))) {
                nameEnd--;
            }
            if (p >= end || b != '=') {
                continue;   // a bare token without '=': skip it
            }
            p++;
            int vs = p;
            while (p < end && Hashing.byteAt(buf, arr, p) != ';') {
                p++;
            }
            int ve = p;
            while (vs < ve && isBlank(Hashing.byteAt(buf, arr, vs))) {
                vs++;
            }
            while (ve > vs && isBlank(Hashing.byteAt(buf, arr, ve - 1))) {
                ve--;
            }
            if (ve - vs >= 2 && Hashing.byteAt(buf, arr, vs) == '"' && Hashing.byteAt(buf, arr, ve - 1) == '"') {
                vs++;
                ve--;
            }
            if (ve > vs && nameEquals(buf, arr, nameStart, nameEnd, name)) {
                return (long) vs << 32 | ve;
            }
        }
        return -1;
    }

    private static boolean nameEquals(final ByteBuf buf, final byte[] arr, final int start, final int end,
                                      final byte[] name) {
        if (end - start != name.length) {
            return false;
        }
        for (int i = 0; i < name.length; i++) {
            if (Hashing.byteAt(buf, arr, start + i) != name[i]) {
                return false;
            }
        }
        return true;
    }

    private static boolean isBlank(final byte b) {
        return b == ' ' || b == '\t';
    }

    /** True if this route splits traffic over weighted clusters. */
    public boolean isWeighted() {
        return cumulative != null;
    }

    /**
     * The route's max_grpc_timeout in nanoseconds: -1 when it has none (a gRPC request's grpc-timeout then only
     * shortens {@link #timeoutMillis()}), 0 when set to 0 (grpc-timeout alone, uncapped), else the cap.
     */
    public long maxGrpcTimeoutNanos() {
        return maxGrpcTimeoutNanos;
    }

    private static long saturatedNanos(final Duration d) {
        try {
            return d.toNanos();
        } catch (final ArithmeticException e) {
            return Long.MAX_VALUE;
        }
    }

    /** The whole-request timeout in milliseconds; 0 means none. */
    public long timeoutMillis() {
        return timeoutMillis;
    }

    /** The name of the virtual host this route belongs to. */
    public String virtualHostName() {
        return virtualHostName;
    }

    /** This route's position within its virtual host, from 0 (for logs). */
    public int index() {
        return index;
    }

    /**
     * Applies this route's request edits to a head this route matched (see the class comment for the order).
     * Allocates only the rewritten path, when there is a prefix rewrite.
     */
    public void applyRequestEdits(final HttpRequestHead head) {
        final HttpHeaderBlock headers = head.headers();
        final AsciiString[] remove = requestRemove;
        for (int i = 0; i < remove.length; i++) {
            headers.remove(remove[i]);
        }
        final AsciiString[] names = requestAddNames;
        final AsciiString[] values = requestAddValues;
        for (int i = 0; i < names.length; i++) {
            headers.add(names[i], values[i]);
        }
        if (requestEditsTouchHost) {
            head.hostIndex(headers.indexOf(HOST, 0));
        }
        final AsciiString host = hostRewrite;
        if (host != null) {
            headers.remove(HOST);
            head.hostIndex(headers.add(HOST, host));
        }
        if (prefixRewrite != null) {
            rewritePath(head);
        }
    }

    /** Applies this route's response header edits: removes, then adds. Allocates nothing. */
    public void applyResponseEdits(final HttpResponseHead head) {
        final HttpHeaderBlock headers = head.headers();
        final AsciiString[] remove = responseRemove;
        for (int i = 0; i < remove.length; i++) {
            headers.remove(remove[i]);
        }
        final AsciiString[] names = responseAddNames;
        final AsciiString[] values = responseAddValues;
        for (int i = 0; i < names.length; i++) {
            headers.add(names[i], values[i]);
        }
    }

    private void rewritePath(final HttpRequestHead head) {
        final int matched;
        if (matcher.kind() == RouteMatcher.PREFIX) {
            if (!matcher.pathMatches(head)) {
                return;   // the path changed since matching: nothing to replace
            }
            matched = matcher.prefixLength();
        } else {
            matched = head.pathWithoutQueryLength();
        }
        final byte[] rewrite = prefixRewrite;
        final int pathLength = head.pathLength();
        final byte[] out = new byte[rewrite.length + pathLength - matched];
        System.arraycopy(rewrite, 0, out, 0, rewrite.length);
        for (int i = matched, o = rewrite.length; i < pathLength; i++, o++) {
            out[o] = head.pathByteAt(i);
        }
        head.path(new AsciiString(out, false));
    }

    private static int resolve(final ToIntFunction<String> clusterIndex, final String name) {
        final int i = clusterIndex.applyAsInt(name);
        if (i < 0) {
            throw new IllegalArgumentException("unknown cluster '" + name + "'");
        }
        return i;
    }

    private static AsciiString[] names(final List<String> names) {
        if (names == null || names.isEmpty()) {
            return NO_STRINGS;
        }
        final AsciiString[] out = new AsciiString[names.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = AsciiString.cached(names.get(i).toLowerCase(Locale.ROOT));
        }
        return out;
    }

    private static AsciiString[] addNames(final List<HeaderValueConfig> adds) {
        if (adds == null || adds.isEmpty()) {
            return NO_STRINGS;
        }
        final AsciiString[] out = new AsciiString[adds.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = AsciiString.cached(adds.get(i).name().toLowerCase(Locale.ROOT));
        }
        return out;
    }

    private static AsciiString[] addValues(final List<HeaderValueConfig> adds) {
        if (adds == null || adds.isEmpty()) {
            return NO_STRINGS;
        }
        final AsciiString[] out = new AsciiString[adds.size()];
        for (int i = 0; i < out.length; i++) {
            final String v = adds.get(i).value();
            out[i] = AsciiString.cached(v == null ? "" : v);
        }
        return out;
    }

    private static boolean contains(final AsciiString[] names, final AsciiString name) {
        for (final AsciiString n : names) {
            if (n.contentEqualsIgnoreCase(name)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public String toString() {
        return "Route{" + virtualHostName + "#" + index + "}";
    }
}
