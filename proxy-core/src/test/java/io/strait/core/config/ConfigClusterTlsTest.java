package io.strait.core.config;

import io.strait.tls.SanMatcher;
import io.strait.tls.TlsClientOptions;
import io.strait.tls.testing.TestCertificates;
import io.strait.tls.testing.TestCertificates.Issued;
import io.strait.tls.testing.TestCertificates.KeyFormat;
import io.strait.tls.testing.TestCertificates.KeyType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static io.strait.core.config.ConfigFixtures.withCluster;
import static org.assertj.core.api.Assertions.assertThat;

/** The {@code tls} key of a cluster (upstream TLS): defaults, every key, and each error with its field and line. */
class ConfigClusterTlsTest {

    private static final Issued CA = TestCertificates.ca("cluster-config-ca");

    @TempDir
    static Path dir;

    @BeforeAll
    static void files() throws Exception {
        final Issued me = CA.workload("frontend", List.of("spiffe://example.org/ns/demo/sa/frontend"), List.of());
        me.writeChain(dir.resolve("me.pem"));
        me.writeKey(dir.resolve("me.key"), KeyFormat.PKCS8);
        CA.server(KeyType.EC, "other.test").writeKey(dir.resolve("other.key"), KeyFormat.PKCS8);
        CA.writeCertificate(dir.resolve("ca.pem"));
        Files.writeString(dir.resolve("text.pem"), "not pem\n");
    }

    /** A second cluster {@code x} with {@code protocol} and {@code tls:} then {@code lines} (line 15 on, column 7). */
    private static String tls(final String protocol, final String... lines) {
        final String[] all = new String[lines.length + 4];
        all[0] = "name: x";
        all[1] = "endpoints: [ { address: 127.0.0.1:8443 } ]";
        all[2] = "protocol: " + protocol;
        all[3] = "tls:";
        for (int i = 0; i < lines.length; i++) {
            all[4 + i] = "  " + lines[i];
        }
        return withCluster(all);
    }

    private static ConfigResult parse(final String yaml) {
        return ConfigLoader.parse(yaml, ConfigFixtures.SOURCE, dir);
    }

    private static List<String> errors(final String yaml) {
        return parse(yaml).errors().stream().map(ConfigError::format).toList();
    }

    private static String at(final int line, final int column, final String pathAndMessage) {
        return "t.yaml:" + line + ":" + column + ": clusters[1].tls." + pathAndMessage;
    }

    private static TlsClientOptions options(final ConfigResult r) {
        assertThat(r.errors()).isEmpty();
        return r.config().clusters().get(1).tls().options();
    }

    @Test
    void defaults() {
        final ConfigResult r = parse(tls("http1", "ca_file: ca.pem"));
        final TlsClientOptions o = options(r);
        assertThat(o.caFile()).isEqualTo(dir.resolve("ca.pem"));
        assertThat(o.clientCertificate()).isNull();
        assertThat(o.sni()).as("each host's own name").isNull();
        assertThat(o.verifySans()).isEmpty();
        assertThat(o.alpn()).containsExactly("http/1.1");
        assertThat(o.minVersion()).isEqualTo("TLSv1.2");
        assertThat(o.maxVersion()).isEqualTo("TLSv1.3");
        assertThat(o.handshakeTimeout()).as("the connect timeout").isEqualTo(Duration.ofSeconds(5));
        assertThat(o.sessionReuse()).isTrue();
        assertThat(r.config().clusters().get(1).tls().reloadInterval()).isEqualTo(Duration.ofSeconds(5));
        assertThat(r.config().clusters().get(0).tls()).as("a plaintext cluster").isNull();
        assertThat(options(parse(tls("auto", "ca_file: ca.pem"))).alpn()).containsExactly("h2", "http/1.1");
        assertThat(options(parse(tls("http2", "ca_file: ca.pem"))).alpn()).containsExactly("h2");
    }

    @Test
    void everyKeySet() {
        final TlsClientOptions o = options(parse(tls("auto", "ca_file: ca.pem", "sni: api.example.org",
            "verify_subject_alt_name: [ { dns: '*.example.org' }, "
                + "{ uri_exact: 'spiffe://example.org/ns/demo/sa/api' }, "
                + "{ uri_prefix: 'spiffe://example.org/ns/ops/' } ]",
            "certificate_file: me.pem", "private_key_file: me.key", "alpn: [ http/1.1 ]", "min_version: TLSv1.3",
            "max_version: TLSv1.3", "cipher_suites: [ ECDHE-ECDSA-AES128-GCM-SHA256 ]", "ecdh_curves: [ X25519 ]",
            "handshake_timeout: 2s", "reload_interval: 0s", "session_reuse: false")));
        assertThat(o.sni()).isEqualTo("api.example.org");
        assertThat(o.verifySans()).containsExactly(new SanMatcher(SanMatcher.Kind.DNS, "*.example.org"),
            new SanMatcher(SanMatcher.Kind.URI_EXACT, "spiffe://example.org/ns/demo/sa/api"),
            new SanMatcher(SanMatcher.Kind.URI_PREFIX, "spiffe://example.org/ns/ops/"));
        assertThat(o.clientCertificate().cert()).isEqualTo(dir.resolve("me.pem"));
        assertThat(o.clientCertificate().key()).isEqualTo(dir.resolve("me.key"));
        assertThat(o.alpn()).containsExactly("http/1.1");
        assertThat(o.minVersion()).isEqualTo("TLSv1.3");
        assertThat(o.cipherSuites()).containsExactly("ECDHE-ECDSA-AES128-GCM-SHA256");
        assertThat(o.ecdhCurves()).containsExactly("X25519");
        assertThat(o.handshakeTimeout()).isEqualTo(Duration.ofSeconds(2));
        assertThat(o.sessionReuse()).isFalse();
    }

    @Test
    void theCaBundleIsRequired() {
        assertThat(errors(tls("http1", "sni: api.test"))).containsExactly("t.yaml:15:5: clusters[1].tls: "
            + "missing required key 'ca_file': the CA bundle that verifies the upstream's certificates (upstream TLS "
            + "always verifies)");
        assertThat(errors(tls("http1", "verify_subject_alt_name: [ { dns: api.test } ]"))).containsExactly(
            "t.yaml:15:5: clusters[1].tls: verify_subject_alt_name needs ca_file (the CA bundle that verifies the "
                + "upstream's certificate)");
    }

    @Test
    void filesThatCannotBeUsedAreNamed() {
        assertThat(errors(tls("http1", "ca_file: missing.pem"))).singleElement().asString()
            .startsWith("t.yaml:16:16: clusters[1].tls.ca_file: ").contains("missing.pem");
        assertThat(errors(tls("http1", "ca_file: text.pem"))).singleElement().asString()
            .startsWith("t.yaml:16:16: clusters[1].tls.ca_file: ").contains("is not a PEM file");
        assertThat(errors(tls("http1", "ca_file: ca.pem", "certificate_file: me.pem", "private_key_file: other.key")))
            .singleElement().asString().startsWith("t.yaml:18:25: clusters[1].tls.private_key_file: ")
            .contains("is not the private key of the first certificate");
        assertThat(errors(tls("http1", "ca_file: ca.pem", "certificate_file: me.pem")))
            .containsExactly(at(17, 7, "certificate_file: certificate_file and private_key_file go together (the "
                + "client certificate presented for mutual TLS and its key)"));
    }

    @Test
    void badValuesAreNamed() {
        assertThat(errors(tls("http1", "ca_file: ca.pem",
            "verify_subject_alt_name: [ { dns: a.test, uri_exact: x } ]"))).containsExactly(at(17, 34,
                "verify_subject_alt_name[0]: expected exactly one of dns, uri_exact, uri_prefix"));
        assertThat(errors(tls("http1", "ca_file: ca.pem", "verify_subject_alt_name: [ { ip: 10.0.0.1 } ]")))
            .singleElement().asString().startsWith("t.yaml:17:36: clusters[1].tls.verify_subject_alt_name[0].ip: ");
        assertThat(errors(tls("http1", "ca_file: ca.pem", "alpn: [ h2 ]"))).containsExactly(at(17, 15,
            "alpn[0]: unsupported ALPN protocol 'h2' (protocol: http1 offers http/1.1)"));
        assertThat(errors(tls("http1", "ca_file: ca.pem", "min_version: TLSv1.3", "max_version: TLSv1.2")))
            .containsExactly(at(18, 20, "max_version: max_version TLSv1.2 is below min_version TLSv1.3"));
        assertThat(errors(tls("http1", "ca_file: ca.pem", "sni: 10.0.0.1:443"))).containsExactly(at(17, 12,
            "sni: sni must be a DNS host name (no IP address, port or wildcard), got '10.0.0.1:443'"));
        assertThat(errors(tls("http1", "ca_file: ca.pem", "cipher_suites: [ NOT-A-SUITE ]"))).containsExactly(
            at(17, 24, "cipher_suites[0]: unknown cipher suite 'NOT-A-SUITE' (use OpenSSL names such as "
                + "ECDHE-ECDSA-AES128-GCM-SHA256)"));
    }

    @Test
    void http2SettingsGoWithAutoOnATlsCluster() {
        assertThat(errors(tls("auto", "ca_file: ca.pem") + "    http2: { max_concurrent_streams: 10 }\n")).isEmpty();
    }
}
