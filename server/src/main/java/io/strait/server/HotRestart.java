package io.strait.server;

import io.strait.core.config.ListenerConfig;
import io.strait.core.config.StraitConfig;
import io.strait.core.server.HotRestartClient;
import io.strait.core.server.HotRestartServer;
import io.strait.core.server.InheritedSockets;
import io.strait.core.server.ListeningSocket;
import io.strait.core.server.ProxyServer;
import io.strait.core.transport.TransportFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;

/**
 * The launcher's side of hot restart: which control socket a process uses, taking over from the process that holds
 * it ({@code run --takeover}), opening this process's own, and draining when a newer process takes over from this one.
 * Called from the launcher's main thread.
 */
final class HotRestart {

    private static final Logger LOG = LoggerFactory.getLogger("strait");
    /** Longest wait for each step of the conversation with the running process. */
    private static final Duration STEP_TIMEOUT = Duration.ofSeconds(15);

    private HotRestart() {
    }

    /**
     * The control socket: {@code cli} ({@code --hot-restart-socket}) over {@code runtime.hot_restart_socket}, over
     * the default {@code <java.io.tmpdir>/strait-<user>/hot-restart-<port>.sock} for the first listener with a fixed
     * port; null for {@code none}, or with no such listener.
     */
    static Path socketPath(final StraitConfig config, final Path cli) {
        if (cli != null) {
            return cli.toAbsolutePath().normalize();
        }
        if (config.runtime().hotRestartDisabled()) {
            return null;
        }
        if (config.runtime().hotRestartSocketPath() != null) {
            return config.runtime().hotRestartSocketPath();
        }
        for (final ListenerConfig l : config.listeners()) {
            final int port = l.address().port();
            if (port != 0) {
                return defaultDir().resolve("hot-restart-" + port + ".sock");
            }
        }
        return null;
    }

    private static Path defaultDir() {
        return Path.of(System.getProperty("java.io.tmpdir"), "strait-" + System.getProperty("user.name"));
    }

    /** Why {@code --takeover} cannot work with this config, or null if it can. */
    static String takeoverRefusal(final StraitConfig config, final Path socket) {
        if (socket == null) {
            return "--takeover needs a hot restart socket: this config has runtime.hot_restart_socket: none, or no "
                + "listener on a fixed port to derive the default from; give --hot-restart-socket PATH";
        }
        final String transport;
        try {
            transport = TransportFactory.select(config.runtime().transport()).name();
        } catch (final IllegalStateException e) {
            return e.getMessage();
        }
        if (!"epoll".equals(transport)) {
            return "--takeover needs the epoll transport, and this config runs on " + transport + " (only Netty's "
                + "epoll server channel can serve on a listening socket another process created)";
        }
        return null;
    }

    /** A running process's sockets, received over its control socket, and the conversation to ask it to drain. */
    record Takeover(HotRestartClient client, InheritedSockets sockets) {
    }

    /**
     * Connects to the process on {@code socket} and receives its listening sockets.
     *
     * @throws IOException with a message for the operator (nothing there, refused, protocol failure)
     */
    static Takeover receive(final Path socket) throws IOException, InterruptedException {
        final HotRestartClient client = HotRestartClient.connect(socket, STEP_TIMEOUT);
        try {
            final InheritedSockets sockets = client.receiveListeningSockets();
            LOG.info("takeover: received {} listening socket(s) from pid {} over {}", sockets.size(),
                client.peerPid(), socket);
            return new Takeover(client, sockets);
        } catch (final IOException | InterruptedException | RuntimeException e) {
            client.close();
            throw e;
        }
    }

    /**
     * After this process's server started on the inherited sockets: closes those it did not take (listeners the new
     * config dropped), asks the old process to drain, and ends the conversation. A failure here is logged: this
     * process serves either way.
     */
    static void finish(final Takeover t) throws InterruptedException {
        for (final ListeningSocket s : t.sockets().remaining()) {
            LOG.warn("takeover: listener {} ({}) of pid {} has no listener at that address in this config: it "
                + "stops accepting when pid {} drains", s.listener(), s.address(), t.client().peerPid(),
                t.client().peerPid());
        }
        t.sockets().close();
        try {
            t.client().requestDrain();
            LOG.info("takeover: pid {} stopped accepting and drains", t.client().peerPid());
        } catch (final IOException e) {
            LOG.warn("takeover: {}", e.getMessage());
        } finally {
            t.client().close();
        }
    }

    /** Gives up a takeover after this process failed to start: the running process keeps serving. */
    static void abandon(final Takeover t) throws InterruptedException {
        t.sockets().close();
        t.client().close();
        LOG.error("takeover abandoned: pid {} keeps serving", t.client().peerPid());
    }

    /**
     * Opens this process's control socket so a later process can take over from it; null (logged) when there is
     * none: no path, a transport other than epoll, or the socket cannot be opened.
     */
    static HotRestartServer open(final Path socket, final ProxyServer server) throws InterruptedException {
        if (socket == null) {
            return null;
        }
        if (!"epoll".equals(server.transport().name())) {
            LOG.info("hot restart: unavailable on transport {} (it needs epoll): this process cannot be taken over",
                server.transport().name());
            return null;
        }
        try {
            if (socket.getParent() != null && socket.getParent().equals(defaultDir())) {
                privateDir(socket.getParent());
            }
            final HotRestartServer s = HotRestartServer.start(socket, server);
            LOG.info("hot restart: a new process takes over with: strait run -c FILE --takeover"
                + " --hot-restart-socket {}", socket);
            return s;
        } catch (final IOException e) {
            LOG.warn("hot restart: this process cannot be taken over: {}", e.getMessage());
            return null;
        }
    }

    /** The default directory, made readable by this user only; refused if another user owns it. */
    private static void privateDir(final Path dir) throws IOException {
        if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(
                PosixFilePermissions.fromString("rwx------")));
        }
        final int owner = (Integer) Files.getAttribute(dir, "unix:uid", LinkOption.NOFOLLOW_LINKS);
        final int self = (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
        if (owner != self || !Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            throw new IOException(dir + " is not a directory of this user's; set runtime.hot_restart_socket");
        }
    }

    /**
     * Waits until a newer process takes over from this one, then stops accepting, closes the admin API, hands over
     * the control socket's path and drains; returns once drained. Returns at once if {@code control} is null.
     */
    static void drainWhenTakenOver(final HotRestartServer control, final ProxyServer server, final Duration drain,
                                   final Runnable closeAdmin) throws InterruptedException {
        final HotRestartServer.DrainRequest request;
        try {
            request = control.drainRequested().get();
        } catch (final java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException(e);
        }
        server.stopAccepting();
        // The new process starts its admin API once told this one drains: free the address first.
        closeAdmin.run();
        control.stopListening();
        request.acknowledge();
        LOG.info("taken over by pid {}: stopped accepting; draining (up to {} ms)", request.pid(), drain.toMillis());
        server.drainAndClose(drain);
        control.close();
    }
}
