package io.strait.core.route;

import io.netty.util.AsciiString;
import io.strait.core.config.HeaderValueConfig;
import io.strait.core.config.RouteConfig;
import io.strait.core.config.WeightedClusterConfig;
import io.strait.core.http.HttpHeaderBlock;
import io.strait.core.http.HttpRequestHead;
import io.strait.core.http.HttpResponseHead;

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
 */
public final class Route {

    private static final AsciiString HOST = AsciiString.cached("host");
    private static final AsciiString[] NO_STRINGS = new AsciiString[0];

    private final String virtualHostName;
    private final int index;
    private final RouteMatcher matcher;
    /** Cluster indexes; one entry for a plain cluster. */
    private final int[] clusters;
    /** cumulative[i] = sum of the weights of clusters 0..i; null for a plain cluster. */
    private final long[] cumulative;
    private final long totalWeight;
    private final long timeoutMillis;
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

    private Route(final String virtualHostName, final int index, final RouteConfig config,
                  final ToIntFunction<String> clusterIndex) {
        this.virtualHostName = virtualHostName;
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
    }

    /** Compiles one route of a virtual host; cluster names are resolved through {@code clusterIndex}. */
    static Route compile(final String virtualHostName, final int index, final RouteConfig config,
                         final ToIntFunction<String> clusterIndex) {
        return new Route(virtualHostName, index, config, clusterIndex);
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

    /** True if this route splits traffic over weighted clusters. */
    public boolean isWeighted() {
        return cumulative != null;
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
