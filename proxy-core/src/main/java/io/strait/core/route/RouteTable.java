package io.strait.core.route;

import io.strait.core.config.ListenerConfig;
import io.strait.core.config.RbacConfig;
import io.strait.core.config.RouteConfig;
import io.strait.core.config.VirtualHostConfig;
import io.strait.core.http.HttpRequestHead;
import io.strait.lb.resilience.TokenBucket;

import java.util.ArrayList;
import java.util.List;
import java.util.function.ToIntFunction;

/**
 * A listener's compiled routes: virtual hosts by domain, then ordered routes. Immutable and thread-safe:
 * compiled once per listener per configuration snapshot, off the event loops, and shared by all of them.
 *
 * <p>{@link #match} picks the virtual host by the request's authority (see {@link VirtualHostMatcher} for
 * the order: exact domain, exact domain without the port, longest {@code *suffix} wildcard, {@code *}),
 * then returns the first of its routes whose match holds (see {@link RouteMatcher}). It allocates nothing
 * unless a regex has to be evaluated.
 */
public final class RouteTable {

    private static final Route[] NO_ROUTES = new Route[0];

    private final VirtualHostMatcher hosts;
    /** Per virtual host, in declaration order, its routes in order. */
    private final Route[][] routes;
    /** The listener's path normalisation, applied by {@link #normalizePath} before {@link #match}. */
    private final PathNormalizer paths;

    private RouteTable(final VirtualHostMatcher hosts, final Route[][] routes, final PathNormalizer paths) {
        this.hosts = hosts;
        this.routes = routes;
        this.paths = paths;
    }

    /**
     * Compiles a listener's virtual hosts (assumed validated by the config validator).
     *
     * @param listener     the listener; a TCP listener (no virtual hosts) gives a table that matches nothing
     * @param clusterIndex maps a cluster name to its index; a negative index fails the compilation
     * @throws IllegalArgumentException if a route names an unknown cluster or has no cluster at all
     */
    public static RouteTable compile(final ListenerConfig listener, final ToIntFunction<String> clusterIndex) {
        final List<VirtualHostConfig> vhosts = listener.virtualHosts() == null ? List.of() : listener.virtualHosts();
        final List<List<String>> domains = new ArrayList<>(vhosts.size());
        final Route[][] routes = new Route[vhosts.size()][];
        for (int v = 0; v < vhosts.size(); v++) {
            final VirtualHostConfig vh = vhosts.get(v);
            final String name = vh.name() != null ? vh.name()
                : vh.domains() != null && !vh.domains().isEmpty() ? vh.domains().get(0) : "vhost-" + v;
            domains.add(vh.domains());
            final List<RouteConfig> rs = vh.routes();
            if (rs == null || rs.isEmpty()) {
                routes[v] = NO_ROUTES;
                continue;
            }
            routes[v] = new Route[rs.size()];
            final TokenBucket vhostBucket = Route.bucket(vh.rateLimit());
            // The most specific policy wins: a route's own, else its virtual host's, else the listener's.
            final RbacConfig rbac = vh.rbac() != null ? vh.rbac() : listener.rbac();
            for (int r = 0; r < rs.size(); r++) {
                routes[v][r] = Route.compile(name, r, rs.get(r), clusterIndex, vhostBucket, vh.retry(), rbac);
            }
        }
        final PathNormalizer paths = listener.pathNormalization().isOff() ? PathNormalizer.OFF
            : new PathNormalizer(listener.pathNormalization());
        return new RouteTable(VirtualHostMatcher.build(domains), routes, paths);
    }

    /**
     * Normalises the request's path as the listener says ({@code normalize_path}, {@code merge_slashes},
     * {@code path_with_escaped_slashes}; see {@link PathNormalizer}); call it once per request before {@link #match},
     * so the route is chosen on, and the upstream gets, the normalised path. Returns {@link PathNormalizer#OK}, or a
     * result to refuse the request with: {@code PathNormalizer.status(result)} and {@code
     * PathNormalizer.reason(result)}.
     * Allocates only when the path changes. Call it on the request's thread (it edits the head).
     */
    public int normalizePath(final HttpRequestHead head) {
        return paths.normalize(head);
    }

    /**
     * The route for this request, or null when no virtual host serves its authority or none of that virtual
     * host's routes matches. May be called from any thread; reads the head without changing it.
     */
    public Route match(final HttpRequestHead head) {
        final int vh = hosts.select(head);
        if (vh < 0) {
            return null;
        }
        final Route[] rs = routes[vh];
        for (int i = 0; i < rs.length; i++) {
            final Route r = rs[i];
            if (r.matches(head)) {
                return r;
            }
        }
        return null;
    }

    /** Number of virtual hosts. */
    public int virtualHostCount() {
        return routes.length;
    }
}
