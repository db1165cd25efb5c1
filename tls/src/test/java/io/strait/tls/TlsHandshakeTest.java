package io.strait.tls;

import io.strait.tls.handler.SniHandlerFactory;
import io.strait.tls.testing.TestCertificates;
import io.strait.tls.testing.TestCertificates.Issued;
import io.strait.tls.testing.TestCertificates.KeyFormat;
import io.strait.tls.testing.TestCertificates.KeyType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.IntSupplier;
import javax.net.ssl.SSLContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Real handshakes on 127.0.0.1 through the SNI handler and the peer identity handler: mTLS, errors, resumption. */
class TlsHandshakeTest {

    private static final Issued CA = TestCertificates.ca("hs-ca");
    private static final Issued OTHER_CA = TestCertificates.ca("other-ca");
    private static final Issued SERVER = CA.server(KeyType.EC, "mtls.test");
    private static final String SPIFFE = "spiffe://strait.test/ns/prod/sa/billing";

    @TempDir
    Path dir;

    private SniCertificateMapper build(final boolean clientCa, final boolean require, final Duration timeout)
        throws TlsConfigException {
        return TlsContextFactory.build(new TlsServerOptions(List.of(TlsFixture.files(dir, "s", SERVER,
            KeyFormat.PKCS8)), clientCa ? CA.writeCertificate(dir.resolve("ca.pem")) : null, require,
            TlsServerOptions.TLS_1_2, List.of(), List.of("http/1.1"), timeout));
    }

    @Test
    void requiredClientCertificates() throws Exception {
        try (SniCertificateMapper m = build(true, true, Duration.ofSeconds(5));
             TlsTestServer s = new TlsTestServer(new SniHandlerFactory(m, 5000))) {
            final Issued client = CA.client("billing", List.of(SPIFFE), List.of());
            assertThat(TlsFixture.call(CA.clientContext(client), s.port(), "mtls.test").answer()).isEqualTo(SPIFFE);
            assertThat(s.lastIdentity.get().kind()).isEqualTo(PeerIdentity.Kind.SPIFFE);
            assertThat(s.handshakes.get()).isEqualTo(1);

            for (final String version : new String[] {"TLSv1.3", "TLSv1.2"}) {
                assertThatThrownBy(() -> TlsFixture.call(CA.clientContext(null), s.port(), "mtls.test", version))
                    .isInstanceOf(IOException.class);
            }
            waitFor(() -> s.verifyNoCertificate.get(), 2);

            final Issued stranger = OTHER_CA.client("stranger", List.of("spiffe://evil.test/x"), List.of());
            assertThatThrownBy(() -> TlsFixture.call(CA.clientContext(stranger), s.port(), "mtls.test"))
                .isInstanceOf(IOException.class);
            waitFor(() -> s.verifyFailed.get(), 1);
            assertThat(s.handshakes.get()).isEqualTo(1);
            assertThat(s.connectionErrors.get()).isZero();
        }
    }

    @Test
    void optionalClientCertificates() throws Exception {
        try (SniCertificateMapper m = build(true, false, Duration.ofSeconds(5));
             TlsTestServer s = new TlsTestServer(new SniHandlerFactory(m, 5000))) {
            assertThat(TlsFixture.call(CA.clientContext(null), s.port(), "mtls.test").answer()).isEqualTo("none");
            assertThat(s.noCertificate.get()).isEqualTo(1);
            final Issued client = CA.client("web", List.of(), List.of("web.test"));
            assertThat(TlsFixture.call(CA.clientContext(client), s.port(), "mtls.test").answer())
                .isEqualTo("web.test");
            assertThat(s.noCertificate.get()).isEqualTo(1);
            assertThat(s.handshakes.get()).isEqualTo(2);
        }
    }

    @Test
    void plainTextAndSilenceAreClosedAndCounted() throws Exception {
        try (SniCertificateMapper m = build(false, false, Duration.ofMillis(300));
             TlsTestServer s = new TlsTestServer(new SniHandlerFactory(m, 300))) {
            try (Socket plain = new Socket(InetAddress.getLoopbackAddress(), s.port())) {
                plain.setSoTimeout(5000);
                plain.getOutputStream().write("GET / HTTP/1.1\r\nhost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                assertThat(drain(plain.getInputStream())).isTrue();
            }
            waitFor(() -> s.connectionErrors.get(), 1);
            try (Socket silent = new Socket(InetAddress.getLoopbackAddress(), s.port())) {
                silent.setSoTimeout(5000);
                assertThat(drain(silent.getInputStream())).as("closed by the handshake timeout").isTrue();
            }
            waitFor(() -> s.connectionErrors.get(), 2);
            assertThat(s.handshakes.get()).isZero();
        }
    }

    @Test
    void sessionsResumeWithTls12AndTls13() throws Exception {
        try (SniCertificateMapper m = build(false, false, Duration.ofSeconds(5));
             TlsTestServer s = new TlsTestServer(new SniHandlerFactory(m, 5000))) {
            for (final String version : new String[] {"TLSv1.2", "TLSv1.3"}) {
                final int before = s.reused.get();
                final SSLContext client = CA.clientContext(null);
                for (int i = 0; i < 3; i++) {
                    assertThat(TlsFixture.call(client, s.port(), "mtls.test", version).protocol()).isEqualTo(version);
                }
                assertThat(s.reused.get() - before).as("resumed %s handshakes", version).isGreaterThanOrEqualTo(1);
            }
            // A new client context has no session: a full handshake.
            final int before = s.reused.get();
            TlsFixture.call(CA.clientContext(null), s.port(), "mtls.test", "TLSv1.3");
            assertThat(s.reused.get()).isEqualTo(before);
        }
    }

    /** Reads until EOF or reset; true if the peer closed within the socket's timeout. */
    static boolean drain(final InputStream in) {
        try {
            final byte[] buf = new byte[4096];
            while (in.read(buf) >= 0) {
                // discard
            }
            return true;
        } catch (final java.net.SocketTimeoutException e) {
            return false;
        } catch (final IOException e) {
            return true;
        }
    }

    static void waitFor(final IntSupplier value, final int expected) throws InterruptedException {
        final long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (value.getAsInt() < expected && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(value.getAsInt()).isEqualTo(expected);
    }
}
