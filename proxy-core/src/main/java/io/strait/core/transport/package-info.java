/**
 * The choice of Netty transport (epoll, io_uring, NIO) and the event-loop group and channel classes it brings, and
 * what Strait adds around the transport's I/O handler ({@link io.strait.core.transport.BatchingIoHandler}).
 *
 * <p>Threading: {@code TransportFactory} is used once at start, from the launcher's thread; a
 * {@code BatchingIoHandler} runs on its event loop (its wake-up may be called from any thread); {@code SharedAddresses}
 * on the loop that accepted the connection.
 */
package io.strait.core.transport;
