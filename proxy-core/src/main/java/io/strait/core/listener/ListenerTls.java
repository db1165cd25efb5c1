package io.strait.core.listener;

import io.netty.channel.ChannelHandler;
import io.strait.core.config.ListenerConfig;
import io.strait.core.config.ListenerTlsConfig;
import io.strait.core.stats.ListenerStat;
import io.strait.core.stats.LoopStats;
import io.strait.core.stats.StatsScope;
import io.netty.handler.ssl.SslContext;
import io.strait.tls.CertificateFiles;
import io.strait.tls.CertificateReloader;
import io.strait.tls.SessionTickets;
import io.strait.tls.TlsConfigException;
import io.strait.tls.TlsContextFactory;
import io.strait.tls.handler.PeerIdentityHandler;
import io.strait.tls.handler.SniHandlerFactory;
import io.strait.tls.handler.TlsHandshakeListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Function;

/**
 * Thread-safe. The TLS side of one listener, made once when the server starts: its contexts (built once, swapped by
 * the certificate reloader, never per connection), the SNI handler factory, and one peer identity handler per event
 * loop reporting into that loop's {@code listener.<name>.ssl.*} counters. Closed after the loops stop.
 */
public final class ListenerTls implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ListenerTls.class);

    private final CertificateReloader reloader;
    private final SniHandlerFactory sni;
    private final PeerIdentityHandler[] identity;

    private ListenerTls(final CertificateReloader reloader, final SniHandlerFactory sni,
                        final PeerIdentityHandler[] identity) {
        this.reloader = reloader;
        this.sni = sni;
        this.identity = identity;
    }

    /**
     * Builds the listener's contexts and starts watching its files.
     *
     * @param config    the listener, with {@code tls}
     * @param stats     its {@code listener.<name>.} scope
     * @param loops     the number of event loops
     * @param scheduler the off-loop thread that polls certificate files and rotates ticket keys (null when no
     *                  listener does either)
     * @param tickets   the session ticket keys of the side this one replaces (a reload that changed the listener's
     *                  {@code tls} but not its {@code session_tickets}: returning clients still resume), or null
     * @throws TlsConfigException when a file changed since validation and cannot be used
     */
    public static ListenerTls start(final ListenerConfig config, final StatsScope<ListenerStat> stats, final int loops,
                             final ScheduledExecutorService scheduler, final SessionTickets tickets)
        throws TlsConfigException {
        final ListenerTlsConfig tls = config.tls();
        final String name = config.name();
        final Duration interval = scheduler == null ? Duration.ZERO : tls.reloadInterval();
        final SessionTickets keys = tickets != null && tickets.options().equals(tls.options().sessionTickets())
            ? tickets : new SessionTickets(tls.options().sessionTickets());
        final CertificateReloader reloader = new CertificateReloader(tls.options(), keys,
            TlsContextFactory.build(tls.options(), keys), scheduler, interval,
            e -> LOG.warn("listener {}: certificate reload failed, the current certificates stay: tls.{}: {}", name,
                e.field(), e.getMessage()),
            m -> LOG.info("listener {}: certificates reloaded", name));
        final PeerIdentityHandler[] identity = new PeerIdentityHandler[loops];
        for (int i = 0; i < loops; i++) {
            identity[i] = new PeerIdentityHandler(new Counters(stats.loop(i)));
        }
        reloader.start();
        return new ListenerTls(reloader, new SniHandlerFactory(reloader.mapping(),
            Math.max(1, tls.options().handshakeTimeout().toMillis()), !tls.options().sessionTickets().enabled(),
            staples(tls, reloader)), identity);
    }

    /** The staple lookup when a certificate of the listener staples OCSP (through the mapper in force), else null. */
    private static Function<SslContext, byte[]> staples(final ListenerTlsConfig tls,
                                                       final CertificateReloader reloader) {
        for (final CertificateFiles c : tls.options().certificates()) {
            if (c.ocspStaple() != null) {
                return context -> reloader.current().staple(context);
            }
        }
        return null;
    }

    /** A new SNI handler for one connection. */
    public ChannelHandler newSniHandler() {
        return sni.newHandler();
    }

    /** The peer identity handler of event loop {@code loopIndex} (sharable on that loop). */
    public ChannelHandler identityHandler(final int loopIndex) {
        return identity[loopIndex];
    }

    /** The reloader (tests check its files now). */
    public CertificateReloader reloader() {
        return reloader;
    }

    /** The listener's session ticket keys (a reload's new side takes them over). */
    public SessionTickets tickets() {
        return reloader.tickets();
    }

    /** Stops watching the files and releases every context. */
    @Override
    public void close() {
        reloader.close();
    }

    /** One loop's handshake outcomes as its own plain counters. Confined to that loop. */
    private static final class Counters implements TlsHandshakeListener {
        private final LoopStats<ListenerStat> stats;

        Counters(final LoopStats<ListenerStat> stats) {
            this.stats = stats;
        }

        @Override
        public void handshake(final long nanos) {
            stats.inc(ListenerStat.SSL_HANDSHAKE);
            stats.record(ListenerStat.SSL_HANDSHAKE_TIME, nanos / 1000);
        }

        @Override
        public void sessionReused() {
            stats.inc(ListenerStat.SSL_SESSION_REUSED);
        }

        @Override
        public void noCertificate() {
            stats.inc(ListenerStat.SSL_NO_CERTIFICATE);
        }

        @Override
        public void verifyNoCertificate() {
            stats.inc(ListenerStat.SSL_FAIL_VERIFY_NO_CERT);
        }

        @Override
        public void verifyFailed() {
            stats.inc(ListenerStat.SSL_FAIL_VERIFY_ERROR);
        }

        @Override
        public void connectionError() {
            stats.inc(ListenerStat.SSL_CONNECTION_ERROR);
        }
    }
}
