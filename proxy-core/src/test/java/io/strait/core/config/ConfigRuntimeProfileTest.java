package io.strait.core.config;

import org.junit.jupiter.api.Test;

import static io.strait.core.config.ConfigFixtures.errors;
import static io.strait.core.config.ConfigFixtures.withCluster;
import static io.strait.core.config.ConfigFixtures.withTopLevel;
import static org.assertj.core.api.Assertions.assertThat;

/** {@code runtime.profile}: the defaults it gives what the document leaves out, and what an explicit setting keeps. */
class ConfigRuntimeProfileTest {

    private static StraitConfig parsed(final String yaml) {
        final ConfigResult r = ConfigLoader.parse(yaml, ConfigFixtures.SOURCE);
        assertThat(r.errors()).isEmpty();
        return r.config();
    }

    @Test
    void withoutAProfileTheDefaultsStand() {
        for (final String runtime : new String[] {"", "runtime: { profile: default }\n"}) {
            final StraitConfig c = parsed(withTopLevel(runtime));
            assertThat(c.runtime().profile()).isEqualTo(RuntimeProfile.DEFAULT);
            assertThat(c.runtime().eventLoops()).isZero();
            assertThat(c.clusters().get(0).pool().maxIdle()).isEqualTo(CircuitBreakersConfig.DEFAULT_LIMIT);
            assertThat(c.listeners().get(0).limits().connectionBufferBytes())
                .isEqualTo(LimitsConfig.DEFAULT_CONNECTION_BUFFER);
        }
    }

    @Test
    void sidecarGivesOneLoopFewIdleConnectionsAndSmallerBuffers() {
        final StraitConfig c = parsed(withTopLevel("runtime: { profile: sidecar }\n"));
        assertThat(c.runtime().profile()).isEqualTo(RuntimeProfile.SIDECAR);
        assertThat(c.runtime().eventLoops()).isEqualTo(1);
        assertThat(c.clusters().get(0).pool().maxIdle()).isEqualTo(64);
        assertThat(c.listeners().get(0).limits().connectionBufferBytes()).isEqualTo(256 * 1024);
    }

    @Test
    void explicitSettingsWinOverTheProfile() {
        final StraitConfig c = parsed(withCluster("name: e", "endpoints: [ { address: 127.0.0.1:8082 } ]",
            "pool: { max_idle: 32 }") + "runtime: { profile: sidecar, event_loops: 2 }\n");
        assertThat(c.runtime().eventLoops()).isEqualTo(2);
        assertThat(c.clusters().get(0).pool().maxIdle()).isEqualTo(64);
        assertThat(c.clusters().get(1).pool().maxIdle()).isEqualTo(32);
    }

    @Test
    void anUnknownProfileNamesTheFieldAndLine() {
        assertThat(errors(withTopLevel("runtime: { profile: sidcar }\n")))
            .containsExactly("t.yaml:12:21: runtime.profile: unknown profile 'sidcar' (expected one of default, "
                + "sidecar; did you mean 'sidecar'?)");
    }
}
