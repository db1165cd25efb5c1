/**
 * The downstream connection and its exchanges, third in the order a request flows (docs/ARCHITECTURE.md, "The
 * exchange"): {@code DownstreamHttp1Handler} (one connection: codec events in, connection-level idle, drain and
 * flush batching) feeds {@code Exchange} (one request/stream, with an explicit state), which picks a cluster and host
 * through {@code UpstreamSelector} (rate limit, weighted cluster, breakers, balancer), runs its tries through an
 * {@link io.strait.core.upstream.UpstreamAttempt}, decides retries with {@code RetryController}, keeps its deadlines
 * in {@code ExchangeDeadlines}, applies the listener's {@code ForwardingHeaders}, answers locally with {@code
 * LocalReply} (or, for a gRPC request, {@code GrpcRequest}'s trailers-only reply; it also reads the request's
 * grpc-timeout), and writes its response through {@code Downstream} (an HTTP/1.1 connection today, an HTTP/2 stream
 * later). {@code ServerContext} is what a connection needs of the server.
 *
 * <p>Threading: a connection, its exchange and every timer of theirs are confined to the connection's event loop;
 * nothing here takes a lock, blocks or allocates per request what it can reuse.
 */
package io.strait.core.exchange;
