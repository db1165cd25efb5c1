/**
 * strait-grpc-load: a closed-loop gRPC unary load generator and the echo backend it measures, for the perf harness
 * (gRPC unary req/s through Strait vs direct). Methods are described by hand ({@link io.strait.grpc.EchoService}:
 * raw bytes, no protobuf), so the module needs no protoc.
 *
 * <p>Threading: {@link io.strait.grpc.UnaryLoad} issues calls from gRPC's transport threads (direct executor)
 * and records latencies into a thread-safe HdrHistogram {@code Recorder}; the main thread only starts the run,
 * waits for its end and prints. The echo backend answers on the transport threads too (it never blocks).
 */
package io.strait.grpc;
