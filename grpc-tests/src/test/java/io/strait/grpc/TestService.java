package io.strait.grpc;

import io.grpc.Context;
import io.grpc.Deadline;
import io.grpc.ForwardingServerCall;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor.MethodType;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Thread-safe (counters are atomics, the deadline a volatile). The test backend's methods under
 * {@link EchoService#SERVICE}, beside its unary echo, and what the backend saw of the calls:
 *
 * <table>
 *   <caption>Methods</caption>
 *   <tr><th>method</th><th>kind</th><th>answers</th></tr>
 *   <tr><td>Unary</td><td>unary</td><td>the request</td></tr>
 *   <tr><td>Collect</td><td>client streaming</td><td>{@code count=N sha256=HEX} of the messages, concatenated</td></tr>
 *   <tr><td>Repeat</td><td>server streaming</td><td>request {@code "N SIZE"}: {@code payload(i, SIZE)} for i in
 *       0..N-1</td></tr>
 *   <tr><td>Flood</td><td>server streaming</td><td>request {@code "N SIZE"}: N messages of SIZE bytes, each sent only
 *       while the call is ready (HTTP/2 flow control lets it), so a client that stops reading pauses it</td></tr>
 *   <tr><td>Chat</td><td>bidi streaming</td><td>each message as it arrives; completes when the client does</td></tr>
 *   <tr><td>Sleep</td><td>unary</td><td>{@code slept} after {@link #SLEEP_LIMIT_SECONDS}, unless cancelled
 *       first</td></tr>
 *   <tr><td>Fail</td><td>unary</td><td>{@code NOT_FOUND "nope"} with trailer {@code x-detail: no such thing}</td></tr>
 * </table>
 */
final class TestService implements AutoCloseable {

    static final MethodDescriptor<byte[], byte[]> COLLECT = EchoService.method(MethodType.CLIENT_STREAMING, "Collect");
    static final MethodDescriptor<byte[], byte[]> REPEAT = EchoService.method(MethodType.SERVER_STREAMING, "Repeat");
    static final MethodDescriptor<byte[], byte[]> FLOOD = EchoService.method(MethodType.SERVER_STREAMING, "Flood");
    static final MethodDescriptor<byte[], byte[]> CHAT = EchoService.method(MethodType.BIDI_STREAMING, "Chat");
    static final MethodDescriptor<byte[], byte[]> SLEEP = EchoService.method(MethodType.UNARY, "Sleep");
    static final MethodDescriptor<byte[], byte[]> FAIL = EchoService.method(MethodType.UNARY, "Fail");

    /** A request header (ASCII) the server copies into its response headers as {@link #TAG_ECHO}. */
    static final Metadata.Key<String> TAG = Metadata.Key.of("x-tag", Metadata.ASCII_STRING_MARSHALLER);
    /** The response header carrying the request's {@link #TAG}. */
    static final Metadata.Key<String> TAG_ECHO = Metadata.Key.of("x-tag-echo", Metadata.ASCII_STRING_MARSHALLER);
    /** A binary request header (base64 on the wire) copied into the response headers as {@link #BLOB_ECHO}. */
    static final Metadata.Key<byte[]> BLOB = Metadata.Key.of("x-blob-bin", Metadata.BINARY_BYTE_MARSHALLER);
    /** The response header carrying the request's {@link #BLOB}. */
    static final Metadata.Key<byte[]> BLOB_ECHO = Metadata.Key.of("x-blob-echo-bin", Metadata.BINARY_BYTE_MARSHALLER);
    /** A custom trailer Fail sends, which must reach the client as sent. */
    static final Metadata.Key<String> DETAIL = Metadata.Key.of("x-detail", Metadata.ASCII_STRING_MARSHALLER);
    /** How long Sleep holds a call that nobody cancels: longer than any deadline the tests set. */
    static final int SLEEP_LIMIT_SECONDS = 10;

    /** Every call that reached a handler, of any method. */
    final AtomicInteger calls = new AtomicInteger();
    /** Sleep calls that reached the server. */
    final AtomicInteger sleepsStarted = new AtomicInteger();
    /** Sleep calls that were cancelled before they answered (by the client, a proxy or their deadline). */
    final AtomicInteger sleepsCancelled = new AtomicInteger();
    /** Times a Flood call found its call not ready (flow control pushing back) before it had sent everything. */
    final AtomicInteger floodPauses = new AtomicInteger();
    /** Messages the latest Flood call had sent when it first paused, or -1 before it pauses. */
    volatile int floodSentAtFirstPause = -1;
    /** The deadline of the latest Sleep call as the server saw it (from grpc-timeout), or null for none. */
    volatile Deadline sleepDeadline;

    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        final Thread t = new Thread(r, "test-service-timer");
        t.setDaemon(true);
        return t;
    });

    /** Returns the deterministic message {@code seed} of {@code size} bytes: different seeds, different bytes. */
    static byte[] payload(final int seed, final int size) {
        final byte[] b = new byte[size];
        for (int i = 0; i < size; i++) {
            b[i] = (byte) (seed * 31 + i * 7 + (i >>> 8));
        }
        return b;
    }

    /** Returns {@code count=N sha256=HEX} of {@code messages}, concatenated: what Collect answers. */
    static String digest(final Iterable<byte[]> messages) {
        final MessageDigest sha = sha256();
        int count = 0;
        for (final byte[] m : messages) {
            sha.update(m);
            count++;
        }
        return "count=" + count + " sha256=" + HexFormat.of().formatHex(sha.digest());
    }

    /** Returns every method above, each copying {@link #TAG} and {@link #BLOB} into its response headers. */
    ServerServiceDefinition definition() {
        return ServerInterceptors.intercept(methods(), new HeaderEcho());
    }

    private ServerServiceDefinition methods() {
        return ServerServiceDefinition.builder(EchoService.SERVICE)
            .addMethod(EchoService.UNARY, ServerCalls.asyncUnaryCall((request, response) -> {
                calls.incrementAndGet();
                response.onNext(request);
                response.onCompleted();
            }))
            .addMethod(COLLECT, ServerCalls.asyncClientStreamingCall(this::collect))
            .addMethod(REPEAT, ServerCalls.asyncServerStreamingCall(this::repeat))
            .addMethod(FLOOD, ServerCalls.asyncServerStreamingCall(this::flood))
            .addMethod(CHAT, ServerCalls.asyncBidiStreamingCall(this::chat))
            .addMethod(SLEEP, ServerCalls.asyncUnaryCall(this::sleep))
            .addMethod(FAIL, ServerCalls.asyncUnaryCall((request, response) -> {
                calls.incrementAndGet();
                final Metadata trailers = new Metadata();
                trailers.put(DETAIL, "no such thing");
                response.onError(Status.NOT_FOUND.withDescription("nope").asRuntimeException(trailers));
            }))
            .build();
    }

    /**
     * Returns a service whose unary echo answers every call {@code UNAVAILABLE} at once: a trailers-only response
     * (no headers, no message before the status), as a gRPC server that cannot take a call answers.
     */
    ServerServiceDefinition unavailableDefinition() {
        return ServerServiceDefinition.builder(EchoService.SERVICE)
            .addMethod(EchoService.UNARY, (call, headers) -> {
                calls.incrementAndGet();
                call.close(Status.UNAVAILABLE.withDescription("this host is draining"), new Metadata());
                return new ServerCall.Listener<>() { };
            })
            .build();
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }

    private StreamObserver<byte[]> collect(final StreamObserver<byte[]> response) {
        calls.incrementAndGet();
        return new StreamObserver<>() {
            private final MessageDigest sha = sha256();
            private int count;

            @Override
            public void onNext(final byte[] value) {
                sha.update(value);
                count++;
            }

            @Override
            public void onError(final Throwable t) {
                // The client went away: nothing to answer.
            }

            @Override
            public void onCompleted() {
                final String answer = "count=" + count + " sha256=" + HexFormat.of().formatHex(sha.digest());
                response.onNext(answer.getBytes(StandardCharsets.UTF_8));
                response.onCompleted();
            }
        };
    }

    private void repeat(final byte[] request, final StreamObserver<byte[]> response) {
        calls.incrementAndGet();
        final String[] countAndSize = new String(request, StandardCharsets.UTF_8).split(" ");
        final int count = Integer.parseInt(countAndSize[0]);
        final int size = Integer.parseInt(countAndSize[1]);
        for (int i = 0; i < count; i++) {
            response.onNext(payload(i, size));
        }
        response.onCompleted();
    }

    /** Sends while ready, from the onReady handler (on the call's executor, never concurrently with itself). */
    private void flood(final byte[] request, final StreamObserver<byte[]> response) {
        calls.incrementAndGet();
        final String[] countAndSize = new String(request, StandardCharsets.UTF_8).split(" ");
        final int count = Integer.parseInt(countAndSize[0]);
        final byte[] message = payload(count, Integer.parseInt(countAndSize[1]));
        final ServerCallStreamObserver<byte[]> call = (ServerCallStreamObserver<byte[]>) response;
        floodSentAtFirstPause = -1;
        call.setOnCancelHandler(() -> { });
        call.setOnReadyHandler(new Runnable() {
            private int sent;

            @Override
            public void run() {
                while (sent < count && call.isReady()) {
                    call.onNext(message);
                    sent++;
                }
                if (sent == count) {
                    call.onCompleted();
                    sent++;
                } else if (sent < count) {
                    if (floodSentAtFirstPause < 0) {
                        floodSentAtFirstPause = sent;
                    }
                    floodPauses.incrementAndGet();
                }
            }
        });
    }

    private StreamObserver<byte[]> chat(final StreamObserver<byte[]> response) {
        calls.incrementAndGet();
        return new StreamObserver<>() {
            @Override
            public void onNext(final byte[] value) {
                response.onNext(value);
            }

            @Override
            public void onError(final Throwable t) {
                // The client went away: nothing to answer.
            }

            @Override
            public void onCompleted() {
                response.onCompleted();
            }
        };
    }

    private void sleep(final byte[] request, final StreamObserver<byte[]> response) {
        calls.incrementAndGet();
        sleepDeadline = Context.current().getDeadline();
        sleepsStarted.incrementAndGet();
        final ServerCallStreamObserver<byte[]> call = (ServerCallStreamObserver<byte[]>) response;
        final ScheduledFuture<?> answer = timer.schedule(() -> {
            if (!call.isCancelled()) {
                call.onNext("slept".getBytes(StandardCharsets.UTF_8));
                call.onCompleted();
            }
        }, SLEEP_LIMIT_SECONDS, TimeUnit.SECONDS);
        call.setOnCancelHandler(() -> {
            answer.cancel(false);
            sleepsCancelled.incrementAndGet();
        });
    }

    /** Copies the request's tag headers into the response headers, whatever the method. */
    private static final class HeaderEcho implements ServerInterceptor {
        @Override
        public <Q, R> ServerCall.Listener<Q> interceptCall(final ServerCall<Q, R> call, final Metadata requestHeaders,
                                                           final ServerCallHandler<Q, R> next) {
            final String tag = requestHeaders.get(TAG);
            final byte[] blob = requestHeaders.get(BLOB);
            return next.startCall(new ForwardingServerCall.SimpleForwardingServerCall<>(call) {
                @Override
                public void sendHeaders(final Metadata headers) {
                    if (tag != null) {
                        headers.put(TAG_ECHO, tag);
                    }
                    if (blob != null) {
                        headers.put(BLOB_ECHO, blob);
                    }
                    super.sendHeaders(headers);
                }
            }, requestHeaders);
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (final NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
