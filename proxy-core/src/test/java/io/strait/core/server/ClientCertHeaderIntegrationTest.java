package io.strait.core.server;

import io.strait.core.testing.ProxyExtension;
import io.strait.core.testing.RawHttpClient;
import io.strait.core.testing.TestUpstream;
import io.strait.core.testing.RecordedRequest;
import io.strait.tls.testing.TestCertificates;
import io.strait.tls.testing.TestCertificates.Issued;
import io.strait.tls.testing.TestCertificates.KeyFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.InetAddress;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * End to end: {@code x-forwarded-client-cert} in Envoy's format and modes. The proxy's own certificate carries a
 * SPIFFE ID ({@code By}); the client's carries another SPIFFE ID and a DNS name.
 */
class ClientCertHeaderIntegrationTest {

    private static final Issued CA = TestCertificates.ca("xfcc-it-ca");
    private static final Issued SERVER = CA.workload("server", List.of("spiffe://example.org/ns/demo/sa/backend"),
        List.of("x.test"));
    private static final Issued CLIENT = CA.client("frontend", List.of("spiffe://example.org/ns/demo/sa/frontend"),
        List.of("frontend.test"));
    private static final String CLIENT_XFCC = "By=spiffe://upstream-proxy;Hash=abc";

    @RegisterExtension
    static final ProxyExtension PROXY = ProxyExtension.of("""
        runtime: { event_loops: 1, transport: epoll }
        listeners:
          - name: sanitize
            address: 127.0.0.1:0
            tls: { certificates: [ { cert: ${file:s.pem}, key: ${file:s.key} } ], client_ca: ${file:ca.pem} }
            virtual_hosts: [ { domains: [ "*" ], routes: [ { match: { prefix: / }, cluster: up } ] } ]
          - name: set
            address: 127.0.0.1:0
            tls: { certificates: [ { cert: ${file:s.pem}, key: ${file:s.key} } ], client_ca: ${file:ca.pem} }
            forward_client_cert_details: sanitize_set
            set_current_client_cert_details: { subject: true, uri: true, dns: true }
            virtual_hosts: [ { domains: [ "*" ], routes: [ { match: { prefix: / }, cluster: up } ] } ]
          - name: append
            address: 127.0.0.1:0
            tls: { certificates: [ { cert: ${file:s.pem}, key: ${file:s.key} } ], client_ca: ${file:ca.pem} }
            forward_client_cert_details: append_forward
            set_current_client_cert_details: { uri: true }
            virtual_hosts: [ { domains: [ "*" ], routes: [ { match: { prefix: / }, cluster: up } ] } ]
          - name: forward
            address: 127.0.0.1:0
            tls: { certificates: [ { cert: ${file:s.pem}, key: ${file:s.key} } ], client_ca: ${file:ca.pem} }
            forward_client_cert_details: forward_only
            virtual_hosts: [ { domains: [ "*" ], routes: [ { match: { prefix: / }, cluster: up } ] } ]
        clusters: [ { name: up, endpoints: [ { address: 127.0.0.1:${upstream:up} } ] } ]
        """).upstreams("up")
        .file("s.pem", SERVER::writeChain)
        .file("s.key", p -> SERVER.writeKey(p, KeyFormat.PKCS8))
        .file("ca.pem", CA::writeCertificate);

    /** Sends one request with the client's own XFCC, with or without a client certificate; returns what arrived. */
    private RecordedRequest send(final String listener, final boolean withCert, final String path) throws Exception {
        final SSLContext ctx = CA.clientContext(withCert ? CLIENT : null);
        final SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket(InetAddress.getLoopbackAddress(),
            PROXY.port(listener));
        s.setSoTimeout(5000);
        s.startHandshake();
        try (RawHttpClient c = new RawHttpClient(s, Duration.ofSeconds(5))) {
            c.send("GET " + path + " HTTP/1.1\r\nhost: x.test\r\nx-forwarded-client-cert: " + CLIENT_XFCC
                + "\r\n\r\n");
            assertThat(c.readResponse().status()).isEqualTo(200);
        }
        final TestUpstream up = PROXY.upstream("up");
        return up.requests().stream().filter(r -> r.uri().equals(path)).findFirst().orElseThrow();
    }

    private static String hash() throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(CLIENT.certificate()
            .getEncoded()));
    }

    @Test
    void byDefaultAClientsHeaderIsRemovedAndNothingAdded() throws Exception {
        assertThat(send("sanitize", true, "/sanitize").header("x-forwarded-client-cert")).isNull();
    }

    @Test
    void sanitizeSetReplacesItWithThisHopsElement() throws Exception {
        assertThat(send("set", true, "/set").header("x-forwarded-client-cert")).isEqualTo(
            "By=spiffe://example.org/ns/demo/sa/backend;Hash=" + hash() + ";Subject=\"O=Strait Test,CN=frontend\""
                + ";URI=spiffe://example.org/ns/demo/sa/frontend;DNS=frontend.test");
        assertThat(send("set", false, "/set-no-cert").header("x-forwarded-client-cert"))
            .as("no client certificate: sanitized").isNull();
    }

    @Test
    void appendForwardAppendsToTheClientsHeader() throws Exception {
        assertThat(send("append", true, "/append").header("x-forwarded-client-cert")).isEqualTo(CLIENT_XFCC
            + ",By=spiffe://example.org/ns/demo/sa/backend;Hash=" + hash()
            + ";URI=spiffe://example.org/ns/demo/sa/frontend");
    }

    @Test
    void forwardOnlyPassesTheClientsHeaderOnlyWithACertificate() throws Exception {
        assertThat(send("forward", true, "/fwd").header("x-forwarded-client-cert")).isEqualTo(CLIENT_XFCC);
        assertThat(send("forward", false, "/fwd-no-cert").header("x-forwarded-client-cert")).isNull();
    }
}
