package io.strait.server;

import io.strait.core.stats.ClusterStat;
import io.strait.core.testing.RawHttpClient;
import io.strait.core.testing.RawResponse;
import io.strait.tls.testing.TestCertificates;
import io.strait.tls.testing.TestCertificates.Issued;
import io.strait.tls.testing.TestCertificates.KeyFormat;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SNIHostName;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The two-sidecar example of {@code examples/mesh}, its configuration files as they are (only their loopback ports
 * moved to free ones) and certificates made here as make-certs.sh makes them: app → client-side sidecar → mTLS →
 * server-side sidecar → app, the SPIFFE ID checked on both sides, XFCC set, and another workload refused on /api/.
 */
class MeshExampleIntegrationTest {

    private static final String FRONTEND = "spiffe://example.org/ns/demo/sa/frontend";
    private static final String BACKEND = "spiffe://example.org/ns/demo/sa/backend";
    private static final Issued CA = TestCertificates.ca("example.org CA");
    private static final Issued STRANGER = workload("stranger");

    @TempDir
    static Path dir;
    private static Mesh mesh;

    private static Issued workload(final String name) {
        return CA.workload(name, List.of("spiffe://example.org/ns/demo/sa/" + name), List.of(name + ".demo"));
    }

    @BeforeAll
    static void start() throws Exception {
        final Map<String, String> ports = new HashMap<>();
        for (final String file : List.of(Mesh.CLIENT, Mesh.SERVER)) {
            Files.writeString(dir.resolve(file), freePorts(Files.readString(Path.of("../examples/mesh", file)),
                ports));
        }
        final Path certs = Files.createDirectories(dir.resolve("certs"));
        CA.writeCertificate(certs.resolve("ca.pem"));
        for (final String name : List.of("frontend", "backend")) {
            final Issued w = workload(name);
            w.writeChain(certs.resolve(name + ".pem"));
            w.writeKey(certs.resolve(name + ".key"), KeyFormat.PKCS8);
        }
        mesh = Mesh.start(dir);
    }

    /** {@code yaml} with each 127.0.0.1 port replaced by a free one (the same port the same wherever it appears). */
    private static String freePorts(final String yaml, final Map<String, String> ports) throws IOException {
        final Matcher m = Pattern.compile("127\\.0\\.0\\.1:(\\d+)").matcher(yaml);
        final StringBuilder out = new StringBuilder();
        while (m.find()) {
            String port = ports.get(m.group(1));
            if (port == null) {
                try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                    port = String.valueOf(s.getLocalPort());
                }
                ports.put(m.group(1), port);
            }
            m.appendReplacement(out, "127.0.0.1:" + port);
        }
        m.appendTail(out);
        return out.toString();
    }

    @AfterAll
    static void stop() throws Exception {
        if (mesh != null) {
            mesh.close();
        }
    }

    private static RawResponse viaClientSidecar(final String path, final String... headers) throws IOException {
        final StringBuilder raw = new StringBuilder("GET " + path + " HTTP/1.1\r\nHost: backend.demo\r\n");
        for (final String h : headers) {
            raw.append(h).append("\r\n");
        }
        try (RawHttpClient c = new RawHttpClient(mesh.client().boundAddress("outbound").getPort())) {
            c.send(raw.append("\r\n").toString());
            return c.readResponse();
        }
    }

    private static RawResponse directlyAs(final SSLContext ctx, final String path) throws IOException {
        final SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket(InetAddress.getLoopbackAddress(),
            mesh.server().boundAddress("inbound").getPort());
        final SSLParameters p = s.getSSLParameters();
        p.setServerNames(List.of(new SNIHostName("backend.demo")));
        s.setSSLParameters(p);
        s.setSoTimeout(5000);
        s.startHandshake();
        try (RawHttpClient c = new RawHttpClient(s, Duration.ofSeconds(5))) {
            return c.get(path, "backend.demo");
        }
    }

    @Test
    void theAppBehindTheServerSidecarLearnsWhoCalled() throws Exception {
        final RawResponse r = viaClientSidecar("/api/hello");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.header("x-demo-upstream")).startsWith("app@");
        final String xfcc = line(r.bodyAsString(), "x-forwarded-client-cert: ");
        assertThat(xfcc).matches("By=" + Pattern.quote(BACKEND) + ";Hash=[0-9a-f]{64};URI=" + Pattern.quote(FRONTEND));
        assertThat(mesh.client().stats().scope("cluster.backend.", ClusterStat.class)
            .value(ClusterStat.SSL_HANDSHAKE)).isGreaterThanOrEqualTo(1);
        assertThat(mesh.client().stats().scope("cluster.backend.", ClusterStat.class)
            .value(ClusterStat.UPSTREAM_CX_HTTP2_TOTAL)).as("ALPN picked h2").isGreaterThanOrEqualTo(1);
    }

    @Test
    void aForgedClientCertHeaderIsReplaced() throws Exception {
        final RawResponse r = viaClientSidecar("/api/hello", "x-forwarded-client-cert: URI=spiffe://forged");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.bodyAsString()).doesNotContain("forged");
        assertThat(line(r.bodyAsString(), "x-forwarded-client-cert: ")).endsWith(";URI=" + FRONTEND);
    }

    @Test
    void anotherWorkloadIsRefusedOnApiButMayUseTheRest() throws Exception {
        final SSLContext stranger = CA.clientContext(STRANGER);
        final RawResponse api = directlyAs(stranger, "/api/hello");
        assertThat(api.status()).isEqualTo(403);
        assertThat(api.header("x-strait-error")).isEqualTo("rbac_denied");
        assertThat(directlyAs(stranger, "/status").status()).isEqualTo(200);
    }

    @Test
    void noClientCertificateNoConnection() {
        assertThatThrownBy(() -> directlyAs(CA.clientContext(null), "/").status()).isInstanceOf(IOException.class);
    }

    private static String line(final String body, final String prefix) {
        for (final String l : body.split("\n")) {
            if (l.startsWith(prefix)) {
                return l.substring(prefix.length());
            }
        }
        throw new AssertionError("no line " + prefix + " in " + body);
    }
}
