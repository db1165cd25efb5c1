package io.strait.core.config.validate;

import io.strait.core.config.RetryPolicyConfig;
import io.strait.core.config.RouteConfig;
import io.strait.core.config.VirtualHostConfig;
import io.strait.core.config.yaml.ConfigSyntax;
import io.strait.core.config.yaml.Fields;
import io.strait.core.config.yaml.YamlNode;
import io.strait.core.config.yaml.YamlNode.ListNode;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Confined to one thread (that of its {@link ConfigValidator}). Binds and validates a listener's
 * {@code virtual_hosts}: names and domains (unique within the listener), rate limit and retry policy; routes through
 * {@link RouteValidator}.
 */
final class VirtualHostValidator extends SectionValidator {

    private final RetryValidator retryValidator;
    private final RouteValidator routeValidator;

    VirtualHostValidator(final SectionValidator shared) {
        super(shared);
        this.retryValidator = new RetryValidator(shared);
        this.routeValidator = new RouteValidator(shared, retryValidator);
    }

    List<VirtualHostConfig> virtualHosts(final Fields listener) {
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
        final Fields f = fields(node, path, "name", "domains", "routes", "rate_limit", "retry",
            "rbac");
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
        final RetryPolicyConfig retry = retryValidator.retryPolicy(f);
        final List<RouteConfig> routes = new ArrayList<>();
        final ListNode routeList = f.list("routes", true, true);
        if (routeList != null) {
            for (int i = 0; i < routeList.items().size(); i++) {
                final RouteConfig r = routeValidator.route(routeList.items().get(i),
                    f.childPath("routes") + "[" + i + "]", retry);
                if (r != null) {
                    routes.add(r);
                }
            }
        }
        return new VirtualHostConfig(name, List.copyOf(domains), List.copyOf(routes),
            routeValidator.rateLimit(f), retry, RbacValidator.rbac(f));
    }
}
