package io.strait.core.config;

import java.util.List;

/** Builds small configs with a known layout, so errors' lines and columns can be asserted. */
final class ConfigFixtures {

    static final String SOURCE = "t.yaml";

    /** Routes of {@link #withRoute}: the route's first key is at line 7, column 13; later lines are indented to it. */
    private static final String ROUTE_HEAD = """
        listeners:
          - name: l
            address: 127.0.0.1:0
            virtual_hosts:
              - domains: [ "*" ]
                routes:
        """;
    private static final String FIXED_LISTENER = ROUTE_HEAD + """
                  - match: { prefix: / }
                    cluster: c
        """;
    private static final String CLUSTERS = """
        clusters:
          - name: c
            endpoints: [ { address: 127.0.0.1:8080 } ]
        """;
    private static final String CLUSTER_D = """
          - name: d
            endpoints: [ { address: 127.0.0.1:8081 } ]
        """;

    private ConfigFixtures() {
    }

    /** A config whose only route is {@code lines}: line 7 column 13 holds the first key. Clusters c and d exist. */
    static String withRoute(final String... lines) {
        return ROUTE_HEAD + indent("          - ", "            ", lines) + CLUSTERS + CLUSTER_D;
    }

    /** A config with a second listener, {@code lines}, whose first key is at line 9, column 5. Cluster c exists. */
    static String withListener(final String... lines) {
        return FIXED_LISTENER + indent("  - ", "    ", lines) + CLUSTERS;
    }

    /** A config with a second cluster, {@code lines}, whose first key is at line 12, column 5. */
    static String withCluster(final String... lines) {
        return FIXED_LISTENER + CLUSTERS + indent("  - ", "    ", lines);
    }

    /** A valid config followed by top-level {@code extra} from line 12 on. */
    static String withTopLevel(final String extra) {
        return FIXED_LISTENER + CLUSTERS + extra;
    }

    /** The formatted errors of {@code yaml}; asserts that a config comes only without errors. */
    static List<String> errors(final String yaml) {
        final ConfigResult r = ConfigLoader.parse(yaml, SOURCE);
        if (r.ok() != (r.config() != null)) {
            throw new AssertionError("config must be present exactly when ok");
        }
        return r.errors().stream().map(ConfigError::format).toList();
    }

    private static String indent(final String first, final String rest, final String... lines) {
        final StringBuilder sb = new StringBuilder();
        for (int i = 0; i < lines.length; i++) {
            sb.append(i == 0 ? first : rest).append(lines[i]).append('\n');
        }
        return sb.toString();
    }
}
