/**
 * The server, first in the order a request flows (docs/ARCHITECTURE.md, "The request path"): {@link
 * io.strait.core.server.ProxyServer} makes the event loops on the chosen transport, compiles the configuration into
 * a {@link io.strait.core.snapshot.ProxySnapshot}, gives each loop its {@link io.strait.core.snapshot.LoopState},
 * binds each listener (once per loop with {@code SO_REUSEPORT}), posts host-set changes to the loops, and drains and
 * closes. {@code FileDescriptors} reads the descriptor limit the global connection cap is derived from.
 *
 * <p>Threading: {@code ProxyServer}'s public methods are called from the launcher's thread (start, drain, close);
 * it hands work to the loops by posting tasks, and the only state it shares with them is immutable (snapshots) or
 * atomic (connection caps, host health).
 */
package io.strait.core.server;
