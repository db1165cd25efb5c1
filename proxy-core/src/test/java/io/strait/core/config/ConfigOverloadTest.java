package io.strait.core.config;

import static io.strait.core.config.ConfigFixtures.errors;
import static io.strait.core.config.ConfigFixtures.withTopLevel;
import static org.assertj.core.api.Assertions.assertThat;

import io.strait.core.config.OverloadConfig.Action;
import io.strait.core.config.OverloadConfig.ActionConfig;
import io.strait.core.config.OverloadConfig.Resource;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The {@code overload} section: its defaults, every key, and errors that name the field and line. */
class ConfigOverloadTest {

    private static OverloadConfig parsed(final String overload) {
        final ConfigResult r = ConfigLoader.parse(withTopLevel(overload), ConfigFixtures.SOURCE);
        assertThat(r.errors()).isEmpty();
        return r.config().overload();
    }

    @Test
    void absentItRunsWithTheDefaults() {
        final OverloadConfig c = parsed("");
        assertThat(c).isEqualTo(OverloadConfig.DEFAULTS);
        assertThat(c.enabled()).isTrue();
        assertThat(c.refreshInterval()).isEqualTo(Duration.ofMillis(100));
        assertThat(c.resources()).containsOnlyKeys(Resource.HEAP, Resource.DIRECT_MEMORY)
            .containsValues(OverloadConfig.AUTO);
        assertThat(c.actions().get(Action.DISABLE_KEEPALIVE).threshold()).isEqualTo(0.90);
        assertThat(c.actions().get(Action.SHED_REQUESTS).threshold()).isEqualTo(0.95);
        assertThat(c.actions().get(Action.STOP_ACCEPTING_CONNECTIONS).threshold()).isEqualTo(0.95);
        final ActionConfig reset = c.actions().get(Action.RESET_STREAMS);
        assertThat(reset.threshold()).isEqualTo(0.95);
        assertThat(reset.release()).isEqualTo(0.93, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(c.watchedBy(Action.RESET_STREAMS)).containsExactlyInAnyOrder(Resource.HEAP,
            Resource.DIRECT_MEMORY);
    }

    @Test
    void enabledFalseTurnsItOff() {
        final OverloadConfig c = parsed("overload: { enabled: false }\n");
        assertThat(c.enabled()).isFalse();
        assertThat(c.actions()).isEmpty();
    }

    @Test
    void everyKeyIsRead() {
        final OverloadConfig c = parsed("""
            overload:
              refresh_interval: 250ms
              resources:
                heap: { max: 512MiB }
                direct_memory: { max: auto }
                connections: { max: 20000 }
                file_descriptors: {}
              actions:
                disable_keepalive: { threshold: 0.8 }
                shed_requests: { threshold: 0.85, saturation: 0.95, resources: [ direct_memory, heap ] }
                stop_accepting_connections: { threshold: 0.9, release: 0.7, resources: [ connections ] }
                reset_streams: { threshold: 0.97, min_buffered: 256KiB, max_per_interval: 3 }
            """);
        assertThat(c.refreshInterval()).isEqualTo(Duration.ofMillis(250));
        assertThat(c.resources()).containsEntry(Resource.HEAP, 512L << 20)
            .containsEntry(Resource.DIRECT_MEMORY, OverloadConfig.AUTO)
            .containsEntry(Resource.CONNECTIONS, 20000L)
            .containsEntry(Resource.FILE_DESCRIPTORS, OverloadConfig.AUTO);
        final ActionConfig shed = c.actions().get(Action.SHED_REQUESTS);
        assertThat(shed.saturation()).isEqualTo(0.95);
        assertThat(shed.resources()).containsExactlyInAnyOrder(Resource.DIRECT_MEMORY, Resource.HEAP);
        final ActionConfig stop = c.actions().get(Action.STOP_ACCEPTING_CONNECTIONS);
        assertThat(stop.release()).isEqualTo(0.7);
        assertThat(c.watchedBy(Action.STOP_ACCEPTING_CONNECTIONS)).isEqualTo(Set.of(Resource.CONNECTIONS));
        assertThat(c.watchedBy(Action.DISABLE_KEEPALIVE)).hasSize(4);
        final ActionConfig reset = c.actions().get(Action.RESET_STREAMS);
        assertThat(reset.minBuffered()).isEqualTo(256 * 1024);
        assertThat(reset.maxPerInterval()).isEqualTo(3);
    }

    @Test
    void actionsNotListedAreNotTaken() {
        final OverloadConfig c = parsed("""
            overload:
              resources: { direct_memory: {} }
              actions: { shed_requests: { threshold: 0.9 } }
            """);
        assertThat(c.actions()).containsOnlyKeys(Action.SHED_REQUESTS);
        assertThat(c.resources()).containsOnlyKeys(Resource.DIRECT_MEMORY);
    }

    @Test
    void errorsNameTheFieldAndLine() {
        assertThat(errors(withTopLevel("overload: { refresh_interval: 1ms }\n")))
            .containsExactly("t.yaml:12:31: overload.refresh_interval: must be between 10ms and 60s, got 1ms");
        assertThat(errors(withTopLevel("overload: { resources: { memory: {} } }\n")))
            .hasSize(1).allMatch(e -> e.startsWith("t.yaml:12:26: overload.resources.memory: unknown field 'memory'"));
        assertThat(errors(withTopLevel("overload: { resources: { heap: { max: 1KiB } } }\n")))
            .containsExactly("t.yaml:12:39: overload.resources.heap.max: must be between 1048576 and "
                + Long.MAX_VALUE + " bytes, got 1024");
        assertThat(errors(withTopLevel("overload: { resources: { connections: { max: 0 } } }\n")))
            .containsExactly("t.yaml:12:46: overload.resources.connections.max: must be at least 1, got 0");
        assertThat(errors(withTopLevel("""
            overload:
              actions:
                shed_requests: { threshold: 1.5 }
                disable_keepalive: { release: 0.5 }
                stop_accepting_connections: { threshold: 0.9, release: 0.95 }
                reset_streams: { threshold: 0.9, saturation: 0.99 }
            """))).containsExactly(
                "t.yaml:14:33: overload.actions.shed_requests.threshold: must be between 0.01 and 1, got 1.5",
                "t.yaml:15:24: overload.actions.disable_keepalive.threshold: missing required field 'threshold'",
                "t.yaml:16:60: overload.actions.stop_accepting_connections.release: must not be above threshold "
                    + "(0.9), got 0.95",
                "t.yaml:17:38: overload.actions.reset_streams.saturation: unknown field 'saturation' (expected one "
                    + "of: threshold, release, resources, min_buffered, max_per_interval)");
    }

    @Test
    void anActionWatchesOnlyMonitoredResources() {
        assertThat(errors(withTopLevel("""
            overload:
              resources: { heap: {} }
              actions:
                shed_requests: { threshold: 0.9, resources: [ direct_memory, disk ] }
            """))).containsExactly(
                "t.yaml:15:51: overload.actions.shed_requests.resources[0]: resource 'direct_memory' is not "
                    + "monitored: add it under overload.resources",
                "t.yaml:15:66: overload.actions.shed_requests.resources[1]: unknown resource 'disk' (expected one of: "
                    + "heap, direct_memory, connections, file_descriptors)");
        assertThat(errors(withTopLevel("""
            overload:
              actions:
                shed_requests: { threshold: 0.9, saturation: 0.8 }
            """))).containsExactly("t.yaml:14:50: overload.actions.shed_requests.saturation: must not be below "
                + "threshold (0.9), got 0.8");
    }
}
