package io.strait.core.server;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDomainSocketChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.channel.unix.DomainSocketReadMode;
import io.netty.channel.unix.FileDescriptor;
import io.netty.handler.codec.LineBasedFrameDecoder;
import io.netty.util.concurrent.DefaultThreadFactory;

import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The new process's side of hot restart ({@link HotRestartProtocol}): connects to the running process's control
 * socket, receives its listening sockets ({@link #receiveListeningSockets()}), and once this process serves on them
 * asks the old one to drain ({@link #requestDrain()}).
 *
 * <p>Its methods block and are called from the launcher's thread, one at a time; the socket is read on a thread of
 * its own ({@code strait-hot-restart-client}), which hands each line or descriptor to the caller through a queue.
 */
public final class HotRestartClient implements AutoCloseable {

    /** Marks the connection's end in the queue. */
    private static final Object CLOSED = new Object();

    private final MultiThreadIoEventLoopGroup group;
    private final BlockingQueue<Object> inbox = new LinkedBlockingQueue<>();
    private final Duration timeout;
    private final Path path;
    private Channel channel;
    private int peerPid = -1;

    private HotRestartClient(final Path path, final Duration timeout) {
        this.path = path;
        this.timeout = timeout;
        this.group = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("strait-hot-restart-client", true),
            EpollIoHandler.newFactory());
    }

    /**
     * Connects to the running process's control socket at {@code path}; each later step waits at most
     * {@code timeout}.
     *
     * @throws IOException with a message for an operator when nothing runs there (no socket, nobody accepting) or
     *                     epoll is unavailable
     */
    public static HotRestartClient connect(final Path path, final Duration timeout) throws IOException,
        InterruptedException {
        if (!Epoll.isAvailable()) {
            throw new IOException("hot restart needs the native epoll transport, which is unavailable: "
                + Epoll.unavailabilityCause());
        }
        if (!Files.exists(path)) {
            throw new IOException("no Strait to take over: the hot restart socket " + path + " does not exist (is "
                + "the running process's runtime.hot_restart_socket, or its --hot-restart-socket, the same path?)");
        }
        final HotRestartClient c = new HotRestartClient(path, timeout);
        try {
            final ChannelFuture connected = new Bootstrap().group(c.group).channel(EpollDomainSocketChannel.class)
                .handler(new ChannelInitializer<EpollDomainSocketChannel>() {
                    @Override
                    protected void initChannel(final EpollDomainSocketChannel ch) {
                        ch.pipeline().addLast(new LineBasedFrameDecoder(HotRestartProtocol.MAX_LINE), c.new Inbox());
                    }
                })
                .connect(new DomainSocketAddress(path.toString()));
            if (!connected.await(timeout.toMillis(), TimeUnit.MILLISECONDS) || !connected.isSuccess()) {
                throw new IOException("no Strait to take over: nothing accepts on the hot restart socket " + path
                    + " (" + connected.cause() + "; a process that was killed leaves its socket behind)");
            }
            final Channel ch = connected.channel();
            c.channel = ch;
            try {
                HotRestartProtocol.sameUserPeer((EpollDomainSocketChannel) ch);
            } catch (final ClosedChannelException refused) {
                // The server closed at once (busy, another user): the next step reports what it said.
            }
        } catch (final IOException | RuntimeException e) {
            c.close();
            throw e;
        }
        return c;
    }

    /** The running process's pid, known once it listed its sockets. */
    public int peerPid() {
        return peerPid;
    }

    /**
     * Asks for the listening sockets and receives them: the running process lists them, then sends each descriptor.
     * The caller owns the result (and closes what no listener takes).
     *
     * @throws IOException when the running process refuses, leaves, or sends something else
     */
    public InheritedSockets receiveListeningSockets() throws IOException, InterruptedException {
        send(HotRestartProtocol.HELLO);
        final String header = expectLine();
        final String[] h = header.split(" ");
        if (h.length != 3 || !h[0].equals(HotRestartProtocol.LISTENERS)) {
            throw unexpected(header);
        }
        final int n;
        try {
            n = Integer.parseInt(h[1]);
            peerPid = Integer.parseInt(h[2]);
        } catch (final NumberFormatException e) {
            throw unexpected(header);
        }
        final List<ListeningSocket> listed = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            listed.add(HotRestartProtocol.parseSocket(expectLine()));
        }
        final String end = expectLine();
        if (!end.equals(HotRestartProtocol.END)) {
            throw unexpected(end);
        }
        // Descriptors from here on, until all n are in; the server sends them only after SEND.
        setReadMode(DomainSocketReadMode.FILE_DESCRIPTORS);
        send(HotRestartProtocol.SEND);
        final List<ListeningSocket> received = new ArrayList<>(n);
        try {
            for (final ListeningSocket s : listed) {
                final Object m = next();
                if (!(m instanceof FileDescriptor fd)) {
                    throw new IOException("hot restart: pid " + peerPid + " sent " + received.size() + " of " + n
                        + " listening sockets, then " + describe(m));
                }
                received.add(new ListeningSocket(s.listener(), s.index(), s.address(), fd.intValue()));
            }
        } catch (final IOException | InterruptedException | RuntimeException e) {
            for (final ListeningSocket s : received) {
                new FileDescriptor(s.fd()).close();
            }
            throw e;
        }
        setReadMode(DomainSocketReadMode.BYTES);
        return InheritedSockets.of(received);
    }

    /**
     * Tells the running process this one serves on its sockets, and waits until it says it drains (and has removed
     * its control socket, so this process can open its own at the path).
     *
     * @throws IOException when it refuses or leaves without saying so
     */
    public void requestDrain() throws IOException, InterruptedException {
        send(HotRestartProtocol.DRAIN);
        final String reply = expectLine();
        if (!reply.equals(HotRestartProtocol.DRAINING)) {
            throw unexpected(reply);
        }
    }

    @Override
    public void close() throws InterruptedException {
        final Channel ch = channel;
        if (ch != null) {
            ch.close().await(1, TimeUnit.SECONDS);
        }
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).await(5, TimeUnit.SECONDS);
        Object m;
        while ((m = inbox.poll()) != null) {
            if (m instanceof FileDescriptor fd) {
                closeQuietly(fd);
            }
        }
    }

    private void send(final String line) throws IOException, InterruptedException {
        if (!channel.writeAndFlush(HotRestartProtocol.line(line)).await(timeout.toMillis(), TimeUnit.MILLISECONDS)
            || !channel.isActive()) {
            // It may have said why before closing (busy, draining, another user): read up to the connection's end.
            Object m;
            while ((m = inbox.poll(timeout.toMillis(), TimeUnit.MILLISECONDS)) != null && m != CLOSED) {
                if (m instanceof String said && said.startsWith(HotRestartProtocol.ERROR + " ")) {
                    throw new IOException("the running process refused the takeover: "
                        + said.substring(HotRestartProtocol.ERROR.length() + 1));
                }
                if (m instanceof FileDescriptor fd) {
                    closeQuietly(fd);
                }
            }
            throw new IOException("hot restart: the running process behind " + path + " closed the connection");
        }
    }

    private void setReadMode(final DomainSocketReadMode mode) throws InterruptedException {
        final EpollDomainSocketChannel ch = (EpollDomainSocketChannel) channel;
        ch.eventLoop().submit(() -> ch.config().setReadMode(mode)).await();
    }

    private Object next() throws IOException, InterruptedException {
        final Object m = inbox.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
        if (m == null) {
            throw new IOException("hot restart: the running process behind " + path + " did not answer within "
                + timeout.toMillis() + " ms");
        }
        if (m instanceof Throwable t) {
            throw new IOException("hot restart: control connection failed: " + t, t);
        }
        return m;
    }

    private String expectLine() throws IOException, InterruptedException {
        final Object m = next();
        if (m instanceof String s) {
            if (s.startsWith(HotRestartProtocol.ERROR + " ")) {
                throw new IOException("the running process refused the takeover: "
                    + s.substring(HotRestartProtocol.ERROR.length() + 1));
            }
            return s;
        }
        if (m instanceof FileDescriptor fd) {
            closeQuietly(fd);
        }
        throw new IOException("hot restart: expected a line from the running process, got " + describe(m));
    }

    private static String describe(final Object m) {
        return m == CLOSED ? "the end of the connection" : m instanceof String ? "'" + m + "'" : "a descriptor";
    }

    private IOException unexpected(final String line) {
        return new IOException("hot restart: unexpected answer from the running process behind " + path + ": '"
            + line + "'");
    }

    private static void closeQuietly(final FileDescriptor fd) {
        try {
            fd.close();
        } catch (final IOException ignored) {
            // nothing held
        }
    }

    /** Hands every line and descriptor to the waiting caller; runs on the client's thread. */
    private final class Inbox extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(final ChannelHandlerContext ctx, final Object msg) {
            if (msg instanceof ByteBuf b) {
                try {
                    inbox.add(b.toString(StandardCharsets.US_ASCII));
                } finally {
                    b.release();
                }
            } else {
                inbox.add(msg);
            }
        }

        @Override
        public void channelInactive(final ChannelHandlerContext ctx) {
            inbox.add(CLOSED);
        }

        @Override
        public void exceptionCaught(final ChannelHandlerContext ctx, final Throwable cause) {
            inbox.add(cause);
            ctx.close();
        }
    }
}
