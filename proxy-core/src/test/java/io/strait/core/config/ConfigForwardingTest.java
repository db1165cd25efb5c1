package io.strait.core.config;

import org.junit.jupiter.api.Test;

import static io.strait.core.config.ConfigFixtures.errors;
import static io.strait.core.config.ConfigFixtures.withListener;
import static org.assertj.core.api.Assertions.assertThat;

/** A listener's forwarding keys: the edge defaults, parsed values, and precise errors. */
class ConfigForwardingTest {

    private static final String VH = "virtual_hosts: [ { domains: [ a.example ], routes: [ { match: { prefix: / }, "
        + "cluster: c } ] } ]";

    private static ForwardingConfig parsed(final String... lines) {
        final ConfigResult r = ConfigLoader.parse(withListener(lines), ConfigFixtures.SOURCE);
        assertThat(r.errors()).isEmpty();
        return r.config().listeners().get(1).forwarding();
    }

    @Test
    void theDefaultsAreThoseOfAnEdgeProxy() {
        assertThat(parsed("name: m", "address: 127.0.0.1:0", VH)).isEqualTo(ForwardingConfig.EDGE)
            .isEqualTo(new ForwardingConfig(true, 0, false));
    }

    @Test
    void theKeysAreRead() {
        assertThat(parsed("name: m", "address: 127.0.0.1:0", "use_remote_address: false", "xff_num_trusted_hops: 2",
            "preserve_external_request_id: true", VH)).isEqualTo(new ForwardingConfig(false, 2, true));
        assertThat(parsed("name: m", "address: 127.0.0.1:0", "xff_num_trusted_hops: 64", VH))
            .isEqualTo(new ForwardingConfig(true, 64, false));
    }

    @Test
    void badValuesAreReportedWithTheirPlace() {
        assertThat(errors(withListener("name: m", "address: 127.0.0.1:0", "use_remote_address: 1",
            "xff_num_trusted_hops: 65", "preserve_external_request_id: maybe", VH)))
            .containsExactly(
                "t.yaml:11:25: listeners[1].use_remote_address: expected true or false, got an integer '1'",
                "t.yaml:12:27: listeners[1].xff_num_trusted_hops: must be between 0 and 64, got 65",
                "t.yaml:13:35: listeners[1].preserve_external_request_id: "
                    + "expected true or false, got a string 'maybe'");
        assertThat(errors(withListener("name: m", "address: 127.0.0.1:0", "xff_num_trusted_hops: -1",
            "use_remote_adress: true", VH)))
            .containsExactly(
                "t.yaml:11:27: listeners[1].xff_num_trusted_hops: must be between 0 and 64, got -1",
                "t.yaml:12:5: listeners[1].use_remote_adress: unknown field 'use_remote_adress' (did you mean "
                    + "'use_remote_address'?)");
    }
}
