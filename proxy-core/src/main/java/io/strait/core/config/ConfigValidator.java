package io.strait.core.config;

import io.strait.core.config.YamlNode.ListNode;
import io.strait.core.config.YamlNode.ScalarKind;
import io.strait.core.config.YamlNode.ScalarNode;
import io.strait.lb.LbPolicy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Confined to one thread (one instance per load). Binds a located YAML tree to the config records and validates it,
 * collecting every error with its field path and position instead of stopping at the first. The config it returns is
 * meaningful only when no error was added.
 */
final class ConfigValidator {

    static final Duration DEFAULT_DRAIN_TIMEOUT = Duration.ofSeconds(10);
    static final int DEFAULT_MAX_REQUEST_LINE = 8 * 1024;
    static final int DEFAULT_MAX_HEADERS = 64 * 1024;
    static final int DEFAULT_MAX_HEADER_COUNT = 100;
    static final long UNLIMITED_BODY = Fields.UNLIMITED;
    static final Duration DEFAULT_REQUEST_HEADERS_TIMEOUT = Duration.ofSeconds(10);
    static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(60);
    static final Duration DEFAULT_ROUTE_TIMEOUT = Duration.ofSeconds(15);
    static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(5);
    static final int DEFAULT_POOL_MAX_IDLE = 64;
    static final Duration DEFAULT_POOL_IDLE_TIMEOUT = Duration.ofSeconds(30);
    static final int MAX_TOTAL_WEIGHT = 10_000;
    static final int MAX_EVENT_LOOPS = 1024;

    /** Headers a route may neither add nor remove: they frame the message or belong to one hop. */
    private static final Set<String> PROTECTED_HEADERS = Set.of("content-length", "transfer-encoding", "connection",
        "keep-alive", "proxy-connection", "te", "trailer", "upgrade");

    private static final Map<String, Transport> TRANSPORTS = options("auto", Transport.AUTO, "epoll", Transport.EPOLL,
        "io_uring", Transport.IO_URING, "nio", Transport.NIO);
    private static final Map<String, ListenerProtocol> PROTOCOLS = options("http", ListenerProtocol.HTTP,
        "tcp", ListenerProtocol.TCP);
    private static final Map<String, AccessLogConfig.Format> ACCESS_LOG_FORMATS = options("text",
        AccessLogConfig.Format.TEXT, "json", AccessLogConfig.Format.JSON);
    private static final Map<String, LbPolicy> LB_POLICIES = lbPolicies();

    private final String source;
    private final List<ConfigError> errors;
    /** The directory relative file paths resolve against: the configuration file's. */
    private final Path baseDir;
    /** Cluster name to its path, for references and duplicates. */
    private final Map<String, String> clusterNames = new LinkedHashMap<>();

    ConfigValidator(final String source, final List<ConfigError> errors) {
        this(source, errors, Path.of(""));
    }

    /** A validator resolving relative file paths (TLS certificates) against {@code baseDir}. */
    ConfigValidator(final String source, final List<ConfigError> errors, final Path baseDir) {
        this.source = source;
        this.errors = errors;
        this.baseDir = baseDir;
    }

    /** Binds and validates the document; errors go to the list given to the constructor. */
    StraitConfig bind(final YamlNode root) {
        final Fields f = fields(root, "", "admin", "runtime", "listeners", "clusters");
        if (f == null) {
            return null;
        }
        final AdminConfig admin = admin(f);
        final RuntimeConfig runtime = runtime(f);
        final List<ClusterConfig> clusters = clusters(f);
        final List<ListenerConfig> listeners = listeners(f);
        return new StraitConfig(admin, runtime, listeners, clusters);
    }

    // ---------------------------------------------------------------------------------------------- top level

    private AdminConfig admin(final Fields root) {
        final Fields f = root.object("admin", "address");
        if (f == null) {
            return null;
        }
        return new AdminConfig(f.hostPort("address", true, 0));
    }

    private RuntimeConfig runtime(final Fields root) {
        final Fields f = root.object("runtime", "event_loops", "transport", "drain_timeout");
        if (f == null) {
            return new RuntimeConfig(0, Transport.AUTO, DEFAULT_DRAIN_TIMEOUT);
        }
        int eventLoops = 0;
        final ScalarNode loops = f.scalar("event_loops", false);
        if (loops != null && !(loops.kind() == ScalarKind.STRING && loops.text().equals("auto"))) {
            final Long n = f.integer("event_loops", 1, MAX_EVENT_LOOPS, "'auto' or a positive integer");
            eventLoops = n == null ? 0 : n.intValue();
        }
        final Transport transport = f.choice("transport", "transport", TRANSPORTS, Transport.AUTO);
        final Duration drain = f.duration("drain_timeout", DEFAULT_DRAIN_TIMEOUT, false);
        return new RuntimeConfig(eventLoops, transport, drain);
    }

    // ---------------------------------------------------------------------------------------------- clusters

    private List<ClusterConfig> clusters(final Fields root) {
        final ListNode list = root.list("clusters", false, false);
        final List<ClusterConfig> out = new ArrayList<>();
        if (list == null) {
            return List.of();
        }
        for (int i = 0; i < list.items().size(); i++) {
            final ClusterConfig c = cluster(list.items().get(i), root.childPath("clusters") + "[" + i + "]");
            if (c != null) {
                out.add(c);
            }
        }
        return List.copyOf(out);
    }

    private ClusterConfig cluster(final YamlNode node, final String path) {
        final Fields f = fields(node, path, "name", "lb", "endpoints", "connect_timeout", "pool", "health_check",
            "outlier_detection", "circuit_breakers", "slow_start", "panic_threshold", "least_request", "ring_hash",
            "maglev");
        if (f == null) {
            return null;
        }
        final String name = f.name("name", "cluster");
        if (name != null) {
            final String earlier = clusterNames.putIfAbsent(name, path);
            if (earlier != null) {
                f.errorAtValue("name", "duplicate cluster name '" + name + "' (also " + earlier + ")");
            }
        }
        final LbPolicy lb = f.choice("lb", "lb policy", LB_POLICIES, LbPolicy.ROUND_ROBIN);
        final List<EndpointConfig> endpoints = endpoints(f);
        final Duration connectTimeout = f.duration("connect_timeout", DEFAULT_CONNECT_TIMEOUT, true);
        final PoolConfig pool = pool(f);
        final CircuitBreakersConfig circuitBreakers = circuitBreakers(f);
        return new ClusterConfig(name, lb, endpoints, connectTimeout, pool, circuitBreakers,
            HealthConfigs.healthCheck(f, name), HealthConfigs.outlierDetection(f), HealthConfigs.slowStart(f),
            HealthConfigs.panicThreshold(f), leastRequest(f, lb), ringHash(f, lb), maglev(f, lb));
    }

    /** {@code ring_hash}: only with {@code lb: ring_hash}; null when absent (the defaults) or invalid (reported). */
    private static RingHashConfig ringHash(final Fields cluster, final LbPolicy lb) {
        final Fields f = cluster.object("ring_hash", "minimum_ring_size", "maximum_ring_size");
        if (f == null || !policyIs(cluster, "ring_hash", lb, LbPolicy.RING_HASH)) {
            return null;
        }
        final Long min = f.integerOr("minimum_ring_size", RingHashConfig.DEFAULT_MINIMUM, 1,
            RingHashConfig.DEFAULT_MAXIMUM);
        final Long max = f.integerOr("maximum_ring_size", RingHashConfig.DEFAULT_MAXIMUM, 1,
            RingHashConfig.DEFAULT_MAXIMUM);
        if (min == null || max == null) {
            return null;
        }
        if (max < min) {
            f.errorAtValue("maximum_ring_size", "maximum_ring_size " + max + " is below minimum_ring_size " + min);
            return null;
        }
        return new RingHashConfig(min, max);
    }

    /** {@code maglev}: only with {@code lb: maglev}; null when absent (the defaults) or invalid (reported). */
    private static MaglevConfig maglev(final Fields cluster, final LbPolicy lb) {
        final Fields f = cluster.object("maglev", "table_size");
        if (f == null || !policyIs(cluster, "maglev", lb, LbPolicy.MAGLEV)) {
            return null;
        }
        final Long size = f.integerOr("table_size", (long) MaglevConfig.DEFAULT_TABLE_SIZE, 2, Integer.MAX_VALUE);
        if (size == null) {
            return null;
        }
        try {
            io.strait.lb.LoadBalancers.maglev(size.intValue());   // the balancer's own check: a prime in range
        } catch (final IllegalArgumentException e) {
            f.errorAtValue("table_size", e.getMessage());
            return null;
        }
        return new MaglevConfig(size.intValue());
    }

    /** True if {@code lb} is {@code wanted} (or unknown: already reported); else reports {@code key} as misplaced. */
    private static boolean policyIs(final Fields cluster, final String key, final LbPolicy lb, final LbPolicy wanted) {
        if (lb != null && lb != wanted) {
            cluster.errorAtValue(key, key + " settings need lb: " + wanted.name().toLowerCase(Locale.ROOT) + " (lb is "
                + lb.name().toLowerCase(Locale.ROOT) + ")");
            return false;
        }
        return true;
    }

    /** {@code least_request}: only with {@code lb: least_request}; null when absent (the defaults) or invalid. */
    private static LeastRequestConfig leastRequest(final Fields cluster, final LbPolicy lb) {
        final Fields f = cluster.object("least_request", "choice_count", "active_request_bias");
        if (f == null || !policyIs(cluster, "least_request", lb, LbPolicy.LEAST_REQUEST)) {
            return null;
        }
        final Long choices = f.integerOr("choice_count", (long) LeastRequestConfig.DEFAULT_CHOICE_COUNT, 2, 100);
        final Double bias = f.number("active_request_bias", LeastRequestConfig.DEFAULT_ACTIVE_REQUEST_BIAS, 0, 100);
        if (choices == null || bias == null) {
            return null;
        }
        return new LeastRequestConfig(choices.intValue(), bias);
    }

    private List<EndpointConfig> endpoints(final Fields cluster) {
        final ListNode list = cluster.list("endpoints", true, true);
        final List<EndpointConfig> out = new ArrayList<>();
        if (list == null) {
            return List.of();
        }
        final Map<String, String> seen = new HashMap<>();
        boolean anyWeight = false;
        boolean allBound = true;
        for (int i = 0; i < list.items().size(); i++) {
            final String path = cluster.childPath("endpoints") + "[" + i + "]";
            final Fields f = fields(list.items().get(i), path, "address", "weight");
            if (f == null) {
                allBound = false;
                continue;
            }
            final HostPort address = f.hostPort("address", true, 1);
            final Long weight = f.integerOr("weight", 1L, 0, Integer.MAX_VALUE);
            if (address == null || weight == null) {
                allBound = false;
            }
            if (address != null) {
                final String earlier = seen.putIfAbsent(address.toString().toLowerCase(Locale.ROOT), path);
                if (earlier != null) {
                    f.errorAtValue("address", "endpoint " + address + " is listed twice (also " + earlier + ")");
                }
            }
            anyWeight |= weight != null && weight > 0;
            out.add(new EndpointConfig(address, weight == null ? 1 : weight.intValue()));
        }
        if (allBound && !anyWeight && !list.items().isEmpty()) {
            error(cluster.childPath("endpoints"), list, "at least one endpoint must have a weight above 0");
        }
        return List.copyOf(nonNull(out));
    }

    private PoolConfig pool(final Fields cluster) {
        final Fields f = cluster.object("pool", "max_idle", "idle_timeout");
        if (f == null) {
            return new PoolConfig(DEFAULT_POOL_MAX_IDLE, DEFAULT_POOL_IDLE_TIMEOUT);
        }
        final Long maxIdle = f.integerOr("max_idle", (long) DEFAULT_POOL_MAX_IDLE, 0, Integer.MAX_VALUE);
        final Duration idleTimeout = f.duration("idle_timeout", DEFAULT_POOL_IDLE_TIMEOUT, false);
        return new PoolConfig(maxIdle == null ? DEFAULT_POOL_MAX_IDLE : maxIdle.intValue(), idleTimeout);
    }

    private CircuitBreakersConfig circuitBreakers(final Fields cluster) {
        final Fields f = cluster.object("circuit_breakers", "max_connections", "max_pending_requests", "max_requests",
            "max_retries", "retry_budget");
        if (f == null) {
            return CircuitBreakersConfig.DEFAULTS;
        }
        final long d = CircuitBreakersConfig.DEFAULT_LIMIT;
        final Long maxConnections = f.integerOr("max_connections", d, 1, Integer.MAX_VALUE);
        final Long maxPending = f.integerOr("max_pending_requests", d, 1, Integer.MAX_VALUE);
        final Long maxRequests = f.integerOr("max_requests", d, 1, Integer.MAX_VALUE);
        final Long maxRetries = f.integerOr("max_retries", (long) CircuitBreakersConfig.DEFAULT_MAX_RETRIES, 0,
            Integer.MAX_VALUE);
        return new CircuitBreakersConfig(
            maxConnections == null ? CircuitBreakersConfig.DEFAULT_LIMIT : maxConnections.intValue(),
            maxPending == null ? CircuitBreakersConfig.DEFAULT_LIMIT : maxPending.intValue(),
            maxRequests == null ? CircuitBreakersConfig.DEFAULT_LIMIT : maxRequests.intValue(),
            maxRetries == null ? CircuitBreakersConfig.DEFAULT_MAX_RETRIES : maxRetries.intValue(),
            retryBudget(f));
    }

    /** Key {@code retry_budget} of circuit_breakers; null when absent or invalid (reported). */
    private RetryBudgetConfig retryBudget(final Fields breakers) {
        final Fields f = breakers.object("retry_budget", "budget_percent", "min_retry_concurrency");
        if (f == null) {
            return null;
        }
        final Double percent = f.decimal("budget_percent", RetryBudgetConfig.DEFAULT_BUDGET_PERCENT, 0, 100);
        final Long min = f.integerOr("min_retry_concurrency",
            (long) RetryBudgetConfig.DEFAULT_MIN_RETRY_CONCURRENCY, 0, Integer.MAX_VALUE);
        if (percent == null || min == null) {
            return null;
        }
        return new RetryBudgetConfig(percent, min.intValue());
    }

    // ---------------------------------------------------------------------------------------------- listeners

    private List<ListenerConfig> listeners(final Fields root) {
        final ListNode list = root.list("listeners", true, true);
        final List<ListenerConfig> out = new ArrayList<>();
        if (list == null) {
            return List.of();
        }
        final Map<String, String> names = new HashMap<>();
        final List<Bound> addresses = new ArrayList<>();
        for (int i = 0; i < list.items().size(); i++) {
            final ListenerConfig l = listener(list.items().get(i), "listeners[" + i + "]", names, addresses);
            if (l != null) {
                out.add(l);
            }
        }
        return List.copyOf(out);
    }

    /** A listener address already bound, for the "bound twice" check. */
    private record Bound(HostPort address, String listenerPath) {
    }

    private ListenerConfig listener(final YamlNode node, final String path, final Map<String, String> names,
                                    final List<Bound> addresses) {
        final Fields f = fields(node, path, "name", "address", "protocol", "tls", "cluster", "virtual_hosts",
            "limits", "timeouts", "access_log");
        if (f == null) {
            return null;
        }
        final String name = f.name("name", "listener");
        if (name != null) {
            final String earlier = names.putIfAbsent(name, path);
            if (earlier != null) {
                f.errorAtValue("name", "duplicate listener name '" + name + "' (also " + earlier + ")");
            }
        }
        final HostPort address = f.hostPort("address", true, 0);
        if (address != null && address.port() != 0) {
            for (final Bound b : addresses) {
                if (b.address().port() == address.port() && overlaps(b.address().host(), address.host())) {
                    f.errorAtValue("address", "address " + address + " is already bound by " + b.listenerPath()
                        + " (" + b.address() + ")");
                    break;
                }
            }
            addresses.add(new Bound(address, path));
        }
        final ListenerProtocol protocol = f.choice("protocol", "protocol", PROTOCOLS, ListenerProtocol.HTTP);
        if (protocol == ListenerProtocol.TCP) {
            f.errorAtValue("protocol", "tcp listeners are not implemented yet");
        }
        final ListenerTlsConfig tls = TlsConfigs.tls(f, baseDir);
        String cluster = null;
        List<VirtualHostConfig> virtualHosts = List.of();
        if (protocol == ListenerProtocol.TCP) {
            cluster = clusterRef(f, "cluster", true);
            if (f.has("virtual_hosts")) {
                f.errorAtKey("virtual_hosts", "virtual_hosts is only for protocol: http (a tcp listener names one "
                    + "cluster)");
            }
        } else {
            if (f.has("cluster")) {
                f.errorAtKey("cluster", "cluster is only for protocol: tcp (an http listener routes through "
                    + "virtual_hosts)");
            }
            if (protocol != null) {
                virtualHosts = virtualHosts(f);
            }
        }
        return new ListenerConfig(name, address, protocol, virtualHosts, cluster, limits(f), timeouts(f), tls,
            accessLog(f));
    }

    private static boolean overlaps(final String a, final String b) {
        return a.equalsIgnoreCase(b) || isWildcardHost(a) || isWildcardHost(b);
    }

    private static boolean isWildcardHost(final String host) {
        return host.equals("0.0.0.0") || host.equals("::") || host.equals("0:0:0:0:0:0:0:0");
    }

    private LimitsConfig limits(final Fields listener) {
        final Fields f = listener.object("limits", "request_line", "headers", "header_count", "body",
            "connection_buffer");
        if (f == null) {
            return new LimitsConfig(DEFAULT_MAX_REQUEST_LINE, DEFAULT_MAX_HEADERS, DEFAULT_MAX_HEADER_COUNT,
                UNLIMITED_BODY);
        }
        final Long buffer = f.size("connection_buffer", LimitsConfig.DEFAULT_CONNECTION_BUFFER, false, 1,
            Integer.MAX_VALUE);
        final Long requestLine = f.size("request_line", DEFAULT_MAX_REQUEST_LINE, false, 1, Integer.MAX_VALUE);
        final Long headers = f.size("headers", DEFAULT_MAX_HEADERS, false, 1, Integer.MAX_VALUE);
        final Long headerCount = f.integerOr("header_count", (long) DEFAULT_MAX_HEADER_COUNT, 1, Integer.MAX_VALUE);
        final Long body = f.size("body", UNLIMITED_BODY, true, 0, Long.MAX_VALUE);
        return new LimitsConfig(requestLine == null ? DEFAULT_MAX_REQUEST_LINE : requestLine.intValue(),
            headers == null ? DEFAULT_MAX_HEADERS : headers.intValue(),
            headerCount == null ? DEFAULT_MAX_HEADER_COUNT : headerCount.intValue(),
            body == null ? UNLIMITED_BODY : body,
            buffer == null ? LimitsConfig.DEFAULT_CONNECTION_BUFFER : buffer.intValue());
    }

    /**
     * Key {@code access_log}: a path (checked now: its directory must exist and be writable, so a typo fails the load
     * rather than every write) and a format. Null when absent or invalid (reported).
     */
    private AccessLogConfig accessLog(final Fields listener) {
        final Fields f = listener.object("access_log", "path", "format");
        if (f == null) {
            return null;
        }
        final String path = f.string("path", true);
        final AccessLogConfig.Format format = f.choice("format", "access log format", ACCESS_LOG_FORMATS,
            AccessLogConfig.Format.TEXT);
        if (path == null) {
            return null;
        }
        if (path.isBlank()) {
            f.errorAtValue("path", "access log path is empty (a file path, or - for standard output)");
            return null;
        }
        final String problem = AccessLogPaths.problem(path);
        if (problem != null) {
            f.errorAtValue("path", problem);
            return null;
        }
        return format == null ? null : new AccessLogConfig(path, format);
    }

    private ListenerTimeoutsConfig timeouts(final Fields listener) {
        final Fields f = listener.object("timeouts", "request_headers", "idle", "first_byte");
        if (f == null) {
            return new ListenerTimeoutsConfig(DEFAULT_REQUEST_HEADERS_TIMEOUT, DEFAULT_IDLE_TIMEOUT);
        }
        return new ListenerTimeoutsConfig(f.duration("request_headers", DEFAULT_REQUEST_HEADERS_TIMEOUT, false),
            f.duration("idle", DEFAULT_IDLE_TIMEOUT, false),
            f.duration("first_byte", ListenerTimeoutsConfig.DEFAULT_FIRST_BYTE, false));
    }

    // ---------------------------------------------------------------------------------------------- virtual hosts

    private List<VirtualHostConfig> virtualHosts(final Fields listener) {
        final ListNode list = listener.list("virtual_hosts", true, true);
        final List<VirtualHostConfig> out = new ArrayList<>();
        if (list == null) {
            return List.of();
        }
        final Map<String, String> domains = new HashMap<>();
        final Map<String, String> names = new HashMap<>();
        for (int i = 0; i < list.items().size(); i++) {
            final String path = listener.childPath("virtual_hosts") + "[" + i + "]";
            final VirtualHostConfig vh = virtualHost(list.items().get(i), path, i, domains, names);
            if (vh != null) {
                out.add(vh);
            }
        }
        return List.copyOf(out);
    }

    private VirtualHostConfig virtualHost(final YamlNode node, final String path, final int index,
                                          final Map<String, String> listenerDomains, final Map<String, String> names) {
        final Fields f = fields(node, path, "name", "domains", "routes", "rate_limit", "retry");
        if (f == null) {
            return null;
        }
        String name = "vh" + index;
        if (f.has("name")) {
            final String given = f.name("name", "virtual host");
            name = given == null ? name : given;
        }
        final String earlierName = names.putIfAbsent(name, path);
        if (earlierName != null) {
            error(path + ".name", f.positionOf("name"), "duplicate virtual host name '" + name + "' in this "
                + "listener (also " + earlierName + ")");
        }
        final List<String> domains = new ArrayList<>();
        final ListNode list = f.list("domains", true, true);
        if (list != null) {
            for (int i = 0; i < list.items().size(); i++) {
                final String itemPath = f.childPath("domains") + "[" + i + "]";
                final YamlNode item = list.items().get(i);
                final String text = scalarText(item, itemPath, "a domain");
                if (text == null) {
                    continue;
                }
                final String domain;
                try {
                    domain = ConfigSyntax.domain(text);
                } catch (final IllegalArgumentException e) {
                    error(itemPath, item, e.getMessage());
                    continue;
                }
                final String earlier = listenerDomains.putIfAbsent(domain, name);
                if (earlier != null) {
                    error(itemPath, item, domain.equals("*")
                        ? "only one virtual host per listener may use '*' (already used by virtual host '"
                            + earlier + "')"
                        : "domain '" + domain + "' is already served by virtual host '" + earlier
                            + "' of this listener");
                    continue;
                }
                domains.add(domain);
            }
        }
        final RetryPolicyConfig retry = retryPolicy(f);
        final List<RouteConfig> routes = new ArrayList<>();
        final ListNode routeList = f.list("routes", true, true);
        if (routeList != null) {
            for (int i = 0; i < routeList.items().size(); i++) {
                final RouteConfig r = route(routeList.items().get(i), f.childPath("routes") + "[" + i + "]", retry);
                if (r != null) {
                    routes.add(r);
                }
            }
        }
        return new VirtualHostConfig(name, List.copyOf(domains), List.copyOf(routes), rateLimit(f), retry);
    }

    // ---------------------------------------------------------------------------------------------- routes

    /** One route; {@code virtualHostRetry} is its virtual host's retry policy (null: none), for the timeout check. */
    private RouteConfig route(final YamlNode node, final String path, final RetryPolicyConfig virtualHostRetry) {
        final Fields f = fields(node, path, "match", "cluster", "weighted_clusters", "timeout", "prefix_rewrite",
            "host_rewrite", "request_headers_to_add", "request_headers_to_remove", "response_headers_to_add",
            "response_headers_to_remove", "hash_policy", "retry", "rate_limit");
        if (f == null) {
            return null;
        }
        final RouteMatchConfig match = match(f);
        String cluster = null;
        List<WeightedClusterConfig> weighted = null;
        final boolean hasCluster = f.has("cluster");
        final boolean hasWeighted = f.has("weighted_clusters");
        if (hasCluster && hasWeighted) {
            f.errorAtKey("weighted_clusters", "a route has either cluster or weighted_clusters, not both");
        } else if (!hasCluster && !hasWeighted) {
            error(path, node, "a route needs exactly one of cluster or weighted_clusters");
        } else if (hasCluster) {
            cluster = clusterRef(f, "cluster", true);
        } else {
            weighted = weightedClusters(f);
        }
        final Duration timeout = f.duration("timeout", DEFAULT_ROUTE_TIMEOUT, false);
        String prefixRewrite = f.string("prefix_rewrite", false);
        if (prefixRewrite != null) {
            if (!prefixRewrite.startsWith("/")) {
                f.errorAtValue("prefix_rewrite", "prefix_rewrite must start with '/'");
                prefixRewrite = null;
            } else if (match != null && match.prefix() == null
                && (match.path() != null || match.regex() != null)) {
                f.errorAtKey("prefix_rewrite", "prefix_rewrite requires match.prefix");
            }
        }
        String hostRewrite = f.string("host_rewrite", false);
        if (hostRewrite != null) {
            try {
                ConfigSyntax.hostPort(hostRewrite, 1, true);
            } catch (final IllegalArgumentException e) {
                f.errorAtValue("host_rewrite", e.getMessage());
                hostRewrite = null;
            }
        }
        final List<HeaderValueConfig> requestAdd = headersToAdd(f, "request_headers_to_add");
        final List<String> requestRemove = headersToRemove(f, "request_headers_to_remove");
        final List<HeaderValueConfig> responseAdd = headersToAdd(f, "response_headers_to_add");
        final List<String> responseRemove = headersToRemove(f, "response_headers_to_remove");
        final List<HashPolicyConfig> hashPolicy = hashPolicy(f);
        final RetryPolicyConfig retry = retryPolicy(f);
        final RetryPolicyConfig effective = retry != null ? retry : virtualHostRetry;
        if (effective != null && effective.perTryTimeout() != null && timeout != null && !timeout.isZero()
            && effective.perTryTimeout().compareTo(timeout) > 0) {
            final String message = "per_try_timeout (" + Durations.format(effective.perTryTimeout())
                + ") is longer than the route's timeout (" + Durations.format(timeout)
                + "): the route timeout bounds every try";
            if (retry != null) {
                error(f.childPath("retry") + ".per_try_timeout", retryPerTryPosition(f), message);
            } else {
                error(path + ".timeout", f.positionOf("timeout"), "the virtual host's retry." + message);
            }
        }
        return new RouteConfig(match, cluster, weighted, timeout, prefixRewrite, hostRewrite, requestAdd,
            requestRemove, responseAdd, responseRemove, hashPolicy, rateLimit(f), retry);
    }

    private static int[] retryPerTryPosition(final Fields route) {
        final YamlNode retry = route.value("retry");
        if (retry instanceof YamlNode.MapNode map) {
            final YamlNode.Entry e = map.entries().get("per_try_timeout");
            if (e != null) {
                return new int[] {e.value().line(), e.value().column()};
            }
        }
        return route.positionOf("retry");
    }

    /** Key {@code retry} of a route or virtual host; null when absent or invalid (reported). */
    private RetryPolicyConfig retryPolicy(final Fields owner) {
        final Fields f = owner.object("retry", "attempts", "on", "retriable_status_codes", "per_try_timeout",
            "backoff", "buffer_limit");
        if (f == null) {
            return null;
        }
        boolean ok = true;
        final Long attempts = f.integerOr("attempts", (long) RetryPolicyConfig.DEFAULT_ATTEMPTS, 0,
            Integer.MAX_VALUE);
        ok &= attempts != null;
        final List<String> on = retryOn(f);
        ok &= on != null;
        final List<Integer> codes = retriableStatusCodes(f);
        ok &= codes != null;
        if (on != null && codes != null) {
            final boolean wantsCodes = on.contains(RetryPolicyConfig.RETRIABLE_STATUS_CODES);
            if (wantsCodes && codes.isEmpty()) {
                error(f.childPath("on"), f.positionOf("on"), "'retriable-status-codes' needs a non-empty "
                    + "retriable_status_codes list");
                ok = false;
            } else if (!wantsCodes && !codes.isEmpty()) {
                f.errorAtKey("retriable_status_codes", "retriable_status_codes has no effect unless 'on' "
                    + "includes retriable-status-codes");
                ok = false;
            }
        }
        final Duration perTry = f.duration("per_try_timeout", null, true);
        ok &= perTry != null || !f.has("per_try_timeout");
        Duration base = RetryPolicyConfig.DEFAULT_BASE_INTERVAL;
        Duration max = RetryPolicyConfig.defaultMaxInterval(base);
        final Fields b = f.object("backoff", "base_interval", "max_interval");
        if (b != null) {
            base = b.duration("base_interval", RetryPolicyConfig.DEFAULT_BASE_INTERVAL, true);
            max = base == null ? null : b.duration("max_interval", RetryPolicyConfig.defaultMaxInterval(base), true);
            if (base != null && max != null && max.compareTo(base) < 0) {
                b.errorAtValue("max_interval", "max_interval (" + Durations.format(max) + ") must not be shorter "
                    + "than base_interval (" + Durations.format(base) + ")");
                max = null;
            }
            ok &= base != null && max != null;
        } else if (f.has("backoff")) {
            ok = false;   // not a map: reported
        }
        final Long bufferLimit = f.size("buffer_limit", RetryPolicyConfig.DEFAULT_BUFFER_LIMIT, false, 0,
            Integer.MAX_VALUE);
        ok &= bufferLimit != null;
        if (!ok) {
            return null;
        }
        return new RetryPolicyConfig(attempts.intValue(), on, codes, perTry, base, max, bufferLimit);
    }

    /** Key {@code on} of a retry policy: a list of names, or one comma-separated string as in Envoy's retry_on. */
    private List<String> retryOn(final Fields retry) {
        final YamlNode v = retry.value("on");
        if (v == null) {
            retry.missing("on");
            return null;
        }
        final List<YamlNode> items;
        final List<String> texts = new ArrayList<>();
        final String path = retry.childPath("on");
        if (v instanceof ListNode list) {
            items = list.items();
            if (items.isEmpty()) {
                error(path, v, "must not be empty");
                return null;
            }
            for (int i = 0; i < items.size(); i++) {
                final String t = scalarText(items.get(i), path + "[" + i + "]", "a retry_on name");
                texts.add(t);
            }
        } else if (v instanceof ScalarNode s && s.kind() == ScalarKind.STRING) {
            items = new ArrayList<>();
            for (final String part : s.text().split(",", -1)) {
                items.add(s);
                texts.add(part.trim());
            }
        } else {
            error(path, v, "expected a list of retry_on names, got " + v.kindName());
            return null;
        }
        final List<String> out = new ArrayList<>();
        boolean ok = true;
        for (int i = 0; i < texts.size(); i++) {
            final String t = texts.get(i);
            if (t == null) {
                ok = false;
                continue;
            }
            final String itemPath = v instanceof ListNode ? path + "[" + i + "]" : path;
            if (!RetryPolicyConfig.RETRY_ON.contains(t)) {
                final String suggestion = ConfigSyntax.suggest(t, RetryPolicyConfig.RETRY_ON);
                error(itemPath, items.get(i), "unknown retry_on '" + t + "' (expected one of "
                    + String.join(", ", RetryPolicyConfig.RETRY_ON)
                    + (suggestion == null ? ")" : "; did you mean '" + suggestion + "'?)"));
                ok = false;
            } else if (out.contains(t)) {
                error(itemPath, items.get(i), "'" + t + "' is listed twice");
                ok = false;
            } else {
                out.add(t);
            }
        }
        return ok ? List.copyOf(out) : null;
    }

    /** Key {@code retriable_status_codes}: statuses in 100..599; empty when absent, null when invalid. */
    private List<Integer> retriableStatusCodes(final Fields retry) {
        final ListNode list = retry.list("retriable_status_codes", false, false);
        if (list == null) {
            return retry.has("retriable_status_codes") ? null : List.of();
        }
        final List<Integer> out = new ArrayList<>();
        boolean ok = true;
        for (int i = 0; i < list.items().size(); i++) {
            final String path = retry.childPath("retriable_status_codes") + "[" + i + "]";
            final YamlNode item = list.items().get(i);
            if (Fields.reported(item)) {
                ok = false;
                continue;
            }
            if (!(item instanceof ScalarNode s) || s.kind() != ScalarKind.INT) {
                error(path, item, "expected an HTTP status code, got " + (item instanceof ScalarNode s2
                    && s2.kind() != ScalarKind.NULL ? s2.kind().description() + " '" + s2.text() + "'"
                    : item.kindName()));
                ok = false;
                continue;
            }
            final long code;
            try {
                code = Long.parseLong(s.text());
            } catch (final NumberFormatException e) {
                error(path, item, "expected an HTTP status code, got '" + s.text() + "'");
                ok = false;
                continue;
            }
            if (code < 100 || code > 599) {
                error(path, item, "a status code must be between 100 and 599, got " + code);
                ok = false;
            } else if (!out.contains((int) code)) {
                out.add((int) code);
            }
        }
        return ok ? List.copyOf(out) : null;
    }

    /** Key {@code rate_limit} of a route or virtual host; null when absent or invalid (reported). */
    private RateLimitConfig rateLimit(final Fields owner) {
        final Fields f = owner.object("rate_limit", "max_tokens", "tokens_per_fill", "fill_interval");
        if (f == null) {
            return null;
        }
        final Long maxTokens = f.integer("max_tokens", 1, Integer.MAX_VALUE, "a token count");
        if (maxTokens == null && !f.has("max_tokens")) {
            f.missing("max_tokens");
        }
        final Long perFill = f.integerOr("tokens_per_fill", maxTokens, 1, Integer.MAX_VALUE);
        final Duration interval = f.duration("fill_interval", null, true);
        if (interval == null && !f.has("fill_interval")) {
            f.missing("fill_interval");
        }
        if (maxTokens == null || perFill == null || interval == null) {
            return null;
        }
        return new RateLimitConfig(maxTokens, perFill, interval);
    }

    private List<HashPolicyConfig> hashPolicy(final Fields route) {
        final ListNode list = route.list("hash_policy", false, false);
        if (list == null) {
            return List.of();
        }
        final List<HashPolicyConfig> out = new ArrayList<>();
        for (int i = 0; i < list.items().size(); i++) {
            final String path = route.childPath("hash_policy") + "[" + i + "]";
            final Fields f = fields(list.items().get(i), path, "header", "cookie", "source_ip");
            if (f == null) {
                continue;
            }
            String first = null;
            for (final String key : new String[] {"header", "cookie", "source_ip"}) {
                if (f.has(key)) {
                    if (first != null) {
                        f.errorAtKey(key, "a hash policy has exactly one of header, cookie or source_ip (already "
                            + "has " + first + ")");
                    } else {
                        first = key;
                    }
                }
            }
            if (first == null) {
                error(path, list.items().get(i), "a hash policy needs exactly one of header, cookie or source_ip");
                continue;
            }
            switch (first) {
                case "header" -> {
                    final String name = f.headerName("header", true);
                    if (name != null) {
                        out.add(HashPolicyConfig.ofHeader(name));
                    }
                }
                case "cookie" -> {
                    final String name = f.string("cookie", true);
                    if (name != null && !ConfigSyntax.isToken(name)) {
                        f.errorAtValue("cookie", "'" + name + "' is not a valid cookie name");
                    } else if (name != null) {
                        out.add(HashPolicyConfig.ofCookie(name));
                    }
                }
                default -> {
                    final Boolean on = f.bool("source_ip", null);
                    if (Boolean.FALSE.equals(on)) {
                        f.errorAtValue("source_ip", "source_ip must be true (leave the entry out instead)");
                    } else if (on != null) {
                        out.add(HashPolicyConfig.ofSourceIp());
                    }
                }
            }
        }
        return List.copyOf(out);
    }

    private RouteMatchConfig match(final Fields route) {
        final Fields f = route.object("match", "prefix", "path", "regex", "headers", "methods");
        if (f == null) {
            if (!route.has("match")) {
                route.missing("match");
            }
            return null;
        }
        String first = null;
        for (final String key : new String[] {"prefix", "path", "regex"}) {
            if (f.has(key)) {
                if (first != null) {
                    f.errorAtKey(key, "a match has exactly one of prefix, path or regex (already has " + first + ")");
                } else {
                    first = key;
                }
            }
        }
        if (first == null) {
            error(route.childPath("match"), f.map(), "a match needs exactly one of prefix, path or regex");
        }
        final String prefix = "prefix".equals(first) ? f.string("prefix", true) : null;
        final String exactPath = "path".equals(first) ? f.string("path", true) : null;
        final String regex = "regex".equals(first) ? f.string("regex", true) : null;
        if (prefix != null && !prefix.startsWith("/")) {
            f.errorAtValue("prefix", "prefix must start with '/'");
        }
        if (exactPath != null && !exactPath.startsWith("/")) {
            f.errorAtValue("path", "path must start with '/'");
        }
        if (regex != null) {
            f.regex("regex", regex);
        }
        final List<HeaderMatcherConfig> headers = new ArrayList<>();
        final ListNode list = f.list("headers", false, false);
        if (list != null) {
            for (int i = 0; i < list.items().size(); i++) {
                final HeaderMatcherConfig h = headerMatcher(list.items().get(i), f.childPath("headers") + "[" + i
                    + "]");
                if (h != null) {
                    headers.add(h);
                }
            }
        }
        final List<String> methods = new ArrayList<>();
        final ListNode methodList = f.list("methods", false, false);
        if (methodList != null) {
            for (int i = 0; i < methodList.items().size(); i++) {
                final String itemPath = f.childPath("methods") + "[" + i + "]";
                final YamlNode item = methodList.items().get(i);
                final String m = scalarText(item, itemPath, "a method");
                if (m != null && !ConfigSyntax.isToken(m)) {
                    error(itemPath, item, "'" + m + "' is not a valid HTTP method token");
                } else if (m != null) {
                    methods.add(m);
                }
            }
        }
        return new RouteMatchConfig(prefix, exactPath, regex, List.copyOf(headers), List.copyOf(methods));
    }

    private HeaderMatcherConfig headerMatcher(final YamlNode node, final String path) {
        final Fields f = fields(node, path, "name", "exact", "prefix", "present", "regex", "invert");
        if (f == null) {
            return null;
        }
        final String name = f.headerName("name", true);
        String first = null;
        for (final String key : new String[] {"exact", "prefix", "present", "regex"}) {
            if (f.has(key)) {
                if (first != null) {
                    f.errorAtKey(key, "a header matcher has exactly one of exact, prefix, present or regex "
                        + "(already has " + first + ")");
                } else {
                    first = key;
                }
            }
        }
        if (first == null) {
            error(path, node, "a header matcher needs exactly one of exact, prefix, present or regex");
        }
        final String exact = "exact".equals(first) ? f.string("exact", true) : null;
        final String prefix = "prefix".equals(first) ? f.string("prefix", true) : null;
        final Boolean present = "present".equals(first) ? f.bool("present", null) : null;
        final String regex = "regex".equals(first) ? f.string("regex", true) : null;
        if (regex != null) {
            f.regex("regex", regex);
        }
        final Boolean invert = f.bool("invert", Boolean.FALSE);
        return new HeaderMatcherConfig(name, exact, prefix, present, regex, invert != null && invert);
    }

    private List<WeightedClusterConfig> weightedClusters(final Fields route) {
        final ListNode list = route.list("weighted_clusters", true, true);
        final List<WeightedClusterConfig> out = new ArrayList<>();
        if (list == null) {
            return List.of();
        }
        long total = 0;
        for (int i = 0; i < list.items().size(); i++) {
            final Fields f = fields(list.items().get(i), route.childPath("weighted_clusters") + "[" + i + "]",
                "cluster", "weight");
            if (f == null) {
                continue;
            }
            final String cluster = clusterRef(f, "cluster", true);
            final Long weight = f.integer("weight", 1, MAX_TOTAL_WEIGHT, null);
            if (weight == null) {
                if (!f.has("weight")) {
                    f.missing("weight");
                }
                continue;
            }
            total += weight;
            out.add(new WeightedClusterConfig(cluster, weight.intValue()));
        }
        if (total > MAX_TOTAL_WEIGHT) {
            error(route.childPath("weighted_clusters"), list, "the weights add up to " + total + "; the total must "
                + "be at most " + MAX_TOTAL_WEIGHT);
        }
        return List.copyOf(out);
    }

    private List<HeaderValueConfig> headersToAdd(final Fields route, final String key) {
        final ListNode list = route.list(key, false, false);
        final List<HeaderValueConfig> out = new ArrayList<>();
        if (list == null) {
            return List.of();
        }
        for (int i = 0; i < list.items().size(); i++) {
            final Fields f = fields(list.items().get(i), route.childPath(key) + "[" + i + "]", "name", "value");
            if (f == null) {
                continue;
            }
            final String name = f.headerName("name", true);
            final String value = f.string("value", true);
            if (value != null) {
                final String bad = ConfigSyntax.forbiddenInHeaderValue(value);
                if (bad != null) {
                    f.errorAtValue("value", "a header value must not contain " + bad);
                }
            }
            if (name != null && PROTECTED_HEADERS.contains(name)) {
                f.errorAtValue("name", "'" + name + "' cannot be added: it frames the message or belongs to one hop");
            } else if (name != null && name.equals("host")) {
                f.errorAtValue("name", "'host' cannot be added: use host_rewrite");
            }
            out.add(new HeaderValueConfig(name, value));
        }
        return List.copyOf(nonNull(out));
    }

    private List<String> headersToRemove(final Fields route, final String key) {
        final ListNode list = route.list(key, false, false);
        if (list == null) {
            return List.of();
        }
        final List<String> out = new ArrayList<>();
        for (int i = 0; i < list.items().size(); i++) {
            final String path = route.childPath(key) + "[" + i + "]";
            final YamlNode item = list.items().get(i);
            final String text = scalarText(item, path, "a header name");
            if (text == null) {
                continue;
            }
            final String name = text.toLowerCase(Locale.ROOT);
            if (!ConfigSyntax.isToken(name)) {
                error(path, item, "'" + text + "' is not a valid header name");
            } else if (PROTECTED_HEADERS.contains(name) || name.equals("host")) {
                error(path, item, "'" + name + "' cannot be removed: the proxy manages it");
            } else {
                out.add(name);
            }
        }
        return List.copyOf(out);
    }

    // ---------------------------------------------------------------------------------------------- helpers

    private static <T> List<T> nonNull(final List<T> list) {
        list.removeIf(Objects::isNull);
        return list;
    }

    private void error(final String path, final YamlNode at, final String message) {
        errors.add(new ConfigError(source, path, at.line(), at.column(), message));
    }

    private void error(final String path, final int[] at, final String message) {
        errors.add(new ConfigError(source, path, at[0], at[1], message));
    }

    private Fields fields(final YamlNode node, final String path, final String... known) {
        return Fields.of(node, path, source, errors, known);
    }

    /** The cluster name under {@code key}, which must name a defined cluster; null when absent or unknown. */
    private String clusterRef(final Fields f, final String key, final boolean required) {
        final String name = f.string(key, required);
        if (name != null && !clusterNames.containsKey(name)) {
            f.errorAtValue(key, "unknown cluster '" + name + "' " + (clusterNames.isEmpty()
                ? "(no clusters are defined)"
                : "(known: " + String.join(", ", clusterNames.keySet()) + ")"));
            return null;
        }
        return name;
    }

    /** The text of a scalar list item (any kind but null), or null after reporting what it is instead. */
    private String scalarText(final YamlNode node, final String path, final String expected) {
        if (node instanceof ScalarNode s && s.kind() != ScalarKind.NULL) {
            return Fields.reported(s) ? null : s.text();
        }
        error(path, node, "expected " + expected + ", got " + node.kindName());
        return null;
    }

    private static <E> Map<String, E> options(final Object... pairs) {
        final Map<String, E> m = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            @SuppressWarnings("unchecked") final E value = (E) pairs[i + 1];
            m.put((String) pairs[i], value);
        }
        return m;
    }

    private static Map<String, LbPolicy> lbPolicies() {
        final Map<String, LbPolicy> m = new LinkedHashMap<>();
        for (final LbPolicy p : LbPolicy.values()) {
            m.put(p.configName(), p);
        }
        return m;
    }
}
