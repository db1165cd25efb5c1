package io.strait.tls;

import io.strait.tls.testing.TestCertificates;
import io.strait.tls.testing.TestCertificates.Issued;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

/** Helpers shared by the tls module's tests: a JDK TLS client that reports what it saw. */
final class TlsFixture {

    private TlsFixture() {
    }

    /** What one client connection saw. */
    record Seen(X509Certificate serverLeaf, String answer, String protocol, SSLSocket socket) {
    }

    /**
     * Connects to 127.0.0.1:{@code port} with {@code ctx}, sending {@code sni} (null: none), completes the
     * handshake, sends one line and reads the answer line.
     */
    static Seen call(final SSLContext ctx, final int port, final String sni, final String... protocols)
        throws IOException {
        try (SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket(InetAddress.getLoopbackAddress(), port)) {
            s.setSoTimeout(10_000);
            final SSLParameters p = s.getSSLParameters();
            p.setServerNames(sni == null ? List.of() : List.of(new SNIHostName(sni)));
            p.setEndpointIdentificationAlgorithm(null);
            if (protocols.length > 0) {
                p.setProtocols(protocols);
            }
            s.setSSLParameters(p);
            s.startHandshake();
            s.getOutputStream().write("hi\n".getBytes(StandardCharsets.US_ASCII));
            s.getOutputStream().flush();
            final String line = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8))
                .readLine();
            if (line == null) {
                throw new IOException("closed without an answer");
            }
            return new Seen((X509Certificate) s.getSession().getPeerCertificates()[0], line,
                s.getSession().getProtocol(), s);
        }
    }

    /** Writes {@code cert} and its key ({@code format}) as name.pem / name.key under dir. */
    static CertificateFiles files(final java.nio.file.Path dir, final String name, final Issued cert,
                                  final TestCertificates.KeyFormat format) {
        return new CertificateFiles(cert.writeChain(dir.resolve(name + ".pem")),
            cert.writeKey(dir.resolve(name + ".key"), format));
    }
}
