package io.strait.core.server;

import java.net.InetSocketAddress;

/**
 * One listening socket of a running server, as hot restart hands it over. Immutable.
 *
 * @param listener the listener's name
 * @param index    the socket's place among the listener's sockets (one per event loop with SO_REUSEPORT)
 * @param address  the address it is bound to
 * @param fd       its file descriptor in the process that holds it
 */
public record ListeningSocket(String listener, int index, InetSocketAddress address, int fd) {
}
