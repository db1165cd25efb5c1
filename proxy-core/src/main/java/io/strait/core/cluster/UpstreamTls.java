package io.strait.core.cluster;

import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.NetUtil;
import io.strait.core.config.ClusterConfig;
import io.strait.core.config.ClusterTlsConfig;
import io.strait.core.config.EndpointConfig;
import io.strait.tls.TlsClientOptions;
import io.strait.tls.TlsClientReloader;
import io.strait.tls.TlsConfigException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;

/**
 * Thread-safe. The upstream TLS side of one cluster: its client context (one for every event loop, so BoringSSL's
 * session cache resumes across loops; swapped by the file reloader, never per connection) and the SslHandler of each
 * new connection, made for the connection's peer host and port (the session cache's key, and the SNI name).
 *
 * <p>The SNI name is the cluster's {@code sni}, else the host's own name: the name a {@code static} endpoint was
 * written with, or for {@code strict_dns} the one name all endpoints share. An endpoint given as an IP address sends
 * no SNI. Made off the event loops (it reads files); {@link #newHandler} is called on the loops.
 */
public final class UpstreamTls implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(UpstreamTls.class);

    private final TlsClientReloader reloader;
    /** The configured SNI, or the one name of a strict_dns cluster's endpoints; null: each host's own name. */
    private final String sni;
    private final long handshakeTimeoutMillis;

    private UpstreamTls(final TlsClientReloader reloader, final String sni, final long handshakeTimeoutMillis) {
        this.reloader = reloader;
        this.sni = sni;
        this.handshakeTimeoutMillis = handshakeTimeoutMillis;
    }

    /**
     * The TLS side of {@code config}, or null when it has no {@code tls}. Builds the context and starts watching its
     * files.
     *
     * @throws IllegalStateException naming the cluster and field when a file changed since validation and cannot
     *                               be used
     */
    static UpstreamTls of(final ClusterConfig config) {
        final ClusterTlsConfig tls = config.tls();
        if (tls == null) {
            return null;
        }
        final String name = config.name();
        final TlsClientReloader reloader;
        try {
            reloader = new TlsClientReloader(tls.options(), tls.reloadInterval(),
                e -> LOG.warn("cluster {}: upstream TLS reload failed, the current context stays: tls.{}: {}", name,
                    e.field(), e.getMessage()),
                () -> LOG.info("cluster {}: upstream TLS files reloaded", name));
        } catch (final TlsConfigException e) {
            throw new IllegalStateException("clusters." + name + ".tls." + e.field() + ": " + e.getMessage(), e);
        }
        reloader.start();
        final TlsClientOptions o = tls.options();
        return new UpstreamTls(reloader, o.sni() != null ? o.sni() : sharedName(config),
            Math.max(1, o.handshakeTimeout().toMillis()));
    }

    /** The one host name a strict_dns cluster's endpoints share (their hosts carry addresses only), else null. */
    private static String sharedName(final ClusterConfig config) {
        if (!Cluster.dynamic(config)) {
            return null;
        }
        String name = null;
        for (final EndpointConfig e : config.endpoints()) {
            final String h = e.address().host();
            if (isIp(h) || name != null && !name.equalsIgnoreCase(h)) {
                return null;
            }
            name = h;
        }
        return name;
    }

    private static boolean isIp(final String host) {
        return NetUtil.isValidIpV4Address(host) || NetUtil.isValidIpV6Address(host);
    }

    /**
     * A new SslHandler for a connection to {@code address}, from the context in force, its engine made for the SNI
     * name (or the address's host string) and port; the handshake times out after the cluster's handshake timeout.
     */
    SslHandler newHandler(final ByteBufAllocator alloc, final InetSocketAddress address) {
        final String peer = sni != null ? sni : address.getHostString();
        final SslHandler h = reloader.context().newHandler(alloc, peer, address.getPort());
        h.setHandshakeTimeoutMillis(handshakeTimeoutMillis);
        return h;
    }

    /** The reloader (tests check its files now). */
    public TlsClientReloader reloader() {
        return reloader;
    }

    /** True if {@code ch}'s TLS handshake picked h2 by ALPN. Call on the channel's loop, after the handshake. */
    public static boolean negotiatedH2(final Channel ch) {
        final SslHandler ssl = ch.pipeline().get(SslHandler.class);
        return ssl != null && "h2".equals(ssl.applicationProtocol());
    }

    /** Stops watching the files; connections being made keep the context. */
    @Override
    public void close() {
        reloader.close();
    }
}
