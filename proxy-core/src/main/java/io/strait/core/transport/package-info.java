/**
 * The choice of Netty transport (epoll, io_uring, NIO) and the event-loop group and channel classes it brings.
 *
 * <p>Threading: used once at start, from the launcher's thread.
 */
package io.strait.core.transport;
