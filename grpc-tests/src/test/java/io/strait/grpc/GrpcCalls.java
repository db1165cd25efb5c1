package io.strait.grpc;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientInterceptors;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.MetadataUtils;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Stateless helpers of the gRPC tests: channels to 127.0.0.1 and calls that end by a bound. */
final class GrpcCalls {

    /** The deadline of a call that should succeed: a bound on a broken test, not a measurement. */
    static final Duration BOUND = Duration.ofSeconds(20);

    private GrpcCalls() {
    }

    /** Returns a plaintext channel (h2c with prior knowledge) to 127.0.0.1:{@code port}. */
    static ManagedChannel channel(final int port) {
        return NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
    }

    /** Returns a plaintext channel to 127.0.0.1:{@code port} that sends {@code authority} as {@code :authority}. */
    static ManagedChannel channel(final int port, final String authority) {
        return NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().overrideAuthority(authority).build();
    }

    /** Returns the call options of a call that should succeed: deadline {@link #BOUND}. */
    static CallOptions bounded() {
        return CallOptions.DEFAULT.withDeadlineAfter(BOUND.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Makes a unary call bounded by {@link #BOUND} and returns its answer. */
    static byte[] unary(final Channel channel, final MethodDescriptor<byte[], byte[]> method, final byte[] request) {
        return ClientCalls.blockingUnaryCall(channel, method, bounded(), request);
    }

    /** Makes a unary call with {@code options} and returns how it failed (an assertion error if it succeeded). */
    static StatusRuntimeException failure(final Channel channel, final MethodDescriptor<byte[], byte[]> method,
                          final CallOptions options, final byte[] request) {
        final StatusRuntimeException[] thrown = new StatusRuntimeException[1];
        assertThatThrownBy(() -> ClientCalls.blockingUnaryCall(channel, method, options, request))
            .isInstanceOfSatisfying(StatusRuntimeException.class, e -> thrown[0] = e);
        return thrown[0];
    }

    /**
     * Returns {@code channel} with a raw {@code grpc-timeout} header on every call. For calls without a deadline
     * only: grpc-java then sends the header as given and enforces nothing itself, so whoever ends the call on time
     * does it because of the header.
     *
     * @param timeout the header's value in the wire format, e.g. {@code 300m}
     */
    static Channel withTimeoutHeader(final Channel channel, final String timeout) {
        final Metadata headers = new Metadata();
        headers.put(Metadata.Key.of("grpc-timeout", Metadata.ASCII_STRING_MARSHALLER), timeout);
        return ClientInterceptors.intercept(channel, MetadataUtils.newAttachHeadersInterceptor(headers));
    }

    /** Shuts {@code channel} down now and waits (boundedly) for its threads. */
    static void close(final ManagedChannel channel) throws InterruptedException {
        if (channel != null) {
            channel.shutdownNow();
            channel.awaitTermination(5, TimeUnit.SECONDS);
        }
    }
}
