/**
 * The server, first in the order a request flows (docs/ARCHITECTURE.md, "The request path"): {@link
 * io.strait.core.server.ProxyServer} makes the event loops on the chosen transport, compiles the configuration into
 * a {@link io.strait.core.snapshot.ProxySnapshot}, gives each loop its {@link io.strait.core.snapshot.LoopState},
 * binds each listener (once per loop with {@code SO_REUSEPORT}), posts host-set changes to the loops, and drains and
 * closes. {@code PoolCacheTrimmer} has every loop trim its pooled-allocator cache once a second, so that the chunks
 * a burst left behind are freed. {@code FileDescriptors} reads the descriptor limit the global connection cap is
 * derived from. Hot restart: {@code HotRestartServer} hands the listening sockets to a new process over a control
 * Unix socket, whose side is {@code HotRestartClient}; the new server serves on them as {@code InheritedSockets}.
 *
 * <p>Threading: {@code ProxyServer}'s public methods are called from the launcher's thread (start, drain, close);
 * it hands work to the loops by posting tasks, and the only state it shares with them is immutable (snapshots) or
 * atomic (connection caps, host health). The control socket runs on a thread of its own ({@code
 * strait-hot-restart}), never a worker loop; the client side's blocking methods run on the launcher's thread.
 */
package io.strait.core.server;
