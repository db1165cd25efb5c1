package io.strait.core.exchange;

import io.strait.core.snapshot.LoopState;
import io.netty.channel.EventLoop;

/**
 * What a downstream connection needs of the server it belongs to: its event loop's state and whether the server
 * is draining. Implemented by the server ({@code io.strait.core.server.ProxyServer},
 * a package above this one); tests give connections one of their own.
 *
 * <p>Thread-safe: called on the connection's event loop.
 */
public interface ServerContext {

    /** The state of {@code loop} for the configuration in force. */
    LoopState loopState(EventLoop loop);

    /** True once the server has started to drain: connections close after their response. */
    boolean isDraining();
}
