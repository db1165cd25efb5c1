/**
 * Protocol-neutral HTTP messages: the events a codec produces from bytes and consumes to write
 * bytes. Routing, clusters, retries and timeouts work on these types only, never on a codec's.
 * A message is a head ({@link io.strait.core.http.HttpRequestHead} or
 * {@link io.strait.core.http.HttpResponseHead}), then body chunks as {@link io.netty.buffer.ByteBuf},
 * then, when the message has trailer fields, {@link io.strait.core.http.HttpTrailers}, then
 * {@link io.strait.core.http.HttpEnd#INSTANCE}; a codec that cannot go on fires
 * {@link io.strait.core.http.HttpDecodeError}. {@link io.strait.core.http.GrpcStatus} holds what the proxy knows of
 * gRPC over HTTP (content type, grpc-timeout, grpc-status and the mapping of its own errors). Each message is
 * confined to the event loop of its connection; the stateless helpers are thread-safe.
 */
package io.strait.core.http;
