package io.strait.admin;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class TagExtractorTest {

    private final TagExtractor tags = new TagExtractor(List.of("api", "api.v2", "a-b"), List.of("ingress", "in.x"));

    private String render(final String stat) {
        final TagExtractor.Extracted e = tags.extract(stat);
        return e.metric() + e.labels();
    }

    @Test
    void clusterNameAndResponseClass() {
        assertThat(render("cluster.api.upstream_rq_2xx"))
            .isEqualTo("strait_cluster_upstream_rq[strait_cluster_name, api, strait_response_code_class, 2xx]");
        assertThat(render("cluster.api.upstream_rq_total")).isEqualTo("strait_cluster_upstream_rq_total"
            + "[strait_cluster_name, api]");
    }

    @Test
    void knownNamesWithDotsWinOverTheFirstSegment() {
        assertThat(render("cluster.api.v2.upstream_cx_active"))
            .isEqualTo("strait_cluster_upstream_cx_active[strait_cluster_name, api.v2]");
        assertThat(render("http.in.x.downstream_rq_5xx")).isEqualTo("strait_http_downstream_rq"
            + "[strait_http_conn_manager_prefix, in.x, strait_response_code_class, 5xx]");
    }

    @Test
    void unknownNameIsTheFirstSegment() {
        assertThat(render("cluster.other.membership_total"))
            .isEqualTo("strait_cluster_membership_total[strait_cluster_name, other]");
    }

    @Test
    void listenerAndDotsInStatNames() {
        assertThat(render("listener.ingress.ssl.handshake"))
            .isEqualTo("strait_listener_ssl_handshake[strait_listener_name, ingress]");
        assertThat(render("cluster.a-b.outlier_detection.ejections_total"))
            .isEqualTo("strait_cluster_outlier_detection_ejections_total[strait_cluster_name, a-b]");
    }

    @Test
    void unscopedNamesOnlyLoseTheirDots() {
        assertThat(render("access_log.dropped")).isEqualTo("strait_access_log_dropped[]");
        assertThat(render("cluster.")).isEqualTo("strait_cluster_[]");
    }
}
