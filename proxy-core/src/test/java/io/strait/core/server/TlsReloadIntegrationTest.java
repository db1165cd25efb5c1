package io.strait.core.server;

import io.strait.core.testing.ProxyExtension;
import io.strait.core.testing.RawHttpClient;
import io.strait.tls.testing.TestCertificates;
import io.strait.tls.testing.TestCertificates.Issued;
import io.strait.tls.testing.TestCertificates.KeyFormat;
import io.strait.tls.testing.TestCertificates.KeyType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * End to end: the server's reload thread notices replaced certificate files and new connections get the new
 * certificate, while a connection opened before keeps working; a broken replacement keeps the certificate in force.
 */
class TlsReloadIntegrationTest {

    private static final Issued CA = TestCertificates.ca("reload-it-ca");

    private static final Issued FIRST = CA.server(KeyType.EC, "r.test");

    /** On an instance field: the certificate files are fresh for each test, as the test replaces them. */
    @RegisterExtension
    final ProxyExtension proxy = ProxyExtension.of("""
        runtime: { event_loops: 2, transport: epoll }
        listeners:
          - name: tls
            address: 127.0.0.1:0
            tls: { certificates: [ { cert: ${file:r.pem}, key: ${file:r.key} } ], reload_interval: 100ms }
            virtual_hosts: [ { domains: [ "*" ], routes: [ { match: { prefix: / }, cluster: up } ] } ]
        clusters: [ { name: up, endpoints: [ { address: 127.0.0.1:${upstream:up} } ] } ]
        """).upstreams("up")
        .file("r.pem", p -> stamp(FIRST.writeChain(p), 1_000_000L))
        .file("r.key", p -> stamp(FIRST.writeKey(p, KeyFormat.PKCS8), 1_000_000L));

    private X509Certificate served(final int port) throws IOException {
        try (SSLSocket s = (SSLSocket) CA.clientContext(null).getSocketFactory()
            .createSocket(InetAddress.getLoopbackAddress(), port)) {
            final SSLParameters p = s.getSSLParameters();
            p.setServerNames(List.of(new SNIHostName("r.test")));
            s.setSSLParameters(p);
            s.setSoTimeout(5000);
            s.startHandshake();
            return (X509Certificate) s.getSession().getPeerCertificates()[0];
        }
    }

    private static void write(final Issued cert, final Path pem, final Path key, final long stamp) throws IOException {
        cert.writeChain(pem);
        cert.writeKey(key, KeyFormat.PKCS8);
        Files.setLastModifiedTime(pem, FileTime.fromMillis(stamp));
        Files.setLastModifiedTime(key, FileTime.fromMillis(stamp));
    }

    private static void stamp(final Path file, final long stamp) throws IOException {
        Files.setLastModifiedTime(file, FileTime.fromMillis(stamp));
    }

    @Test
    void replacedFilesReachNewConnections() throws Exception {
        final Path pem = proxy.file("r.pem");
        final Path key = proxy.file("r.key");
        final Issued first = FIRST;
        final ProxyServer server = proxy.server();
        final int port = server.boundAddress("tls").getPort();
        assertThat(served(port)).isEqualTo(first.certificate());
        final SSLSocket open = (SSLSocket) CA.clientContext(null).getSocketFactory()
            .createSocket(InetAddress.getLoopbackAddress(), port);
        open.startHandshake();
        try (RawHttpClient before = new RawHttpClient(open, Duration.ofSeconds(5))) {
            final Issued second = CA.server(KeyType.RSA, "r.test");
            write(second, pem, key, 2_000_000L);
            await().atMost(Duration.ofSeconds(5)).until(() -> served(port).equals(second.certificate()));
            assertThat(before.get("/still", "r.test").status()).as("an older connection goes on")
                .isEqualTo(200);

            // A key that does not match: logged, and the second certificate stays (the deterministic
            // version of this is CertificateReloaderTest; here the server's own thread polls).
            CA.server(KeyType.EC, "r.test").writeKey(key, KeyFormat.PKCS8);
            Files.setLastModifiedTime(key, FileTime.fromMillis(3_000_000L));
            Thread.sleep(400);
            assertThat(served(port)).isEqualTo(second.certificate());
        }
    }
}
