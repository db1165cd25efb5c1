package io.strait.core.config.validate;

import io.strait.core.config.RbacConfig;
import io.strait.core.config.RbacConfig.Principal;
import io.strait.core.config.yaml.Fields;
import io.strait.core.config.yaml.YamlNode;
import io.strait.core.config.yaml.YamlNode.ListNode;

import java.util.ArrayList;
import java.util.List;

/**
 * Stateless. Binds key {@code rbac} of a virtual host or route: {@code allow} and {@code deny} lists of principals,
 * each a map with one of {@code spiffe_id}, {@code spiffe_prefix}, {@code dns} or {@code authenticated: true}.
 */
final class RbacValidator {

    private RbacValidator() {
    }

    /** {@code rbac} of {@code owner}: null when absent or invalid (reported). */
    static RbacConfig rbac(final Fields owner) {
        if (!owner.has("rbac")) {
            return null;
        }
        final Fields f = owner.object("rbac", "allow", "deny");
        if (f == null) {
            return null;
        }
        final List<Principal> allow = principals(f, "allow");
        final List<Principal> deny = principals(f, "deny");
        if (allow == null || deny == null) {
            return null;
        }
        if (allow.isEmpty() && deny.isEmpty()) {
            final String message = "an rbac policy needs at least one principal in allow or deny";
            if (f.has("allow") || f.has("deny")) {
                f.errorAtKey(f.has("allow") ? "allow" : "deny", message);
            } else {
                owner.errorAtValue("rbac", message);
            }
            return null;
        }
        return new RbacConfig(allow, deny);
    }

    private static List<Principal> principals(final Fields rbac, final String key) {
        if (!rbac.has(key)) {
            return List.of();
        }
        final ListNode list = rbac.list(key, false, false);
        if (list == null) {
            return null;
        }
        final List<Principal> out = new ArrayList<>();
        boolean ok = true;
        for (int i = 0; i < list.items().size(); i++) {
            final YamlNode item = list.items().get(i);
            final String at = rbac.childPath(key) + "[" + i + "]";
            final Fields p = rbac.item(item, at, "spiffe_id", "spiffe_prefix", "dns", "authenticated");
            if (p == null) {
                ok = false;
                continue;
            }
            final Principal principal = principal(p, at, item);
            if (principal == null) {
                ok = false;
            } else {
                out.add(principal);
            }
        }
        return ok ? out : null;
    }

    private static Principal principal(final Fields p, final String at, final YamlNode item) {
        final List<String> set = new ArrayList<>();
        for (final String k : List.of("spiffe_id", "spiffe_prefix", "dns", "authenticated")) {
            if (p.has(k)) {
                set.add(k);
            }
        }
        if (set.size() != 1) {
            p.errorAt(at, item, "a principal needs exactly one of spiffe_id, spiffe_prefix, dns or authenticated"
                + (set.isEmpty() ? "" : " (got " + String.join(", ", set) + ")"));
            return null;
        }
        final String k = set.get(0);
        if (k.equals("authenticated")) {
            final Boolean b = p.bool("authenticated", null);
            if (b == null) {
                return null;
            }
            if (!b) {
                p.errorAtValue("authenticated", "authenticated: false matches nothing; leave it out or use true");
                return null;
            }
            return new Principal(Principal.Kind.AUTHENTICATED, "");
        }
        final String value = p.string(k, true);
        if (value == null) {
            return null;
        }
        if (value.isEmpty()) {
            p.errorAtValue(k, "must not be empty");
            return null;
        }
        if ((k.equals("spiffe_id") || k.equals("spiffe_prefix")) && !value.startsWith("spiffe://")) {
            p.errorAtValue(k, "a SPIFFE ID starts with spiffe:// (got '" + value + "')");
            return null;
        }
        return new Principal(k.equals("spiffe_id") ? Principal.Kind.SPIFFE_ID
            : k.equals("spiffe_prefix") ? Principal.Kind.SPIFFE_PREFIX : Principal.Kind.DNS, value);
    }
}
