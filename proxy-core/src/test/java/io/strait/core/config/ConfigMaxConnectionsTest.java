package io.strait.core.config;

import org.junit.jupiter.api.Test;

import static io.strait.core.config.ConfigFixtures.errors;
import static io.strait.core.config.ConfigFixtures.withListener;
import static io.strait.core.config.ConfigFixtures.withTopLevel;
import static org.assertj.core.api.Assertions.assertThat;

/** {@code runtime.max_connections} and a listener's {@code max_connections}. */
class ConfigMaxConnectionsTest {

    private static final String VH = "virtual_hosts: [ { domains: [ \"*\" ], routes: [ { match: { prefix: / }, "
        + "cluster: c } ] } ]";

    private static StraitConfig parsed(final String yaml) {
        final ConfigResult r = ConfigLoader.parse(yaml, ConfigFixtures.SOURCE);
        assertThat(r.errors()).isEmpty();
        return r.config();
    }

    @Test
    void globalCapIsAutoUnlessGiven() {
        assertThat(parsed(withTopLevel("")).runtime().maxConnections()).isEqualTo(RuntimeConfig.AUTO_MAX_CONNECTIONS);
        assertThat(parsed(withTopLevel("runtime: { max_connections: auto }\n")).runtime().maxConnections())
            .isEqualTo(RuntimeConfig.AUTO_MAX_CONNECTIONS);
        assertThat(parsed(withTopLevel("runtime: { max_connections: 50000 }\n")).runtime().maxConnections())
            .isEqualTo(50000);
    }

    @Test
    void globalCapErrorsNameTheFieldAndLine() {
        assertThat(errors(withTopLevel("runtime: { max_connections: 0 }\n")))
            .containsExactly("t.yaml:12:29: runtime.max_connections: must be at least 1, got 0");
        assertThat(errors(withTopLevel("runtime: { max_connections: lots }\n")))
            .containsExactly("t.yaml:12:29: runtime.max_connections: expected 'auto' or a positive integer, got a "
                + "string 'lots'");
    }

    @Test
    void listenerCapIsUnlimitedUnlessGiven() {
        final StraitConfig c = parsed(withListener("name: m", "address: 127.0.0.1:0", "max_connections: 100", VH));
        assertThat(c.listeners().get(0).maxConnections()).isEqualTo(ListenerConfig.UNLIMITED_CONNECTIONS);
        assertThat(c.listeners().get(1).maxConnections()).isEqualTo(100);
    }

    @Test
    void listenerCapErrorsNameTheFieldAndLine() {
        assertThat(errors(withListener("name: m", "address: 127.0.0.1:0", "max_connections: 0", VH)))
            .containsExactly("t.yaml:11:22: listeners[1].max_connections: must be at least 1, got 0");
        assertThat(errors(withListener("name: m", "address: 127.0.0.1:0", "max_connections: -5", VH)))
            .hasSize(1).allMatch(e -> e.startsWith("t.yaml:11:22: listeners[1].max_connections: "));
    }
}
