package io.strait.load.distributed;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;

/** Picks free UDP ports on 127.0.0.1 for tests. Stateless. */
final class FreePorts {

    private FreePorts() {
    }

    /** A UDP port on 127.0.0.1 that was free a moment ago. */
    static int udp() {
        try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            return socket.getLocalPort();
        } catch (final IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
