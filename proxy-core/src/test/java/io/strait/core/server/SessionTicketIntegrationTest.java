package io.strait.core.server;

import io.strait.core.config.ConfigLoader;
import io.strait.core.config.ConfigResult;
import io.strait.core.listener.ListenerTls;
import io.strait.core.stats.ListenerStat;
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
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * End to end: session tickets. A certificate reload keeps the ticket keys (a returning client still resumes), a
 * listener with tickets off issues none (its session cache still resumes a client on the same instance, as nginx's
 * and HAProxy's do), and two listeners that share key files (as two instances would) resume each other's sessions
 * with the configured lifetime hint.
 */
class SessionTicketIntegrationTest {

    private static final Issued CA = TestCertificates.ca("tickets-it-ca");
    private static final Issued FIRST = CA.server(KeyType.EC, "t.test");
    private static final byte[] SHARED_KEY = randomKey();

    /** On an instance field: the certificate files are fresh for each test, as a test replaces them. */
    @RegisterExtension
    final ProxyExtension proxy = ProxyExtension.of("""
        runtime: { event_loops: 2, transport: epoll }
        listeners:
          - name: tls
            address: 127.0.0.1:0
            tls: { certificates: [ { cert: ${file:t.pem}, key: ${file:t.key} } ], reload_interval: 0s }
            virtual_hosts: [ { domains: [ "*" ], routes: [ { match: { prefix: / }, cluster: up } ] } ]
          - name: off
            address: 127.0.0.1:0
            tls:
              certificates: [ { cert: ${file:t.pem}, key: ${file:t.key} } ]
              session_tickets: { enabled: false }
            virtual_hosts: [ { domains: [ "*" ], routes: [ { match: { prefix: / }, cluster: up } ] } ]
          - name: a
            address: 127.0.0.1:0
            tls:
              certificates: [ { cert: ${file:t.pem}, key: ${file:t.key} } ]
              session_tickets: { key_files: [ ${file:ticket.key} ], lifetime: 300s }
            virtual_hosts: [ { domains: [ "*" ], routes: [ { match: { prefix: / }, cluster: up } ] } ]
          - name: b
            address: 127.0.0.1:0
            tls:
              certificates: [ { cert: ${file:t.pem}, key: ${file:t.key} } ]
              session_tickets: { key_files: [ ${file:ticket.key} ], lifetime: 300s }
            virtual_hosts: [ { domains: [ "*" ], routes: [ { match: { prefix: / }, cluster: up } ] } ]
        clusters: [ { name: up, endpoints: [ { address: 127.0.0.1:${upstream:up} } ] } ]
        """).upstreams("up")
        .file("t.pem", p -> stamp(FIRST.writeChain(p), 1_000_000L))
        .file("t.key", p -> stamp(FIRST.writeKey(p, KeyFormat.PKCS8), 1_000_000L))
        .file("ticket.key", p -> Files.write(p, SHARED_KEY));

    private static byte[] randomKey() {
        final byte[] key = new byte[48];
        new SecureRandom().nextBytes(key);
        return key;
    }

    private static Path stamp(final Path file, final long stamp) throws IOException {
        Files.setLastModifiedTime(file, FileTime.fromMillis(stamp));
        return file;
    }

    private long stat(final String listener, final ListenerStat stat) {
        return proxy.server().stats().scope("listener." + listener + ".", ListenerStat.class).value(stat);
    }

    /** One HTTPS request on a new connection from {@code client} (whose session cache lets it resume). */
    private int get(final String listener, final SSLContext client) throws IOException {
        final SSLSocket s = (SSLSocket) client.getSocketFactory()
            .createSocket(InetAddress.getLoopbackAddress(), proxy.port(listener));
        final SSLParameters p = s.getSSLParameters();
        p.setServerNames(List.of(new SNIHostName("t.test")));
        s.setSSLParameters(p);
        s.setSoTimeout(5000);
        s.startHandshake();
        try (RawHttpClient c = new RawHttpClient(s, Duration.ofSeconds(5))) {
            // The response is read after TLS 1.3's NewSessionTicket, so the client has its ticket once this returns.
            return c.get("/t", "t.test").status();
        }
    }

    @Test
    void aCertificateReloadKeepsTheTicketKeys() throws Exception {
        final SSLContext client = CA.clientContext(null);
        assertThat(get("tls", client)).isEqualTo(200);
        final long reused = stat("tls", ListenerStat.SSL_SESSION_REUSED);

        final Issued second = CA.server(KeyType.EC, "t.test");
        stamp(second.writeChain(proxy.file("t.pem")), 2_000_000L);
        stamp(second.writeKey(proxy.file("t.key"), KeyFormat.PKCS8), 2_000_000L);
        assertThat(proxy.server().listenerTls("tls").reloader().checkNow()).as("contexts rebuilt").isTrue();

        assertThat(get("tls", client)).isEqualTo(200);
        assertThat(stat("tls", ListenerStat.SSL_SESSION_REUSED) - reused)
            .as("the session from before the reload resumed on the new contexts").isEqualTo(1);
    }

    @Test
    void aConfigReloadThatChangesTheListenersTlsKeepsTheTicketKeys() throws Exception {
        final SSLContext client = CA.clientContext(null);
        assertThat(get("tls", client)).isEqualTo(200);
        final long reused = stat("tls", ListenerStat.SSL_SESSION_REUSED);
        final ListenerTls before = proxy.server().listenerTls("tls");

        final String changed = proxy.yaml().replace("reload_interval: 0s }", "reload_interval: 0s, "
            + "handshake_timeout: 7s }");
        assertThat(changed).isNotEqualTo(proxy.yaml());
        final ConfigResult next = ConfigLoader.parse(changed, "reload.yaml");
        assertThat(next.errors()).isEmpty();
        assertThat(proxy.server().reload(next.config()).ok()).isTrue();
        final ListenerTls after = proxy.server().listenerTls("tls");
        assertThat(after).as("a new TLS side").isNotSameAs(before);
        assertThat(after.tickets()).as("with the same keys").isSameAs(before.tickets());

        assertThat(get("tls", client)).isEqualTo(200);
        assertThat(stat("tls", ListenerStat.SSL_SESSION_REUSED) - reused).isEqualTo(1);
    }

    @Test
    void ticketsOffMeansNoTicketIsIssued() throws Exception {
        assumeTrue(openssl("version").exitCode == 0, "openssl is not installed");
        final Result off = openssl("s_client", "-connect", "127.0.0.1:" + proxy.port("off"), "-servername", "t.test",
            "-tls1_2");
        assertThat(off.output).contains("New, TLSv1.2").doesNotContain("TLS session ticket");
        final Result on = openssl("s_client", "-connect", "127.0.0.1:" + proxy.port("tls"), "-servername", "t.test",
            "-tls1_2");
        // BoringSSL's hint is what is left of the ticket key's lifetime: a second less when the key is a second old.
        assertThat(on.output).as("the default")
            .containsPattern("TLS session ticket lifetime hint: (7200|7199) \\(seconds\\)");
    }

    @Test
    void listenersSharingKeyFilesResumeEachOthersSessions() throws Exception {
        assumeTrue(openssl("version").exitCode == 0, "openssl is not installed");
        final Path session = Files.createTempFile("strait-ticket", ".pem");
        try {
            // TLS 1.2: its ticket comes within the handshake, so s_client has it when it saves the session.
            final Result first = openssl("s_client", "-connect", "127.0.0.1:" + proxy.port("a"), "-servername",
                "t.test", "-tls1_2", "-sess_out", session.toString());
            assertThat(first.output).containsPattern("TLS session ticket lifetime hint: (300|299) \\(seconds\\)");
            assertThat(first.output).contains("New, TLSv1.2");
            final Result second = openssl("s_client", "-connect", "127.0.0.1:" + proxy.port("b"), "-servername",
                "t.test", "-tls1_2", "-sess_in", session.toString());
            assertThat(second.output).as("listener b decrypts listener a's ticket").contains("Reused, TLSv1.2");
            assertThat(stat("b", ListenerStat.SSL_SESSION_REUSED)).isEqualTo(1);
        } finally {
            Files.deleteIfExists(session);
        }
    }

    private record Result(int exitCode, String output) {
    }

    /** Runs openssl with empty input (s_client then closes after the handshake), bounded in time. */
    private static Result openssl(final String... args) throws IOException, InterruptedException {
        final String[] cmd = new String[args.length + 1];
        cmd[0] = "openssl";
        System.arraycopy(args, 0, cmd, 1, args.length);
        final Process p;
        try {
            p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        } catch (final IOException e) {
            return new Result(-1, e.toString());
        }
        p.getOutputStream().close();
        final byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(20, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return new Result(-1, "timed out");
        }
        return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
    }
}
