package io.strait.core.cluster;

import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.ChannelException;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoop;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link ClusterConnector}: a socket that cannot be created (EMFILE at {@code socket()}, simulated by a channel
 * factory that throws as Netty's does) still reaches the caller as an ordinary connect failure on the caller's loop,
 * with the close listener run (so a connection slot taken for it is given back); and no name is ever resolved.
 */
class ClusterConnectorIntegrationTest {

    private final MultiThreadIoEventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final EventLoop loop = group.next();

    @AfterEach
    void stop() {
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    /** Records each listener call and the thread it ran on. */
    private static final class Calls {
        final List<String> events = new CopyOnWriteArrayList<>();
        final CountDownLatch connectDone = new CountDownLatch(1);
        final CountDownLatch closeDone = new CountDownLatch(1);
        volatile Throwable connectCause;
        volatile boolean connectOnLoop;
        volatile boolean closeOnLoop;

        ChannelFutureListener onConnect(final EventLoop loop) {
            return f -> {
                events.add("connect");
                connectOnLoop = loop.inEventLoop();
                connectCause = f.cause();
                connectDone.countDown();
            };
        }

        ChannelFutureListener onClose(final EventLoop loop) {
            return f -> {
                events.add("close");
                closeOnLoop = loop.inEventLoop();
                closeDone.countDown();
            };
        }
    }

    @Test
    void aSocketThatCannotBeCreatedIsAnOrdinaryFailureOnTheLoopAndRunsTheCloseListener() throws Exception {
        final ClusterConnector connector = new ClusterConnector(loop, () -> {
            throw new ChannelException("socket() failed: Too many open files");
        }, 1000, PooledByteBufAllocator.DEFAULT);
        final AtomicBoolean handlerAdded = new AtomicBoolean();
        final Calls calls = new Calls();
        final ChannelFuture[] returned = new ChannelFuture[1];
        loop.submit(() -> {
            returned[0] = connector.connect(new ChannelInboundHandlerAdapter() {
                @Override
                public void handlerAdded(final ChannelHandlerContext ctx) {
                    handlerAdded.set(true);
                }
            }, new InetSocketAddress(InetAddress.getLoopbackAddress(), 9), calls.onConnect(loop),
                calls.onClose(loop));
            // Never inline: the caller finishes its own bookkeeping before any listener runs.
            assertThat(calls.events).isEmpty();
        }).get(5, TimeUnit.SECONDS);
        assertThat(calls.connectDone.await(5, TimeUnit.SECONDS)).isTrue();
        assertThat(calls.closeDone.await(5, TimeUnit.SECONDS)).isTrue();
        assertThat(calls.connectOnLoop).as("connect listener on the caller's loop").isTrue();
        assertThat(calls.closeOnLoop).as("close listener on the caller's loop").isTrue();
        assertThat(calls.events).as("each once, the close first").containsExactly("close", "connect");
        assertThat(calls.connectCause).isInstanceOf(ChannelException.class).hasMessageContaining("Too many open");
        assertThat(returned[0].isSuccess()).isFalse();
        assertThat(handlerAdded).as("no channel, so no pipeline").isFalse();
    }

    @Test
    void aRefusedConnectFailsOnTheLoopAndRunsTheCloseListenerOnce() throws Exception {
        final int closedPort;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort();
        }
        final ClusterConnector connector = new ClusterConnector(loop, NioSocketChannel.class, 1000,
            PooledByteBufAllocator.DEFAULT);
        final Calls calls = new Calls();
        loop.execute(() -> connector.connect(new ChannelInboundHandlerAdapter(),
            new InetSocketAddress(InetAddress.getLoopbackAddress(), closedPort), calls.onConnect(loop),
            calls.onClose(loop)));
        assertThat(calls.connectDone.await(5, TimeUnit.SECONDS)).isTrue();
        assertThat(calls.closeDone.await(5, TimeUnit.SECONDS)).isTrue();
        assertThat(calls.connectOnLoop).isTrue();
        assertThat(calls.closeOnLoop).isTrue();
        assertThat(calls.connectCause).isNotNull();
        assertThat(calls.events).containsExactlyInAnyOrder("connect", "close");
    }

    @Test
    void anUnresolvedAddressFailsWithoutALookup() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 8, InetAddress.getLoopbackAddress())) {
            final ClusterConnector connector = new ClusterConnector(loop, NioSocketChannel.class, 1000,
                PooledByteBufAllocator.DEFAULT);
            final Calls calls = new Calls();
            // "localhost" would resolve and connect had the loop looked it up (Netty's default resolver does).
            final InetSocketAddress unresolved = InetSocketAddress.createUnresolved("localhost",
                server.getLocalPort());
            loop.execute(() -> connector.connect(new ChannelInboundHandlerAdapter(), unresolved,
                calls.onConnect(loop), calls.onClose(loop)));
            assertThat(calls.connectDone.await(5, TimeUnit.SECONDS)).isTrue();
            assertThat(calls.connectCause).as("failed: the name was not looked up").isNotNull();
            assertThat(calls.closeDone.await(5, TimeUnit.SECONDS)).isTrue();
        }
    }
}
