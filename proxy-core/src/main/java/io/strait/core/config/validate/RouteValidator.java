package io.strait.core.config.validate;

import io.strait.core.config.HashPolicyConfig;
import io.strait.core.config.HeaderMatcherConfig;
import io.strait.core.config.HeaderValueConfig;
import io.strait.core.config.RateLimitConfig;
import io.strait.core.config.RetryPolicyConfig;
import io.strait.core.config.RouteConfig;
import io.strait.core.config.RouteMatchConfig;
import io.strait.core.config.WeightedClusterConfig;
import io.strait.core.config.yaml.ConfigSyntax;
import io.strait.core.config.yaml.Durations;
import io.strait.core.config.yaml.Fields;
import io.strait.core.config.yaml.YamlNode;
import io.strait.core.config.yaml.YamlNode.ListNode;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Confined to one thread (that of its {@link ConfigValidator}). Binds and validates one route: its match, the cluster
 * or weighted clusters it names, timeout, rewrites, header edits, hash policy and rate limit; its retry policy through
 * {@link RetryValidator}. The rate limit is shared with virtual hosts, which take the same key.
 */
final class RouteValidator extends SectionValidator {

    static final Duration DEFAULT_ROUTE_TIMEOUT = Duration.ofSeconds(15);
    static final int MAX_TOTAL_WEIGHT = 10_000;

    /** Headers a route may neither add nor remove: they frame the message or belong to one hop. */
    private static final Set<String> PROTECTED_HEADERS = Set.of("content-length", "transfer-encoding", "connection",
        "keep-alive", "proxy-connection", "te", "trailer", "upgrade");

    private final RetryValidator retryValidator;

    RouteValidator(final SectionValidator shared, final RetryValidator retryValidator) {
        super(shared);
        this.retryValidator = retryValidator;
    }

    /** One route; {@code virtualHostRetry} is its virtual host's retry policy (null: none), for the timeout check. */
    RouteConfig route(final YamlNode node, final String path, final RetryPolicyConfig virtualHostRetry) {
        final Fields f = fields(node, path, "match", "cluster", "weighted_clusters", "timeout", "prefix_rewrite",
            "host_rewrite", "request_headers_to_add", "request_headers_to_remove", "response_headers_to_add",
            "response_headers_to_remove", "hash_policy", "retry", "rate_limit", "max_grpc_timeout",
            "rbac");
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
        final Duration maxGrpcTimeout = f.duration("max_grpc_timeout", null, false);
        String prefixRewrite = f.string("prefix_rewrite", false);
        if (prefixRewrite != null) {
            final String badPath = ConfigSyntax.forbiddenInPath(prefixRewrite);
            if (badPath != null) {
                f.errorAtValue("prefix_rewrite", "prefix_rewrite must be a path: " + badPath);
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
        final RetryPolicyConfig retry = retryValidator.retryPolicy(f);
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
            requestRemove, responseAdd, responseRemove, hashPolicy, rateLimit(f), retry, maxGrpcTimeout,
            RbacValidator.rbac(f));
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

    /** Key {@code rate_limit} of a route or virtual host; null when absent or invalid (reported). */
    RateLimitConfig rateLimit(final Fields owner) {
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
}
