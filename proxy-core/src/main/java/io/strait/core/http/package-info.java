/**
 * Protocol-neutral HTTP messages: the events a codec produces from bytes and consumes to write
 * bytes. Routing, clusters, retries and timeouts work on these types only, never on a codec's.
 * A message is a head ({@link io.strait.core.http.HttpRequestHead} or
 * {@link io.strait.core.http.HttpResponseHead}), then body chunks as {@link io.netty.buffer.ByteBuf},
 * then {@link io.strait.core.http.HttpEnd#INSTANCE}; a codec that cannot go on fires
 * {@link io.strait.core.http.HttpDecodeError}.
 */
package io.strait.core.http;
