package io.strait.grpc;

import io.grpc.MethodDescriptor;
import io.grpc.ServerServiceDefinition;
import io.grpc.stub.ServerCalls;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * Immutable. The echo service {@value #SERVICE} with its methods described by hand: messages are raw bytes
 * ({@link #BYTES}), so no protoc and no protobuf runtime. Only the unary echo lives here (the load tool's); the
 * tests add the streaming methods under the same service name.
 */
public final class EchoService {

    /** The full service name: the first segment of every method's path ({@code /strait.test.Echo/Unary}). */
    public static final String SERVICE = "strait.test.Echo";

    /** A message is its bytes, as they are: the identity marshaller. */
    public static final MethodDescriptor.Marshaller<byte[]> BYTES = new MethodDescriptor.Marshaller<>() {
        @Override
        public InputStream stream(final byte[] value) {
            return new ByteArrayInputStream(value);
        }

        @Override
        public byte[] parse(final InputStream stream) {
            try {
                return stream.readAllBytes();
            } catch (final IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    };

    /** Unary: answers the request's bytes. */
    public static final MethodDescriptor<byte[], byte[]> UNARY = method(MethodDescriptor.MethodType.UNARY, "Unary");

    private EchoService() {
    }

    /**
     * Returns a descriptor of method {@code name} of {@link #SERVICE} with byte messages both ways.
     *
     * @param type the call's shape (unary, client, server or bidi streaming)
     */
    public static MethodDescriptor<byte[], byte[]> method(final MethodDescriptor.MethodType type, final String name) {
        return MethodDescriptor.<byte[], byte[]>newBuilder()
            .setType(type)
            .setFullMethodName(MethodDescriptor.generateFullMethodName(SERVICE, name))
            .setRequestMarshaller(BYTES)
            .setResponseMarshaller(BYTES)
            .build();
    }

    /** Returns the service with the unary echo only: what {@code strait-grpc-load serve} runs. */
    public static ServerServiceDefinition definition() {
        return ServerServiceDefinition.builder(SERVICE)
            .addMethod(UNARY, ServerCalls.asyncUnaryCall((request, response) -> {
                response.onNext(request);
                response.onCompleted();
            }))
            .build();
    }
}
