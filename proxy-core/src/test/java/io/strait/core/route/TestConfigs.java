package io.strait.core.route;

import io.strait.core.config.HeaderMatcherConfig;
import io.strait.core.config.HeaderValueConfig;
import io.strait.core.config.HostPort;
import io.strait.core.config.ListenerConfig;
import io.strait.core.config.ListenerProtocol;
import io.strait.core.config.RouteConfig;
import io.strait.core.config.RouteMatchConfig;
import io.strait.core.config.VirtualHostConfig;
import io.strait.core.config.WeightedClusterConfig;

import java.time.Duration;
import java.util.List;
import java.util.function.ToIntFunction;

/** Small factories for the config records, for tests. Stateless. */
final class TestConfigs {

    private TestConfigs() {
    }

    static ListenerConfig listener(final VirtualHostConfig... vhosts) {
        return new ListenerConfig("ingress", new HostPort("127.0.0.1", 0), ListenerProtocol.HTTP, List.of(vhosts),
            null, null, null);
    }

    static VirtualHostConfig vhost(final String name, final List<String> domains, final RouteConfig... routes) {
        return new VirtualHostConfig(name, domains, List.of(routes), null);
    }

    /** Resolves names to their position in {@code names}; -1 for an unknown one. */
    static ToIntFunction<String> clusters(final String... names) {
        return name -> List.of(names).indexOf(name);
    }

    static RouteConfig route(final RouteMatchConfig match, final String cluster) {
        return new RouteConfig(match, cluster, null, Duration.ZERO, null, null, List.of(), List.of(), List.of(),
            List.of(), List.of(), null);
    }

    static RouteConfig weighted(final RouteMatchConfig match, final WeightedClusterConfig... clusters) {
        return new RouteConfig(match, null, List.of(clusters), Duration.ZERO, null, null, List.of(), List.of(),
            List.of(), List.of(), List.of(), null);
    }

    static RouteMatchConfig prefix(final String prefix) {
        return new RouteMatchConfig(prefix, null, null, List.of(), List.of());
    }

    static RouteMatchConfig path(final String path) {
        return new RouteMatchConfig(null, path, null, List.of(), List.of());
    }

    static RouteMatchConfig regex(final String regex) {
        return new RouteMatchConfig(null, null, regex, List.of(), List.of());
    }

    static RouteMatchConfig prefix(final String prefix, final HeaderMatcherConfig... headers) {
        return new RouteMatchConfig(prefix, null, null, List.of(headers), List.of());
    }

    static RouteMatchConfig prefixWithMethods(final String prefix, final String... methods) {
        return new RouteMatchConfig(prefix, null, null, List.of(), List.of(methods));
    }

    static HeaderMatcherConfig exact(final String name, final String value, final boolean invert) {
        return new HeaderMatcherConfig(name, value, null, null, null, invert);
    }

    static HeaderMatcherConfig headerPrefix(final String name, final String prefix, final boolean invert) {
        return new HeaderMatcherConfig(name, null, prefix, null, null, invert);
    }

    static HeaderMatcherConfig present(final String name, final boolean present, final boolean invert) {
        return new HeaderMatcherConfig(name, null, null, present, null, invert);
    }

    static HeaderMatcherConfig headerRegex(final String name, final String regex, final boolean invert) {
        return new HeaderMatcherConfig(name, null, null, null, regex, invert);
    }

    static HeaderValueConfig header(final String name, final String value) {
        return new HeaderValueConfig(name, value);
    }
}
