package io.strait.core.config;

import org.junit.jupiter.api.Test;

import static io.strait.core.config.ConfigFixtures.errors;
import static io.strait.core.config.ConfigFixtures.withListener;
import static org.assertj.core.api.Assertions.assertThat;

class ConfigListenerErrorsTest {

    private static final String VH = "virtual_hosts: [ { domains: [ a.example ], routes: [ { match: { prefix: / }, "
        + "cluster: c } ] } ]";

    private static String at(final int line, final int column, final String pathAndMessage) {
        return "t.yaml:" + line + ":" + column + ": listeners[1]." + pathAndMessage;
    }

    @Test
    void fixtureListenerIsValid() {
        assertThat(errors(withListener("name: m", "address: 127.0.0.1:0", VH))).isEmpty();
    }

    @Test
    void nameIsRequiredValidAndUnique() {
        assertThat(errors(withListener("address: 127.0.0.1:0", VH)))
            .containsExactly(at(9, 5, "name: missing required field 'name'"));
        assertThat(errors(withListener("name: \"a b\"", "address: 127.0.0.1:0", VH)))
            .containsExactly(at(9, 11, "name: invalid listener name 'a b' (use letters, digits, '_', '.' and '-')"));
        assertThat(errors(withListener("name: l", "address: 127.0.0.1:0", VH)))
            .containsExactly(at(9, 11, "name: duplicate listener name 'l' (also listeners[0])"));
    }

    @Test
    void addressIsRequiredAndChecked() {
        assertThat(errors(withListener("name: m", VH)))
            .containsExactly(at(9, 5, "address: missing required field 'address'"));
        assertThat(errors(withListener("name: m", "address: 127.0.0.1:65536", VH)))
            .containsExactly(at(10, 14, "address: port 65536 is out of range 0..65535"));
        assertThat(errors(withListener("name: m", "address: 127.0.0.1", VH)))
            .containsExactly(at(10, 14, "address: '127.0.0.1' is not host:port (the port is missing, e.g. "
                + "127.0.0.1:8080)"));
        assertThat(errors(withListener("name: m", "address: \"::1:80\"", VH)))
            .containsExactly(at(10, 14, "address: '::1:80' is not host:port (write IPv6 addresses in brackets, e.g. "
                + "[::1]:8080)"));
        assertThat(errors(withListener("name: m", "address: 300.1.1.1:80", VH)))
            .containsExactly(at(10, 14, "address: '300.1.1.1' is not a valid IPv4 address"));
        assertThat(errors(withListener("name: m", "address: \"[::g]:80\"", VH)))
            .containsExactly(at(10, 14, "address: '::g' is not a valid IPv6 address"));
        assertThat(errors(withListener("name: m", "address: host_name:80", VH)))
            .containsExactly(at(10, 14, "address: 'host_name' is not a valid host name"));
        assertThat(errors(withListener("name: m", "address: 127.0.0.1:http", VH)))
            .containsExactly(at(10, 14, "address: '127.0.0.1:http' has an invalid port 'http'"));
        assertThat(errors(withListener("name: m", "address: [ 127.0.0.1:80 ]", VH)))
            .containsExactly(at(10, 14, "address: expected a single value, got a list"));
    }

    @Test
    void anAddressBoundTwiceIsAnError() {
        final String vh = ", virtual_hosts: [ { domains: [ x ], routes: [ { match: { prefix: / }, cluster: c } ] } ] "
            + "}\n";
        final String yaml = "listeners:\n"
            + "  - { name: a, address: \"127.0.0.1:8080\"" + vh
            + "  - { name: b, address: \"127.0.0.1:8080\"" + vh
            + "  - { name: c, address: \"0.0.0.0:8080\"" + vh
            + "  - { name: d, address: \"127.0.0.1:0\"" + vh
            + "  - { name: e, address: \"127.0.0.1:0\"" + vh
            + "  - { name: f, address: \"127.0.0.2:8080\"" + vh
            + "clusters: [ { name: c, endpoints: [ { address: \"127.0.0.1:1\" } ] } ]\n";
        assertThat(errors(yaml)).containsExactly(
            "t.yaml:3:25: listeners[1].address: address 127.0.0.1:8080 is already bound by listeners[0] "
                + "(127.0.0.1:8080)",
            "t.yaml:4:25: listeners[2].address: address 0.0.0.0:8080 is already bound by listeners[0] "
                + "(127.0.0.1:8080)",
            "t.yaml:7:25: listeners[5].address: address 127.0.0.2:8080 is already bound by listeners[2] "
                + "(0.0.0.0:8080)");
    }

    @Test
    void protocolTcpIsParsedButNotImplemented() {
        assertThat(errors(withListener("name: m", "address: 127.0.0.1:0", "protocol: tcp", "cluster: c")))
            .containsExactly(at(11, 15, "protocol: tcp listeners are not implemented yet"));
        assertThat(errors(withListener("name: m", "address: 127.0.0.1:0", "protocol: tcp", VH)))
            .containsExactly(
                at(9, 5, "cluster: missing required field 'cluster'"),
                at(11, 15, "protocol: tcp listeners are not implemented yet"),
                at(12, 5, "virtual_hosts: virtual_hosts is only for protocol: http (a tcp listener names one "
                    + "cluster)"));
        assertThat(errors(withListener("name: m", "address: 127.0.0.1:0", "protocol: tcp", "cluster: pg")))
            .containsExactly(
                at(11, 15, "protocol: tcp listeners are not implemented yet"),
                at(12, 14, "cluster: unknown cluster 'pg' (known: c)"));
    }

    @Test
    void protocolMustBeKnown() {
        assertThat(errors(withListener("name: m", "address: 127.0.0.1:0", "protocol: htp", VH)))
            .containsExactly(at(11, 15, "protocol: unknown protocol 'htp' (expected one of http, tcp; did you mean "
                + "'http'?)"));
    }

    @Test
    void tlsFilesAreReadAtValidation() {
        // More in ConfigTlsTest; here: the sketch's relative paths do not exist in the working directory.
        assertThat(errors(withListener("name: m", "address: 127.0.0.1:0",
            "tls: { certificates: [ { cert: certs/a.pem, key: certs/a.key } ], client_ca: certs/ca.pem, "
                + "require_client_cert: true }", VH)))
            .containsExactly(at(11, 36, "tls.certificates[0].cert: cannot read certs/a.pem: no such file"));
    }

    @Test
    void httpListenersNeedVirtualHostsAndNoCluster() {
        assertThat(errors(withListener("name: m", "address: 127.0.0.1:0")))
            .containsExactly(at(9, 5, "virtual_hosts: missing required field 'virtual_hosts'"));
        assertThat(errors(withListener("name: m", "address: 127.0.0.1:0", "virtual_hosts: []")))
            .containsExactly(at(11, 20, "virtual_hosts: must not be empty"));
        assertThat(errors(withListener("name: m", "address: 127.0.0.1:0", "cluster: c", VH)))
            .containsExactly(at(11, 5, "cluster: cluster is only for protocol: tcp (an http listener routes through "
                + "virtual_hosts)"));
    }

    @Test
    void limitsAreChecked() {
        assertThat(errors(withListener("name: m", "address: 127.0.0.1:0",
            "limits: { request_line: 8XB, headers: 0, header_count: 0, body: -1 }", VH)))
            .containsExactly(
                at(11, 29, "limits.request_line: size '8XB' has an unknown unit 'XB' (use B, KiB, MiB, GiB, KB, MB "
                    + "or GB)"),
                at(11, 43, "limits.headers: must be between 1 and 2147483647 bytes, got 0"),
                at(11, 60, "limits.header_count: must be at least 1, got 0"),
                at(11, 69, "limits.body: size '-1' must not be negative"));
        assertThat(errors(withListener("name: m", "address: 127.0.0.1:0",
            "limits: { headers: 4GiB, body: [ 1 ], request_lines: 1 }", VH)))
            .containsExactly(
                at(11, 24, "limits.headers: must be between 1 and 2147483647 bytes, got 4294967296"),
                at(11, 36, "limits.body: expected a single value, got a list"),
                at(11, 43, "limits.request_lines: unknown field 'request_lines' (did you mean 'request_line'?)"));
    }

    @Test
    void timeoutsAreChecked() {
        assertThat(errors(withListener("name: m", "address: 127.0.0.1:0",
            "timeouts: { request_headers: 10, idle: abc }", VH)))
            .containsExactly(
                at(11, 34, "timeouts.request_headers: duration '10' has no unit (use us, ms, s, m or h, e.g. 10s)"),
                at(11, 44, "timeouts.idle: 'abc' is not a duration (expected a number and a unit, such as 250ms, 5s, "
                    + "1.5m or 0)"));
    }

    @Test
    void domainsAreCheckedPerListener() {
        assertThat(errors(withListener("name: m", "address: 127.0.0.1:0", "virtual_hosts:",
            "  - domains: [ a.example, \"*\", \"a*.b\", \"*.\", [ x ] ]",
            "    routes: [ { match: { prefix: / }, cluster: c } ]",
            "  - name: second",
            "    domains: [ A.EXAMPLE, \"*\", b.example:99999 ]",
            "    routes: [ { match: { prefix: / }, cluster: c } ]",
            "  - domains: []",
            "    routes: []")))
            .containsExactly(
                at(12, 36, "virtual_hosts[0].domains[2]: 'a*.b' has a wildcard in the wrong place (use '*' alone or "
                    + "a leading '*.', e.g. *.example.com)"),
                at(12, 44, "virtual_hosts[0].domains[3]: '*.' is not a valid wildcard domain (expected *.suffix, "
                    + "e.g. *.example.com)"),
                at(12, 50, "virtual_hosts[0].domains[4]: expected a domain, got a list"),
                at(15, 20, "virtual_hosts[1].domains[0]: domain 'a.example' is already served by virtual host 'vh0' "
                    + "of this listener"),
                at(15, 31, "virtual_hosts[1].domains[1]: only one virtual host per listener may use '*' (already "
                    + "used by virtual host 'vh0')"),
                at(15, 36, "virtual_hosts[1].domains[2]: port 99999 is out of range 1..65535"),
                at(17, 18, "virtual_hosts[2].domains: must not be empty"),
                at(18, 17, "virtual_hosts[2].routes: must not be empty"));
    }

    @Test
    void virtualHostNamesAreCheckedAndUnique() {
        assertThat(errors(withListener("name: m", "address: 127.0.0.1:0", "virtual_hosts:",
            "  - { name: vh1, domains: [ a ], routes: [ { match: { prefix: / }, cluster: c } ] }",
            "  - { domains: [ b ], routes: [ { match: { prefix: / }, cluster: c } ] }",
            "  - { name: \"x/y\", domains: [ c ], routes: [ { match: { prefix: / }, cluster: c } ] }")))
            .containsExactly(
                at(13, 9, "virtual_hosts[1].name: duplicate virtual host name 'vh1' in this listener (also "
                    + "listeners[1].virtual_hosts[0])"),
                at(14, 17, "virtual_hosts[2].name: invalid virtual host name 'x/y' (use letters, digits, '_', '.' and "
                    + "'-')"));
    }
}
