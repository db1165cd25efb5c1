package io.strait.admin;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Immutable. Envoy-style tag extraction for Prometheus: takes the variable parts out of a stat name into labels and
 * leaves the metric name.
 *
 * <table>
 *   <caption>rules, applied in this order</caption>
 *   <tr><th>stat name</th><th>metric</th><th>label</th></tr>
 *   <tr><td>{@code cluster.<name>.<rest>}</td><td>{@code strait_cluster_<rest>}</td>
 *       <td>{@code strait_cluster_name}</td></tr>
 *   <tr><td>{@code listener.<name>.<rest>}</td><td>{@code strait_listener_<rest>}</td>
 *       <td>{@code strait_listener_name}</td></tr>
 *   <tr><td>{@code http.<prefix>.<rest>}</td><td>{@code strait_http_<rest>}</td>
 *       <td>{@code strait_http_conn_manager_prefix}</td></tr>
 *   <tr><td>{@code ..._rq_<d>xx}</td><td>{@code ..._rq}</td><td>{@code strait_response_code_class="<d>xx"}</td></tr>
 * </table>
 * So {@code cluster.api.upstream_rq_2xx} is {@code strait_cluster_upstream_rq{strait_cluster_name="api",
 * strait_response_code_class="2xx"}} (older Envoys' shape; today's Envoy says {@code envoy_cluster_upstream_rq_xx}
 * with class {@code "2"}). Names may contain dots, so the known cluster and listener names are matched first (the
 * longest that fits); an unknown one is taken up to the next dot. What is left has every character Prometheus does
 * not allow in a name (dots included) replaced by {@code _}.
 */
final class TagExtractor {

    private static final Pattern CODE_CLASS = Pattern.compile("_rq_([1-5]xx)$");
    private static final Pattern NOT_NAME = Pattern.compile("[^a-zA-Z0-9_:]");

    /** A metric name and its labels as alternating name, value. */
    record Extracted(String metric, List<String> labels) {
    }

    private final List<String> clusters;
    private final List<String> listeners;

    /**
     * @param clusters  the cluster names in force
     * @param listeners the listener names in force (they are also the {@code http.} prefixes)
     */
    TagExtractor(final Collection<String> clusters, final Collection<String> listeners) {
        this.clusters = longestFirst(clusters);
        this.listeners = longestFirst(listeners);
    }

    private static List<String> longestFirst(final Collection<String> names) {
        final List<String> sorted = new ArrayList<>(names);
        sorted.sort((a, b) -> Integer.compare(b.length(), a.length()));
        return sorted;
    }

    Extracted extract(final String statName) {
        final List<String> labels = new ArrayList<>(4);
        String rest = statName;
        if (rest.startsWith("cluster.")) {
            rest = scoped(rest, "cluster.", clusters, "strait_cluster_name", labels);
        } else if (rest.startsWith("listener.")) {
            rest = scoped(rest, "listener.", listeners, "strait_listener_name", labels);
        } else if (rest.startsWith("http.")) {
            rest = scoped(rest, "http.", listeners, "strait_http_conn_manager_prefix", labels);
        }
        final Matcher m = CODE_CLASS.matcher(rest);
        if (m.find()) {
            labels.add("strait_response_code_class");
            labels.add(m.group(1));
            rest = rest.substring(0, m.start()) + "_rq";
        }
        return new Extracted("strait_" + NOT_NAME.matcher(rest).replaceAll("_"), labels);
    }

    /** {@code root.<name>.<rest>} to {@code root<rest>}, with the name as the label {@code label}. */
    private static String scoped(final String stat, final String root, final List<String> known, final String label,
                                 final List<String> labels) {
        String name = null;
        for (final String k : known) {
            if (stat.startsWith(k + ".", root.length()) && stat.length() > root.length() + k.length() + 1) {
                name = k;
                break;
            }
        }
        if (name == null) {
            final int dot = stat.indexOf('.', root.length());
            if (dot < 0 || dot == stat.length() - 1) {
                return stat;
            }
            name = stat.substring(root.length(), dot);
        }
        labels.add(label);
        labels.add(name);
        return root + stat.substring(root.length() + name.length() + 1);
    }
}
