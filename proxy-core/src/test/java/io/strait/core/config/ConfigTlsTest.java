package io.strait.core.config;

import io.strait.tls.TlsServerOptions;
import io.strait.tls.SessionTicketOptions;
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

import static io.strait.core.config.ConfigFixtures.withListener;
import static org.assertj.core.api.Assertions.assertThat;

/** The {@code tls} key of a listener: defaults, relative paths, and each error with its field path and position. */
class ConfigTlsTest {

    private static final String VH = "virtual_hosts: [ { domains: [ a.example ], routes: [ { match: { prefix: / }, "
        + "cluster: c } ] } ]";
    private static final Issued CA = TestCertificates.ca("config-ca");

    @TempDir
    static Path dir;

    @BeforeAll
    static void files() throws Exception {
        final Issued a = CA.server(KeyType.EC, "a.test");
        a.writeChain(dir.resolve("a.pem"));
        a.writeKey(dir.resolve("a.key"), KeyFormat.TRADITIONAL);
        final Issued b = CA.server(KeyType.RSA, "b.test");
        b.writeChain(dir.resolve("b.pem"));
        b.writeKey(dir.resolve("b.key"), KeyFormat.TRADITIONAL);
        CA.writeCertificate(dir.resolve("ca.pem"));
        Files.writeString(dir.resolve("text.pem"), "not pem\n");
    }

    /** A second listener with {@code tls:} then {@code lines} under it (line 12 on, indented by 6). */
    private static String tls(final String... lines) {
        final String[] all = new String[lines.length + 4];
        all[0] = "name: m";
        all[1] = "address: 127.0.0.1:0";
        all[2] = "tls:";
        for (int i = 0; i < lines.length; i++) {
            all[3 + i] = "  " + lines[i];
        }
        all[all.length - 1] = VH;
        return withListener(all);
    }

    private static ConfigResult parse(final String yaml) {
        return ConfigLoader.parse(yaml, ConfigFixtures.SOURCE, dir);
    }

    private static List<String> errors(final String yaml) {
        return parse(yaml).errors().stream().map(ConfigError::format).toList();
    }

    private static String at(final int line, final int column, final String pathAndMessage) {
        return "t.yaml:" + line + ":" + column + ": listeners[1].tls." + pathAndMessage;
    }

    @Test
    void defaultsAndRelativePaths() {
        final ConfigResult r = parse(tls("certificates: [ { cert: a.pem, key: a.key } ]"));
        assertThat(r.errors()).isEmpty();
        final ListenerTlsConfig t = r.config().listeners().get(1).tls();
        final TlsServerOptions o = t.options();
        assertThat(o.certificates().get(0).cert()).isEqualTo(dir.resolve("a.pem"));
        assertThat(o.certificates().get(0).key()).isEqualTo(dir.resolve("a.key"));
        assertThat(o.clientCa()).isNull();
        assertThat(o.requireClientCert()).isFalse();
        assertThat(o.minVersion()).isEqualTo("TLSv1.2");
        assertThat(o.cipherSuites()).isEmpty();
        assertThat(o.alpn()).as("codec auto: h2 first, as Envoy").containsExactly("h2", "http/1.1");
        assertThat(o.handshakeTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(t.reloadInterval()).isEqualTo(Duration.ofSeconds(5));
        assertThat(r.config().listeners().get(0).tls()).as("a plain listener").isNull();
    }

    @Test
    void everyKeySet() {
        final ConfigResult r = parse(tls("certificates: [ { cert: a.pem, key: a.key }, { cert: b.pem, key: b.key } ]",
            "client_ca: ca.pem", "require_client_cert: true", "min_version: TLSv1.3",
            "cipher_suites: [ ECDHE-ECDSA-AES128-GCM-SHA256 ]", "handshake_timeout: 3s", "alpn: [ http/1.1 ]",
            "reload_interval: 0s", "ecdh_curves: [ X25519, prime256v1 ]"));
        assertThat(r.errors()).isEmpty();
        final ListenerTlsConfig t = r.config().listeners().get(1).tls();
        assertThat(t.options().certificates()).hasSize(2);
        assertThat(t.options().clientCa()).isEqualTo(dir.resolve("ca.pem"));
        assertThat(t.options().requireClientCert()).isTrue();
        assertThat(t.options().minVersion()).isEqualTo("TLSv1.3");
        assertThat(t.options().cipherSuites()).containsExactly("ECDHE-ECDSA-AES128-GCM-SHA256");
        assertThat(t.options().handshakeTimeout()).isEqualTo(Duration.ofSeconds(3));
        assertThat(t.reloadInterval()).isZero();
        assertThat(t.options().ecdhCurves()).as("aliases become BoringSSL names").containsExactly("X25519", "P-256");
    }

    @Test
    void ecdhCurves() {
        final ConfigResult absent = parse(tls("certificates: [ { cert: a.pem, key: a.key } ]"));
        assertThat(absent.config().listeners().get(1).tls().options().ecdhCurves()).isEmpty();
        // The one-line form perf-tests/compare.sh writes.
        final ConfigResult flow = parse(withListener("name: m", "address: 127.0.0.1:0",
            "tls: { certificates: [ { cert: a.pem, key: a.key } ], ecdh_curves: [ X25519, P-256 ] }", VH));
        assertThat(flow.errors()).isEmpty();
        assertThat(flow.config().listeners().get(1).tls().options().ecdhCurves()).containsExactly("X25519", "P-256");
        assertThat(errors(tls("certificates: [ { cert: a.pem, key: a.key } ]", "ecdh_curves: [ X25519, X448 ]")))
            .containsExactly(at(13, 30, "ecdh_curves[1]: unknown key-exchange group 'X448' (expected one of "
                + "X25519MLKEM768, X25519, P-256, P-384, P-521)"));
        assertThat(errors(tls("certificates: [ { cert: a.pem, key: a.key } ]", "ecdh_curves: [ P-256, secp256r1 ]")))
            .containsExactly(at(13, 29, "ecdh_curves[1]: duplicate key-exchange group 'secp256r1'"));
        assertThat(errors(tls("certificates: [ { cert: a.pem, key: a.key } ]", "ecdh_curves: []")))
            .containsExactly(at(13, 20, "ecdh_curves: must not be empty"));
        assertThat(errors(tls("certificates: [ { cert: a.pem, key: a.key } ]", "ecdh_curves: [ 25519 ]")))
            .hasSize(1).first().asString().startsWith("t.yaml:13:22: listeners[1].tls.ecdh_curves[0]: expected a "
                + "key-exchange group name");
    }

    @Test
    void sessionTickets() throws Exception {
        Files.write(dir.resolve("ticket.key"), new byte[48]);
        Files.write(dir.resolve("short.key"), new byte[32]);
        final ConfigResult defaults = parse(tls("certificates: [ { cert: a.pem, key: a.key } ]"));
        assertThat(defaults.config().listeners().get(1).tls().options().sessionTickets())
            .isEqualTo(SessionTicketOptions.DEFAULTS);
        final ConfigResult set = parse(tls("certificates: [ { cert: a.pem, key: a.key } ]",
            "session_tickets: { lifetime: 300s, key_files: [ ticket.key ] }"));
        assertThat(set.errors()).isEmpty();
        final SessionTicketOptions t = set.config().listeners().get(1).tls().options().sessionTickets();
        assertThat(t.enabled()).isTrue();
        assertThat(t.lifetime()).isEqualTo(Duration.ofSeconds(300));
        assertThat(t.keyFiles()).containsExactly(dir.resolve("ticket.key"));
        assertThat(parse(tls("certificates: [ { cert: a.pem, key: a.key } ]", "session_tickets: { enabled: false }"))
            .config().listeners().get(1).tls().options().sessionTickets().enabled()).isFalse();

        assertThat(errors(tls("certificates: [ { cert: a.pem, key: a.key } ]",
            "session_tickets: { key_files: [ ticket.key, short.key ] }")))
            .hasSize(1).first().asString().startsWith("t.yaml:13:51: listeners[1].tls.session_tickets.key_files[1]: ")
            .contains("has 32 bytes; a ticket key file has 48 random bytes");
        assertThat(errors(tls("certificates: [ { cert: a.pem, key: a.key } ]", "session_tickets: { lifetime: 169h }")))
            .containsExactly(at(13, 36, "session_tickets.lifetime: must be at most 168h (TLS 1.3's limit on a "
                + "ticket's lifetime), got 169h"));
        assertThat(errors(tls("certificates: [ { cert: a.pem, key: a.key } ]",
            "session_tickets: { enabled: false, key_files: [ ticket.key ] }")))
            .hasSize(1).first().asString().contains("session_tickets.key_files: key_files has no use when");
        assertThat(errors(tls("certificates: [ { cert: a.pem, key: a.key } ]", "session_tickets: { rotate: 1h }")))
            .hasSize(1).first().asString().contains("session_tickets.rotate");
    }

    @Test
    void ocspStaple() {
        final ConfigResult none = parse(tls("certificates: [ { cert: a.pem, key: a.key } ]"));
        assertThat(none.config().listeners().get(1).tls().options().certificates().get(0).ocspStaple()).isNull();
        assertThat(errors(tls("certificates: [ { cert: a.pem, key: a.key, ocsp_staple: text.pem } ]")))
            .hasSize(1).first().asString()
            .startsWith("t.yaml:12:63: listeners[1].tls.certificates[0].ocsp_staple: ")
            .contains("is not a DER-encoded successful OCSP response");
    }

    @Test
    void aConfigFileResolvesPathsAgainstItsDirectory() throws Exception {
        final Path file = dir.resolve("conf/strait.yaml");
        Files.createDirectories(file.getParent());
        Files.writeString(file, tls("certificates: [ { cert: ../a.pem, key: ../a.key } ]"));
        final ConfigResult r = ConfigLoader.load(file);
        assertThat(r.errors()).isEmpty();
        assertThat(r.config().listeners().get(1).tls().options().certificates().get(0).cert())
            .isEqualTo(dir.resolve("a.pem"));
    }

    @Test
    void theTlsExampleIsValidOnceItsCertificatesExist() throws Exception {
        final Path copy = dir.resolve("example/tls.yaml");
        Files.createDirectories(copy.getParent());
        Files.copy(Path.of("../examples/tls.yaml"), copy);
        final Issued cert = CA.server(KeyType.EC, "localhost");
        cert.writeChain(copy.resolveSibling("certs/example.pem"));
        cert.writeKey(copy.resolveSibling("certs/example.key"), KeyFormat.PKCS8);
        final ConfigResult r = ConfigLoader.load(copy);
        assertThat(r.errors()).isEmpty();
        assertThat(r.config().listeners().get(0).tls().reloadInterval()).isEqualTo(Duration.ofSeconds(5));
    }

    @Test
    void fileErrorsNameTheFieldAndPosition() {
        assertThat(errors(tls("certificates: [ { cert: a.pem, key: a.key }, { cert: nope.pem, key: a.key } ]")))
            .containsExactly(at(12, 60, "certificates[1].cert: cannot read " + dir.resolve("nope.pem")
                + ": no such file"));
        assertThat(errors(tls("certificates:", "  - cert: text.pem", "    key: a.key")))
            .containsExactly(at(13, 17, "certificates[0].cert: " + dir.resolve("text.pem") + " is not a PEM file "
                + "(no '-----BEGIN ...-----' block)"));
        assertThat(errors(tls("certificates:", "  - cert: a.key", "    key: a.key")))
            .containsExactly(at(13, 17, "certificates[0].cert: " + dir.resolve("a.key") + " holds no PEM "
                + "certificate (expected '-----BEGIN CERTIFICATE-----')"));
        assertThat(errors(tls("certificates:", "  - cert: a.pem", "    key: b.key")))
            .containsExactly(at(14, 16, "certificates[0].key: " + dir.resolve("b.key") + " is not the private key "
                + "of the first certificate in " + dir.resolve("a.pem")));
        assertThat(errors(tls("certificates: [ { cert: a.pem, key: a.key } ]", "client_ca: missing-ca.pem")))
            .containsExactly(at(13, 18, "client_ca: cannot read " + dir.resolve("missing-ca.pem")
                + ": no such file"));
    }

    @Test
    void shapeErrors() {
        assertThat(errors(tls("certificates: []")))
            .containsExactly(at(12, 21, "certificates: must not be empty"));
        assertThat(errors(tls("client_ca: ca.pem")))
            .containsExactly(at(12, 7, "certificates: missing required field 'certificates'"));
        assertThat(errors(tls("certificates: [ { cert: a.pem } ]")))
            .containsExactly(at(12, 23, "certificates[0].key: missing required field 'key'"));
        assertThat(errors(tls("certificates: [ { cert: a.pem, key: a.key } ]", "require_client_cert: true")))
            .containsExactly(at(13, 28, "require_client_cert: requiring client certificates needs client_ca (the "
                + "CA bundle that verifies them)"));
        assertThat(errors(tls("certificates: [ { cert: a.pem, key: a.key } ]", "min_version: TLSv1.1")))
            .containsExactly(at(13, 20, "min_version: unknown TLS version 'TLSv1.1' (expected one of TLSv1.2, "
                + "TLSv1.3)"));
        assertThat(errors(tls("certificates: [ { cert: a.pem, key: a.key } ]", "alpn: [ h3 ]")))
            .containsExactly(at(13, 15, "alpn[0]: unsupported ALPN protocol 'h3' (h2 and http/1.1 are supported)"));
        assertThat(errors(tls("certificates: [ { cert: a.pem, key: a.key } ]",
            "cipher_suites: [ ECDHE-ECDSA-AES128-GCM-SHA256, NOT-A-SUITE ]")))
            .containsExactly(at(13, 55, "cipher_suites[1]: unknown cipher suite 'NOT-A-SUITE' (use OpenSSL names "
                + "such as ECDHE-RSA-AES128-GCM-SHA256)"));
        assertThat(errors(tls("certificates: [ { cert: a.pem, key: a.key } ]", "handshake_timeout: 0s")))
            .containsExactly(at(13, 26, "handshake_timeout: must be greater than 0"));
        assertThat(errors(tls("certificates: [ { cert: a.pem, key: a.key } ]", "sni: on")))
            .hasSize(1).first().asString().startsWith("t.yaml:13:7: listeners[1].tls.sni: unknown field 'sni'");
    }
}
