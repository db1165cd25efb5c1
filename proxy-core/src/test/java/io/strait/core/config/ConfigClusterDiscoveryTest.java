package io.strait.core.config;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static io.strait.core.config.ConfigFixtures.errors;
import static io.strait.core.config.ConfigFixtures.withCluster;
import static org.assertj.core.api.Assertions.assertThat;

/** A cluster's {@code type} (static | strict_dns) and {@code dns_refresh_rate}. */
class ConfigClusterDiscoveryTest {

    private static final String EP = "endpoints: [ { address: backend.example:9000 } ]";

    private static String at(final int line, final int column, final String pathAndMessage) {
        return "t.yaml:" + line + ":" + column + ": clusters[1]." + pathAndMessage;
    }

    private static ClusterDiscoveryConfig parsed(final String... lines) {
        final ConfigResult r = ConfigLoader.parse(withCluster(lines), ConfigFixtures.SOURCE);
        assertThat(r.errors()).isEmpty();
        return r.config().clusters().get(1).discovery();
    }

    @Test
    void staticUnlessToldAndStrictDnsRefreshesEveryFiveSecondsByDefault() {
        assertThat(parsed("name: d", EP)).isEqualTo(ClusterDiscoveryConfig.STATIC);
        assertThat(parsed("name: d", "type: static", EP)).isEqualTo(ClusterDiscoveryConfig.STATIC);
        assertThat(parsed("name: d", "type: strict_dns", EP)).isEqualTo(new ClusterDiscoveryConfig(
            ClusterDiscoveryConfig.Type.STRICT_DNS, Duration.ofSeconds(5)));
        assertThat(parsed("name: d", "type: strict_dns", "dns_refresh_rate: 30s", EP).dnsRefreshRate())
            .isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void errorsNameTheFieldAndLine() {
        assertThat(errors(withCluster("name: d", "type: logical_dns", EP)))
            .hasSize(1).allMatch(e -> e.startsWith(at(13, 11, "type: ")));
        assertThat(errors(withCluster("name: d", "type: strict_dns", "dns_refresh_rate: 0s", EP)))
            .containsExactly(at(14, 23, "dns_refresh_rate: must be greater than 0"));
        assertThat(errors(withCluster("name: d", "dns_refresh_rate: 5s", EP)))
            .containsExactly(at(13, 5, "dns_refresh_rate: dns_refresh_rate needs type: strict_dns"));
        assertThat(errors(withCluster("name: d", "type: strict_dns", EP, "outlier_detection: {}")))
            .containsExactly(at(15, 5, "outlier_detection: outlier_detection is not supported with type: "
                + "strict_dns yet"));
    }
}
