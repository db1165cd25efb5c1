package io.strait.core.server;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.epoll.EpollDomainSocketChannel;
import io.netty.channel.unix.PeerCredentials;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The hot restart conversation on the control socket, one ASCII line per message ({@code \n}-terminated), the
 * descriptors as SCM_RIGHTS messages. The new process (client) leads:
 *
 * <pre>
 * client                                   server (the running process)
 * STRAIT-HOT-RESTART 1 LISTENERS     -&gt;
 *                                    &lt;-    LISTENERS n pid
 *                                    &lt;-    SOCKET listener index ip port      (n lines)
 *                                    &lt;-    END
 * (switches its reads to descriptors)
 * SEND                               -&gt;
 *                                    &lt;-    n descriptors, in the SOCKET lines' order
 * (switches back to bytes, starts serving on them)
 * DRAIN                              -&gt;
 *                                          (stops accepting, closes and removes the control socket)
 *                                    &lt;-    DRAINING
 * </pre>
 *
 * Any step may be answered with {@code ERROR reason} instead, after which the server closes the connection. The
 * descriptors come only after {@code SEND}: a reader in byte mode would take the one byte each descriptor travels
 * with and lose the descriptor, and one in descriptor mode cannot read lines.
 *
 * <p>Stateless, thread-safe.
 */
final class HotRestartProtocol {

    /** Protocol version: a server that does not speak the client's answers ERROR. */
    static final int VERSION = 1;
    static final String HELLO = "STRAIT-HOT-RESTART " + VERSION + " LISTENERS";
    static final String LISTENERS = "LISTENERS";
    static final String SOCKET = "SOCKET";
    static final String END = "END";
    static final String SEND = "SEND";
    static final String DRAIN = "DRAIN";
    static final String DRAINING = "DRAINING";
    static final String ERROR = "ERROR";
    /** Longest line either side sends or accepts. */
    static final int MAX_LINE = 4096;

    private HotRestartProtocol() {
    }

    /** {@code text} and a newline as a buffer. */
    static ByteBuf line(final String text) {
        return Unpooled.copiedBuffer(text + "\n", StandardCharsets.US_ASCII);
    }

    /** The SOCKET line for {@code s}. */
    static String socketLine(final ListeningSocket s) {
        return SOCKET + " " + s.listener() + " " + s.index() + " " + s.address().getAddress().getHostAddress() + " "
            + s.address().getPort();
    }

    /**
     * A SOCKET line's socket, with {@code fd} still unknown (-1).
     *
     * @throws IOException when the line is malformed
     */
    static ListeningSocket parseSocket(final String line) throws IOException {
        final String[] f = line.split(" ");
        if (f.length != 5 || !f[0].equals(SOCKET)) {
            throw new IOException("malformed line from the running process: '" + line + "'");
        }
        try {
            // An IP literal: getByName parses it without a name lookup.
            final InetAddress ip = InetAddress.getByName(f[3]);
            return new ListeningSocket(f[1], Integer.parseInt(f[2]), new InetSocketAddress(ip, Integer.parseInt(f[4])),
                -1);
        } catch (final NumberFormatException e) {
            throw new IOException("malformed line from the running process: '" + line + "'", e);
        }
    }

    /** This process's user id, as the kernel gives it to peers of a Unix socket. */
    static int ownUid() throws IOException {
        return (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
    }

    /**
     * The peer's credentials (SO_PEERCRED), checked to be this user's: the control socket gives away the listening
     * sockets and stops the process, so only the same user may use it, whatever the file's permissions say.
     *
     * @throws IOException when the peer is another user
     */
    static PeerCredentials sameUserPeer(final EpollDomainSocketChannel ch) throws IOException {
        final PeerCredentials peer = ch.peerCredentials();
        final int own = ownUid();
        if (peer.uid() != own) {
            throw new IOException("peer pid " + peer.pid() + " runs as uid " + peer.uid() + ", not " + own);
        }
        return peer;
    }
}
