/**
 * The downstream connection and its exchanges, third in the order a request flows (docs/ARCHITECTURE.md, "The
 * exchange"): {@code DownstreamHttp1Handler} (one connection: codec events in, connection-level idle, drain and
 * flush batching) feeds {@code Exchange} (one request/stream: its state machine, with an explicit state), which has
 * {@code RequestRouter} decide where the request goes (overload shedding, path normalization, the listener's {@code
 * ForwardingHeaders}, route match, RBAC, then {@code UpstreamSelector}: rate limit, weighted cluster, breakers,
 * balancer), and leaves the tries to {@code ExchangeUpstream} (Envoy's router filter as the upstream request's
 * callbacks: it owns the {@link io.strait.core.upstream.UpstreamAttempt}, relays its response and asks {@code
 * ExchangeRetries}, with its {@code RetryController}, whether a failed try goes again). The exchange keeps its
 * deadlines in {@code ExchangeDeadlines}, answers locally with {@code LocalReply} (or, for a gRPC request, {@code
 * GrpcRequest}'s trailers-only reply; it also reads the request's grpc-timeout), and writes its response through
 * {@code Downstream} (an HTTP/1.1 connection or an HTTP/2 stream). {@code ServerContext} is what a connection needs
 * of the server.
 *
 * <p>Threading: a connection, its exchange and every timer of theirs are confined to the connection's event loop;
 * nothing here takes a lock, blocks or allocates per request what it can reuse.
 */
package io.strait.core.exchange;
