/**
 * A listener's accept path, second in the order a request flows: {@code HttpListenerInitializer} admits an accepted
 * connection against the listener's and the global connection caps ({@code ConnectionLimit}) and composes its
 * pipeline (TLS from {@code ListenerTls}, the HTTP/1.1 codec, the connection handler of {@link
 * io.strait.core.exchange}), first in it a {@code SendTimeoutHandler} that resets a connection whose client stopped
 * reading ({@code timeouts.send}, with {@code ClientProgress} asking the kernel when it last took bytes);
 * {@code AcceptErrorHandler} pauses a listening socket whose accepts fail (EMFILE) and
 * logs that once per interval.
 *
 * <p>Threading: initializers and TLS contexts are shared by all of a listener's connections and are thread-safe;
 * each runs on the accepting connection's event loop. Send timeout handlers are one per listener and loop, used on
 * that loop only (a connection's timer state is made when it first turns unwritable). Connection caps are padded
 * atomics; {@code DownstreamConnections}, the open connections of all listeners, is a concurrent set.
 */
package io.strait.core.listener;
