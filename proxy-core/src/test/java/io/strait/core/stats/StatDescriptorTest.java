package io.strait.core.stats;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class StatDescriptorTest {

    /**
     * Envoy's layout: counters, then gauges, then histograms, each block sorted; names are snake case, possibly in
     * dot-separated parts (a sub-scope such as {@code ratelimit.}), and the enum name is the name with '.' as '_'.
     */
    private static void declaredInEnvoyOrder(final StatDescriptor[] stats) {
        final List<StatKind> kinds = new ArrayList<>();
        for (final StatDescriptor s : stats) {
            kinds.add(s.kind());
            assertThat(s.statName()).matches("[a-z][a-z0-9_]*(\\.[a-z][a-z0-9_]*)*");
            assertThat(s.help()).isNotBlank();
            assertThat(s.statName().replace('.', '_').toUpperCase()).isEqualTo(((Enum<?>) s).name());
        }
        assertThat(kinds).isSorted();
        for (final StatKind k : StatKind.values()) {
            final List<String> block = Stream.of(stats).filter(s -> s.kind() == k).map(StatDescriptor::statName)
                .collect(Collectors.toList());
            assertThat(block).as(k + " block").isSorted();
        }
    }

    private static Set<String> names(final StatDescriptor[] stats) {
        return Stream.of(stats).map(StatDescriptor::statName).collect(Collectors.toSet());
    }

    @Test
    void serverStatsFollowEnvoy() {
        declaredInEnvoyOrder(ServerStat.values());
        assertThat(names(ServerStat.values())).containsExactlyInAnyOrder("reload_success", "reload_failure");
    }

    @Test
    void overloadStatsFollowEnvoy() {
        declaredInEnvoyOrder(OverloadStat.values());
        assertThat(names(OverloadStat.values())).contains("disable_keepalive.active", "shed_requests.active",
            "stop_accepting_connections.active", "reset_streams.active", "heap.pressure", "direct_memory.pressure",
            "connections.pressure", "file_descriptors.pressure", "shed_requests.total",
            "stop_accepting_connections.total", "disable_keepalive.total", "reset_streams.total");
    }

    @Test
    void listenerStatsFollowEnvoy() {
        declaredInEnvoyOrder(ListenerStat.values());
        assertThat(names(ListenerStat.values())).containsExactlyInAnyOrder("downstream_cx_accept_error",
            "downstream_cx_overflow", "downstream_cx_overload_reject", "downstream_cx_send_timeout",
            "downstream_global_cx_overflow", "ssl.handshake", "ssl.connection_error",
            "ssl.no_certificate", "ssl.fail_verify_error", "ssl.fail_verify_no_cert", "ssl.session_reused",
            "ssl.handshake_time");
    }

    @Test
    void httpStatsFollowEnvoy() {
        declaredInEnvoyOrder(HttpStat.values());
        assertThat(names(HttpStat.values())).contains("downstream_cx_total", "downstream_cx_active",
            "downstream_cx_protocol_error", "downstream_cx_idle_timeout", "downstream_rq_total",
            "downstream_rq_active", "downstream_rq_1xx", "downstream_rq_2xx", "downstream_rq_3xx", "downstream_rq_4xx",
            "downstream_rq_5xx", "downstream_rq_header_timeout", "downstream_rq_timeout", "downstream_rq_too_large",
            "downstream_rq_headers_too_large", "no_route", "ratelimit.over_limit", "downstream_rq_time",
            "downstream_cx_destroy_remote_active_rq");
        assertThat(HttpStat.DOWNSTREAM_CX_ACTIVE.kind()).isEqualTo(StatKind.GAUGE);
        assertThat(HttpStat.DOWNSTREAM_RQ_ACTIVE.kind()).isEqualTo(StatKind.GAUGE);
        assertThat(HttpStat.DOWNSTREAM_RQ_TIME.kind()).isEqualTo(StatKind.HISTOGRAM);
    }

    @Test
    void clusterStatsFollowEnvoy() {
        declaredInEnvoyOrder(ClusterStat.values());
        assertThat(names(ClusterStat.values())).contains("upstream_cx_total", "upstream_cx_active",
            "upstream_cx_connect_fail", "upstream_cx_connect_timeout", "upstream_cx_pool_reuse",
            "upstream_cx_idle_timeout", "upstream_cx_protocol_error", "upstream_cx_destroy_remote_with_active_rq",
            "upstream_rq_total", "upstream_rq_active", "upstream_rq_2xx", "upstream_rq_3xx", "upstream_rq_4xx",
            "upstream_rq_5xx", "upstream_rq_timeout", "upstream_rq_rx_reset", "upstream_rq_time",
            "upstream_cx_none_healthy", "membership_healthy", "membership_total");
        assertThat(ClusterStat.MEMBERSHIP_HEALTHY.kind()).isEqualTo(StatKind.GAUGE);
        assertThat(ClusterStat.MEMBERSHIP_TOTAL.kind()).isEqualTo(StatKind.GAUGE);
        assertThat(ClusterStat.UPSTREAM_CX_ACTIVE.kind()).isEqualTo(StatKind.GAUGE);
        assertThat(ClusterStat.UPSTREAM_RQ_ACTIVE.kind()).isEqualTo(StatKind.GAUGE);
        assertThat(ClusterStat.UPSTREAM_RQ_TIME.kind()).isEqualTo(StatKind.HISTOGRAM);
    }
}
