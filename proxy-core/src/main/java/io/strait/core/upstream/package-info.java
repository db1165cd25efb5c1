/**
 * The upstream side of an exchange, last in the order a request flows: {@code UpstreamAttempt} (one try against one
 * host: active-request count, request writes and queueing, flow control, letting the connection go), its {@code
 * ConnectionAcquirer} (a pooled or new connection within the breaker's limits, an HTTP/2 stream, ALPN fallback) and
 * {@code UpstreamHttpHandler} (one upstream HTTP/1.1 connection), which talk through {@code UpstreamCallbacks}. The
 * attempt knows its exchange, downstream and loop only through the narrow interfaces declared here ({@code
 * AttemptListener}, {@code DownstreamFlow}, {@code UpstreamPools}, {@code RequestReplay}), so this package sees
 * nothing above it; new connections come from an {@code UpstreamConnector}.
 *
 * <p>Threading: an attempt and the connections it uses are confined to the exchange's event loop; nothing here
 * takes a lock or blocks.
 */
package io.strait.core.upstream;
