package io.strait.core.transport;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.strait.core.config.Transport;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * {@link SharedAddresses} on real loopback connections of each transport: on epoll and io_uring the second
 * connection from 127.0.0.1 holds the first one's local address and remote IP objects (equal values, its own port);
 * on NIO nothing changes. Either way each connection reports its own, correct addresses. And an accepted connection
 * has TCP_NODELAY on without asking (Netty's socket configs set it when they are made; the listeners rely on that
 * rather than setting it again, a second setsockopt per accept).
 */
class SharedAddressesIntegrationTest {

    @ParameterizedTest
    @EnumSource(value = Transport.class, names = {"EPOLL", "IO_URING", "NIO"})
    void laterConnectionsShareTheAddressObjectsOfEarlierOnes(final Transport transport) throws Exception {
        final TransportFactory.SelectedTransport t;
        try {
            t = TransportFactory.select(transport);
        } catch (final IllegalStateException unavailable) {
            assumeTrue(false, unavailable.getMessage());
            return;
        }
        final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, t.ioHandler());
        final SharedAddresses.Cache cache = new SharedAddresses.Cache();
        final BlockingQueue<Channel> accepted = new LinkedBlockingQueue<>();
        try {
            final Channel server = new ServerBootstrap().group(group).channel(t.serverChannel())
                .childHandler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(final Channel ch) {
                        cache.share(ch);
                        accepted.add(ch);
                    }
                })
                .bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
            final int port = ((InetSocketAddress) server.localAddress()).getPort();
            try (Socket a = new Socket("127.0.0.1", port); Socket b = new Socket("127.0.0.1", port)) {
                final Channel first = accepted.poll(10, TimeUnit.SECONDS);
                final Channel second = accepted.poll(10, TimeUnit.SECONDS);
                assertThat(first).isNotNull();
                assertThat(second).isNotNull();
                final InetSocketAddress l1 = (InetSocketAddress) first.localAddress();
                final InetSocketAddress l2 = (InetSocketAddress) second.localAddress();
                final InetSocketAddress r1 = (InetSocketAddress) first.remoteAddress();
                final InetSocketAddress r2 = (InetSocketAddress) second.remoteAddress();
                assertThat(l2).isEqualTo(l1).isEqualTo(new InetSocketAddress("127.0.0.1", port));
                assertThat(r1.getPort()).isEqualTo(a.getLocalPort());
                assertThat(r2.getPort()).isEqualTo(b.getLocalPort());
                assertThat(r2.getAddress()).isEqualTo(r1.getAddress());
                assertThat(first.config().getOption(ChannelOption.TCP_NODELAY)).isTrue();
                assertThat(second.config().getOption(ChannelOption.TCP_NODELAY)).isTrue();
                assertThat(SharedAddresses.supported(second)).isEqualTo(transport != Transport.NIO);
                if (transport != Transport.NIO) {
                    assertThat(l2).isSameAs(l1);
                    assertThat(r2.getAddress()).isSameAs(r1.getAddress());
                }
            } finally {
                server.close().sync();
            }
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        }
    }
}
