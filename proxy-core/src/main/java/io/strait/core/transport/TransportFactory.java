package io.strait.core.transport;

import io.netty.channel.Channel;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.channel.uring.IoUring;
import io.netty.channel.uring.IoUringIoHandler;
import io.netty.channel.uring.IoUringServerSocketChannel;
import io.netty.channel.uring.IoUringSocketChannel;
import io.strait.core.config.Transport;

/**
 * Chooses the I/O transport: epoll, io_uring or NIO, and says why. Stateless, thread-safe.
 *
 * <p>{@code auto} picks epoll where the native library loads, else NIO (io_uring is chosen only
 * when asked for: on Netty 4.2.18 it made fewer syscalls but spent more user time than epoll here).
 * An explicit choice that is unavailable is an error, not a silent fallback.
 */
public final class TransportFactory {

    private TransportFactory() {
    }

    /**
     * The transport for {@code requested}.
     *
     * @throws IllegalStateException when an explicitly requested native transport is unavailable
     */
    public static SelectedTransport select(final Transport requested) {
        switch (requested) {
            case EPOLL:
                if (!Epoll.isAvailable()) {
                    throw new IllegalStateException("transport epoll is unavailable: "
                        + cause(Epoll.unavailabilityCause()));
                }
                return epoll("configured");
            case IO_URING:
                if (!IoUring.isAvailable()) {
                    throw new IllegalStateException("transport io_uring is unavailable: "
                        + cause(IoUring.unavailabilityCause()));
                }
                return ioUring("configured");
            case NIO:
                return nio("configured");
            case AUTO:
            default:
                if (Epoll.isAvailable()) {
                    return epoll("auto: native epoll available");
                }
                return nio("auto: epoll unavailable (" + cause(Epoll.unavailabilityCause()) + ")");
        }
    }

    private static SelectedTransport epoll(final String reason) {
        return new SelectedTransport("epoll", EpollIoHandler.newFactory(), EpollServerSocketChannel.class,
            EpollSocketChannel.class, true, reason);
    }

    private static SelectedTransport ioUring(final String reason) {
        return new SelectedTransport("io_uring", IoUringIoHandler.newFactory(), IoUringServerSocketChannel.class,
            IoUringSocketChannel.class, true, reason);
    }

    private static SelectedTransport nio(final String reason) {
        return new SelectedTransport("nio", NioIoHandler.newFactory(), NioServerSocketChannel.class,
            NioSocketChannel.class, false, reason);
    }

    private static String cause(final Throwable t) {
        if (t == null) {
            return "unknown reason";
        }
        final Throwable root = t.getCause() != null ? t.getCause() : t;
        return root.getClass().getSimpleName() + ": " + root.getMessage();
    }

    /**
     * A chosen transport. Immutable.
     *
     * @param name          epoll, io_uring or nio
     * @param ioHandler     the factory for MultiThreadIoEventLoopGroup
     * @param serverChannel the listening socket channel class
     * @param socketChannel the connecting socket channel class
     * @param reusePort     true if one listening socket per loop with SO_REUSEPORT is possible
     * @param reason        why this one
     */
    public record SelectedTransport(String name, IoHandlerFactory ioHandler,
                                    Class<? extends ServerChannel> serverChannel,
                                    Class<? extends Channel> socketChannel, boolean reusePort, String reason) {
    }
}
