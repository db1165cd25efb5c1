package io.strait.tls;

import io.netty.handler.ssl.ReferenceCountedOpenSslContext;
import io.strait.tls.handler.SniHandlerFactory;
import io.strait.tls.testing.TestCertificates;
import io.strait.tls.testing.TestCertificates.Issued;
import io.strait.tls.testing.TestCertificates.KeyFormat;
import io.strait.tls.testing.TestCertificates.KeyType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

class CertificateReloaderTest {

    private static final Issued CA = TestCertificates.ca("reload-ca");

    @TempDir
    Path dir;
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    private final List<TlsConfigException> errors = new CopyOnWriteArrayList<>();
    private final List<SniCertificateMapper> reloads = new CopyOnWriteArrayList<>();

    @AfterEach
    void stop() throws InterruptedException {
        scheduler.shutdownNow();
        scheduler.awaitTermination(5, TimeUnit.SECONDS);
    }

    private CertificateFiles write(final Issued cert, final int stamp) throws Exception {
        final CertificateFiles f = TlsFixture.files(dir, "live", cert, KeyFormat.PKCS8);
        // Distinct modification times, whatever the file system's clock granularity.
        Files.setLastModifiedTime(f.cert(), FileTime.fromMillis(1_000_000L * stamp));
        Files.setLastModifiedTime(f.key(), FileTime.fromMillis(1_000_000L * stamp));
        return f;
    }

    @Test
    void aChangedFileSwapsTheContextsForNewConnections() throws Exception {
        final Issued first = CA.server(KeyType.EC, "live.test");
        final Issued second = CA.server(KeyType.RSA, "live.test");
        final TlsServerOptions options = TlsServerOptions.of(write(first, 1));
        final SniCertificateMapper initial = TlsContextFactory.build(options);
        final ReferenceCountedOpenSslContext initialCtx = (ReferenceCountedOpenSslContext) initial.defaultContext();
        try (CertificateReloader r = new CertificateReloader(options, initial, scheduler, Duration.ofMillis(50),
                 errors::add, reloads::add);
             TlsTestServer s = new TlsTestServer(new SniHandlerFactory(r.mapping(), 5000))) {
            assertThat(r.checkNow()).as("nothing changed").isFalse();
            assertThat(TlsFixture.call(CA.clientContext(null), s.port(), "live.test").serverLeaf())
                .isEqualTo(first.certificate());
            // Written whole before polling starts: a poll in the middle of the write (content, then the stamps set
            // above) could reload twice, and the test would follow the first of two mappers.
            write(second, 2);
            r.start();
            final long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            while (reloads.isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertThat(reloads).hasSize(1);
            assertThat(r.current()).isSameAs(reloads.get(0));
            assertThat(TlsFixture.call(CA.clientContext(null), s.port(), "live.test").serverLeaf())
                .isEqualTo(second.certificate());
            assertThat(errors).isEmpty();
            // The old contexts stay alive for the grace period (a lookup may still hold them), then go.
            assertThat(initialCtx.refCnt()).isEqualTo(1);
        }
        // The server's engines hold their context until the server's event loop has closed their connections,
        // which may finish just after the server is closed: wait for that, bounded.
        assertThat(refCntAfterClose(initialCtx)).as("released on close").isZero();
        assertThat(refCntAfterClose((ReferenceCountedOpenSslContext) reloads.get(0).defaultContext())).isZero();
    }

    private static int refCntAfterClose(final ReferenceCountedOpenSslContext ctx) throws InterruptedException {
        // Generous: on a loaded 2-core machine the server's loop can take seconds to get to its closes.
        final long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (ctx.refCnt() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        return ctx.refCnt();
    }

    @Test
    void aBadNewFileKeepsTheOldContextsAndReportsOnce() throws Exception {
        final Issued first = CA.server(KeyType.EC, "live.test");
        final CertificateFiles files = write(first, 1);
        final TlsServerOptions options = TlsServerOptions.of(files);
        final SniCertificateMapper initial = TlsContextFactory.build(options);
        try (CertificateReloader r = new CertificateReloader(options, initial, scheduler, Duration.ZERO,
                 errors::add, reloads::add);
             TlsTestServer s = new TlsTestServer(new SniHandlerFactory(r.mapping(), 5000))) {
            // A new key for the old certificate: a mismatch, as while a deployment is half written.
            CA.server(KeyType.EC, "other.test").writeKey(files.key(), KeyFormat.PKCS8);
            Files.setLastModifiedTime(files.key(), FileTime.fromMillis(3_000_000L));
            assertThat(r.checkNow()).isFalse();
            assertThat(errors).hasSize(1);
            assertThat(errors.get(0).field()).isEqualTo("certificates[0].key");
            assertThat(errors.get(0).getMessage()).contains("is not the private key");
            assertThat(r.current()).isSameAs(initial);
            assertThat(r.checkNow()).as("same bad files: no second report").isFalse();
            assertThat(errors).hasSize(1);
            assertThat(TlsFixture.call(CA.clientContext(null), s.port(), "live.test").serverLeaf())
                .isEqualTo(first.certificate());
            // Fixed: picked up on the next change.
            final Issued fixed = CA.server(KeyType.EC, "live.test");
            write(fixed, 4);
            assertThat(r.checkNow()).isTrue();
            assertThat(TlsFixture.call(CA.clientContext(null), s.port(), "live.test").serverLeaf())
                .isEqualTo(fixed.certificate());
        }
    }
}
