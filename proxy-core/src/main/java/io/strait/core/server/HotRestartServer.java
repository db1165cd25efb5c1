package io.strait.core.server;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.socket.DuplexChannel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.EpollDomainSocketChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerDomainSocketChannel;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.channel.unix.FileDescriptor;
import io.netty.channel.unix.PeerCredentials;
import io.netty.handler.codec.LineBasedFrameDecoder;
import io.netty.util.concurrent.DefaultThreadFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The running process's side of hot restart: a control Unix domain socket on which a new Strait process asks for the
 * listening sockets (sent as SCM_RIGHTS messages), starts serving on them, and asks this one to drain
 * ({@link HotRestartProtocol}). The drain itself is the caller's: {@link #drainRequested()} completes, and the
 * caller stops accepting, {@link #stopListening() removes the control socket}, {@link DrainRequest#acknowledge()
 * acknowledges} (the new process then opens its own control socket at the same path) and drains.
 *
 * <p>Threading: the socket is served on its own single thread ({@code strait-hot-restart}), never a worker loop;
 * the public methods may be called from any thread. One conversation at a time: a second client is told the
 * server is busy.
 */
public final class HotRestartServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(HotRestartServer.class);
    /** How long a refused client may keep the connection open after it was told why. */
    private static final long REFUSED_LINGER_SECONDS = 5;

    private final Path path;
    private final ProxyServer server;
    private final MultiThreadIoEventLoopGroup group;
    private final CompletableFuture<DrainRequest> drainRequested = new CompletableFuture<>();
    private Channel listener;
    /** The client being served (confined to the control thread); null when none. */
    private Channel session;

    private HotRestartServer(final Path path, final ProxyServer server) {
        this.path = path;
        this.server = server;
        this.group = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("strait-hot-restart", true),
            EpollIoHandler.newFactory());
        // Netty 4.2 wakes a loop with no scheduled task once a second (SingleThreadEventExecutor's purge interval);
        // a no-op due once a day keeps this control loop (idle but for a hot restart) asleep until a client connects
        group.next().scheduleAtFixedRate(() -> { }, 1, 1, TimeUnit.DAYS);
    }

    /**
     * Opens the control socket at {@code path} for {@code server}'s listening sockets. A file left at the path by a
     * process that is gone (nothing accepts on it) is replaced; the socket is made readable and writable by this
     * user only (and every client's credentials are checked too).
     *
     * @throws IOException when a running process accepts on {@code path}, or the socket cannot be opened
     */
    public static HotRestartServer start(final Path path, final ProxyServer server) throws IOException,
        InterruptedException {
        removeStale(path);
        final Path dir = path.toAbsolutePath().getParent();
        if (dir != null) {
            Files.createDirectories(dir);
        }
        final HotRestartServer s = new HotRestartServer(path, server);
        try {
            s.listener = new ServerBootstrap().group(s.group)
                .channel(EpollServerDomainSocketChannel.class)
                .childHandler(new ChannelInitializer<EpollDomainSocketChannel>() {
                    @Override
                    protected void initChannel(final EpollDomainSocketChannel ch) {
                        ch.pipeline().addLast(new LineBasedFrameDecoder(HotRestartProtocol.MAX_LINE),
                            s.new Conversation());
                    }
                })
                .bind(new DomainSocketAddress(path.toString())).sync().channel();
            Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rw-------"));
        } catch (final IOException | RuntimeException e) {
            s.close();
            throw e;
        } catch (final Exception e) {
            s.close();
            throw new IOException("cannot open the hot restart socket " + path + ": " + e, e);
        }
        return s;
    }

    /**
     * Deletes a socket file no process accepts on (a process that was killed leaves it behind).
     *
     * @throws IOException when a process accepts on it, or it is not a socket
     */
    private static void removeStale(final Path path) throws IOException {
        if (!Files.exists(path, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        if (!"socket".equals(fileType(path))) {
            throw new IOException("hot restart socket " + path + " exists and is not a socket; remove it or choose "
                + "another path (runtime.hot_restart_socket, --hot-restart-socket)");
        }
        try (SocketChannel probe = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            probe.connect(UnixDomainSocketAddress.of(path));
        } catch (final IOException refused) {
            LOG.info("hot restart socket {} was left behind by a process that is gone: replacing it", path);
            Files.deleteIfExists(path);
            return;
        }
        throw new IOException("hot restart socket " + path + " is in use by a running Strait: take it over with "
            + "--takeover, or give this process another path (runtime.hot_restart_socket, --hot-restart-socket)");
    }

    private static String fileType(final Path path) throws IOException {
        final int mode = (Integer) Files.getAttribute(path, "unix:mode", java.nio.file.LinkOption.NOFOLLOW_LINKS);
        return (mode & 0170000) == 0140000 ? "socket" : "other";
    }

    /** The control socket's path. */
    public Path path() {
        return path;
    }

    /** Completes (on the control thread) when a new process has its sockets and asks this one to drain. */
    public CompletableFuture<DrainRequest> drainRequested() {
        return drainRequested;
    }

    /**
     * Closes the control socket and removes its file, so the new process can open its own at the path; the
     * conversation with the new process stays open for {@link DrainRequest#acknowledge()}. Blocks until done.
     */
    public void stopListening() throws InterruptedException {
        final Channel l = listener;
        if (l != null) {
            l.close().await(5, TimeUnit.SECONDS);
        }
    }

    /** Closes the control socket (removing its file) and every conversation, and stops the control thread. */
    @Override
    public void close() throws InterruptedException {
        stopListening();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).await(5, TimeUnit.SECONDS);
    }

    /** A new process's request to drain: it serves on the listening sockets now. */
    public static final class DrainRequest {
        private final Channel channel;
        private final int pid;

        private DrainRequest(final Channel channel, final int pid) {
            this.channel = channel;
            this.pid = pid;
        }

        /** The new process's pid. */
        public int pid() {
            return pid;
        }

        /**
         * Tells the new process this one drains now and no longer holds the control socket's path. Blocks until
         * written (bounded by 5 s); a new process that is gone is only logged.
         */
        public void acknowledge() throws InterruptedException {
            if (!channel.writeAndFlush(HotRestartProtocol.line(HotRestartProtocol.DRAINING)).await(5,
                TimeUnit.SECONDS)) {
                LOG.warn("hot restart: could not tell pid {} that this process drains", pid);
            }
        }
    }

    /** One client's conversation; confined to the control thread. */
    private final class Conversation extends SimpleChannelInboundHandler<ByteBuf> {

        private PeerCredentials peer;
        private List<ListeningSocket> offered;

        @Override
        public void channelActive(final ChannelHandlerContext ctx) {
            try {
                peer = HotRestartProtocol.sameUserPeer((EpollDomainSocketChannel) ctx.channel());
            } catch (final IOException e) {
                LOG.warn("hot restart: refused a control connection: {}", e.getMessage());
                fail(ctx, "not the same user");
                return;
            }
            if (session != null) {
                fail(ctx, "busy: another process is taking over");
                return;
            }
            session = ctx.channel();
            ctx.fireChannelActive();
        }

        @Override
        public void channelInactive(final ChannelHandlerContext ctx) {
            if (session == ctx.channel()) {
                session = null;
                if (!drainRequested.isDone() && offered != null) {
                    LOG.warn("hot restart: pid {} left before asking this process to drain; still serving",
                        peer.pid());
                }
            }
            ctx.fireChannelInactive();
        }

        @Override
        protected void channelRead0(final ChannelHandlerContext ctx, final ByteBuf msg) {
            if (session != ctx.channel()) {
                return;
            }
            final String line = msg.toString(StandardCharsets.US_ASCII);
            if (offered == null && line.equals(HotRestartProtocol.HELLO)) {
                offer(ctx);
            } else if (offered != null && line.equals(HotRestartProtocol.SEND)) {
                for (final ListeningSocket s : offered) {
                    ctx.write(new FileDescriptor(s.fd()));
                }
                ctx.flush();
                LOG.info("hot restart: sent {} listening socket(s) to pid {}", offered.size(), peer.pid());
            } else if (offered != null && line.equals(HotRestartProtocol.DRAIN)) {
                LOG.info("hot restart: pid {} serves on the listening sockets and asks this process to drain",
                    peer.pid());
                drainRequested.complete(new DrainRequest(ctx.channel(), peer.pid()));
            } else {
                fail(ctx, "unexpected '" + line + "' (this process speaks hot restart protocol "
                    + HotRestartProtocol.VERSION + ")");
            }
        }

        private void offer(final ChannelHandlerContext ctx) {
            if (server.isDraining() || drainRequested.isDone()) {
                fail(ctx, "this process is draining");
                return;
            }
            offered = server.listeningSockets();
            final StringBuilder b = new StringBuilder();
            b.append(HotRestartProtocol.LISTENERS).append(' ').append(offered.size()).append(' ')
                .append(ProcessHandle.current().pid()).append('\n');
            for (final ListeningSocket s : offered) {
                b.append(HotRestartProtocol.socketLine(s)).append('\n');
            }
            b.append(HotRestartProtocol.END);
            ctx.writeAndFlush(HotRestartProtocol.line(b.toString()));
            LOG.info("hot restart: pid {} asks for the listening sockets ({})", peer.pid(), offered.size());
        }

        /**
         * Says why and half-closes: the client reads the reason, then the end; what it still sends is read and dropped
         * until it closes (closing with its request unread would reset the connection, and the client could lose the
         * reason). Closed anyway after {@link #REFUSED_LINGER_SECONDS}.
         */
        private void fail(final ChannelHandlerContext ctx, final String reason) {
            if (session == ctx.channel()) {
                session = null;
            }
            ctx.writeAndFlush(HotRestartProtocol.line(HotRestartProtocol.ERROR + " " + reason)).addListener(f -> {
                if (f.isSuccess() && ctx.channel() instanceof DuplexChannel duplex) {
                    duplex.shutdownOutput();
                    ctx.executor().schedule(() -> ctx.close(), REFUSED_LINGER_SECONDS, TimeUnit.SECONDS);
                } else {
                    ctx.close();
                }
            });
        }

        @Override
        public void exceptionCaught(final ChannelHandlerContext ctx, final Throwable cause) {
            LOG.warn("hot restart: control connection failed: {}", cause.toString());
            ctx.close();
        }
    }
}
