/**
 * The data plane's request path, in the order a request flows (docs/ARCHITECTURE.md, "The exchange"):
 * <ul>
 *   <li>server and loops: {@link io.strait.core.proxy.ProxyServer} (event loops, listeners, drain),
 *       {@link io.strait.core.proxy.ProxySnapshot} (a compiled configuration), {@code LoopState} (what one loop
 *       owns: balancers, pools, connectors, stats views, clock);</li>
 *   <li>listener: {@code HttpListenerInitializer} (composes a connection's pipeline),
 *       {@link io.strait.core.proxy.ListenerRuntime}, {@code ListenerTls};</li>
 *   <li>connection and exchange: {@code DownstreamHttp1Handler} (one connection) feeds {@code Exchange} (one
 *       request/stream), which uses {@code UpstreamSelector} (cluster and host), {@code RetryController},
 *       {@code ForwardingHeaders} and {@code LocalReply}, and answers through {@code Downstream};</li>
 *   <li>upstream: {@code UpstreamAttempt} (one try) and {@code UpstreamHttpHandler} (one upstream connection),
 *       which talk through {@code UpstreamCallbacks}; new connections come from an {@code UpstreamConnector}.</li>
 * </ul>
 *
 * <p>Threading: a downstream connection, its exchange, its upstream connections and every timer of theirs are
 * confined to the connection's event loop; nothing here takes a lock or blocks. {@code ProxyServer}'s methods are
 * called from the launcher's thread; snapshots are immutable and shared.
 */
package io.strait.core.proxy;
