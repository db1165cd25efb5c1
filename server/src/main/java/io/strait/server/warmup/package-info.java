/**
 * The start-up warm-up: before the listeners bind, a throwaway proxy (its own {@code ProxyServer} on a loopback
 * port, one event loop, counters in memory, no access log, no health checks) forwards a bounded number of HTTP/1.1
 * and HTTP/2 requests from an in-process client to an in-process origin, so that the JIT compiles the request path
 * (codecs, exchange, routing, load balancing, upstream pools and codecs, response path) before real traffic. Nothing
 * of it reaches the real listeners, clusters, hosts, stats or access logs: it shares with the real proxy only the
 * classes (and so the compiled code) and the pooled buffer allocator.
 *
 * <p>Threading: {@link io.strait.server.warmup.Warmup#run} runs on the launcher's main thread and blocks until done;
 * the client and the origin run on one event loop of their own, the throwaway proxy on its own loop; all of it is
 * stopped before {@code run} returns.
 */
package io.strait.server.warmup;
