package io.strait.grpc;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientInterceptors;
import io.grpc.ClientCall;
import io.grpc.Deadline;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.ClientResponseObserver;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The gRPC cases every mode runs, with real grpc-java clients and a real grpc-java server ({@link GrpcBackend}) over
 * loopback sockets. A subclass says where the client connects ({@link #startTarget}): the backend itself
 * ({@link DirectGrpcIntegrationTest}) or a Strait listener in front of it ({@link StraitGrpcIntegrationTest}). The
 * same assertions hold in both: a proxy must not change what a gRPC client sees.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class AbstractGrpcIntegrationTest {

    /** How long a test waits for something that follows a call (a cancel reaching the server). */
    static final Duration WAIT = Duration.ofSeconds(5);
    /** Bigger than HTTP/2's default 64 KiB window: sending it needs WINDOW_UPDATEs on every hop. */
    static final int BIG = 300 * 1024;

    /** The backend every shared case talks to (through the target). */
    GrpcBackend backend;
    /** One channel (one HTTP/2 connection) to the target, shared by the cases. */
    ManagedChannel channel;

    /** Why this mode cannot run here, or null when it can: each case is then skipped with that reason. */
    private String unsupported;

    /** Returns why this mode cannot run yet (each case is skipped, saying so), or null when it can. */
    String unsupported() {
        return null;
    }

    /** Starts whatever stands between the client and {@link #backend} and returns the port the client connects to. */
    abstract int startTarget() throws Exception;

    /** Stops what {@link #startTarget} started. */
    abstract void stopTarget() throws Exception;

    /** Starts the backend the shared cases reach: plaintext (h2c) unless a mode says otherwise. */
    GrpcBackend startBackend() throws Exception {
        return GrpcBackend.start();
    }

    /** Returns the shared channel to the target's {@code port}: plaintext (h2c) unless a mode says otherwise. */
    ManagedChannel openChannel(final int port) throws Exception {
        return GrpcCalls.channel(port);
    }

    @BeforeAll
    final void start() throws Exception {
        unsupported = unsupported();
        if (unsupported == null) {
            backend = startBackend();
            channel = openChannel(startTarget());
        }
    }

    @BeforeEach
    final void runnable() {
        assumeTrue(unsupported == null, unsupported);
    }

    @AfterAll
    final void stop() throws Exception {
        try {
            GrpcCalls.close(channel);
            if (unsupported == null) {
                stopTarget();
            }
        } finally {
            if (backend != null) {
                backend.close();
            }
        }
    }

    @Test
    void unaryEchoesEveryMessageSize() {
        for (final int size : new int[] { 0, 1, 1000, BIG, 2 * 1024 * 1024 }) {
            final byte[] request = TestService.payload(size, size);
            assertThat(GrpcCalls.unary(channel, EchoService.UNARY, request)).as("echo of %d bytes", size)
                .isEqualTo(request);
        }
    }

    /** Custom request metadata reaches the server and custom response headers the client, a binary one included. */
    @Test
    void customMetadataPassesBothWays() {
        final Metadata sent = new Metadata();
        sent.put(TestService.TAG, "tag-42");
        final byte[] blob = { 0, 1, 2, (byte) 0xfe, (byte) 0xff, '\n', ':' };
        sent.put(TestService.BLOB, blob);
        final AtomicReference<Metadata> headers = new AtomicReference<>();
        final AtomicReference<Metadata> trailers = new AtomicReference<>();
        final Channel tagged = ClientInterceptors.intercept(channel, MetadataUtils.newAttachHeadersInterceptor(sent),
            MetadataUtils.newCaptureMetadataInterceptor(headers, trailers));

        assertThat(GrpcCalls.unary(tagged, EchoService.UNARY, new byte[] { 9 })).containsExactly(9);

        assertThat(headers.get()).isNotNull();
        assertThat(headers.get().get(TestService.TAG_ECHO)).isEqualTo("tag-42");
        assertThat(headers.get().get(TestService.BLOB_ECHO)).isEqualTo(blob);
    }

    @Test
    void clientStreamingDeliversEveryMessageInOrder() throws Exception {
        final List<byte[]> sent = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            sent.add(TestService.payload(i, i == 100 ? BIG : i * 37 % 4000));
        }
        final CompletableFuture<byte[]> answer = new CompletableFuture<>();
        final StreamObserver<byte[]> requests = ClientCalls.asyncClientStreamingCall(
            channel.newCall(TestService.COLLECT, GrpcCalls.bounded()), observer(answer));
        for (final byte[] m : sent) {
            requests.onNext(m);
        }
        requests.onCompleted();

        assertThat(new String(answer.get(GrpcCalls.BOUND.toSeconds(), TimeUnit.SECONDS), StandardCharsets.UTF_8))
            .isEqualTo(TestService.digest(sent));
    }

    @Test
    void serverStreamingDeliversEveryMessageInOrder() {
        final int count = 40;
        final int size = 100_000;
        final Iterator<byte[]> answers = ClientCalls.blockingServerStreamingCall(channel, TestService.REPEAT,
            GrpcCalls.bounded(), (count + " " + size).getBytes(StandardCharsets.UTF_8));
        int received = 0;
        while (answers.hasNext()) {
            assertThat(answers.next()).as("message %d", received).isEqualTo(TestService.payload(received, size));
            received++;
        }
        assertThat(received).isEqualTo(count);
    }

    /**
     * A client that stops reading a server stream pauses the server (HTTP/2 flow control end to end, nothing
     * buffers the whole stream), while other calls on the same connection go on; once it reads again every message
     * arrives.
     */
    @Test
    void slowReaderPausesTheServerButNotTheConnection() throws Exception {
        final int count = 1024;
        final int size = 64 * 1024;
        final int pausesBefore = backend.service().floodPauses.get();
        final AtomicReference<ClientCallStreamObserver<byte[]>> stream = new AtomicReference<>();
        final AtomicInteger received = new AtomicInteger();
        final CompletableFuture<Status> end = new CompletableFuture<>();
        ClientCalls.asyncServerStreamingCall(channel.newCall(TestService.FLOOD, GrpcCalls.bounded()),
            (count + " " + size).getBytes(StandardCharsets.UTF_8), new ClientResponseObserver<byte[], byte[]>() {
                @Override
                public void beforeStart(final ClientCallStreamObserver<byte[]> requestStream) {
                    requestStream.disableAutoRequestWithInitial(1);
                    stream.set(requestStream);
                }

                @Override
                public void onNext(final byte[] value) {
                    if (value.length == size) {
                        received.incrementAndGet();
                    }
                }

                @Override
                public void onError(final Throwable t) {
                    end.complete(Status.fromThrowable(t));
                }

                @Override
                public void onCompleted() {
                    end.complete(Status.OK);
                }
            });

        await().atMost(WAIT).untilAsserted(() -> assertThat(backend.service().floodPauses.get())
            .as("the server was paused by flow control").isGreaterThan(pausesBefore));
        assertThat(backend.service().floodSentAtFirstPause).as("messages sent before the first pause")
            .isBetween(0, count - 1);
        assertThat(received.get()).as("the client has read one message only").isLessThanOrEqualTo(1);
        final byte[] other = TestService.payload(3, 100);
        assertThat(GrpcCalls.unary(channel, EchoService.UNARY, other)).as("another call on the same connection")
            .isEqualTo(other);

        stream.get().request(count);
        assertThat(end.get(GrpcCalls.BOUND.toSeconds(), TimeUnit.SECONDS)).isEqualTo(Status.OK);
        assertThat(received.get()).isEqualTo(count);
    }

    /**
     * Ping-pong first (each message's echo arrives before the next is sent, so nothing may wait for the end of the
     * request stream), then a burst with a message bigger than the window, then the half-close.
     */
    @Test
    void bidiStreamingEchoesEachMessageAsItArrives() throws Exception {
        final BlockingQueue<byte[]> echoes = new LinkedBlockingQueue<>();
        final CompletableFuture<Status> end = new CompletableFuture<>();
        final ClientCall<byte[], byte[]> call = channel.newCall(TestService.CHAT, GrpcCalls.bounded());
        final StreamObserver<byte[]> requests = ClientCalls.asyncBidiStreamingCall(call, new StreamObserver<>() {
            @Override
            public void onNext(final byte[] value) {
                echoes.add(value);
            }

            @Override
            public void onError(final Throwable t) {
                end.complete(Status.fromThrowable(t));
            }

            @Override
            public void onCompleted() {
                end.complete(Status.OK);
            }
        });
        for (int i = 0; i < 100; i++) {
            final byte[] m = TestService.payload(i, i == 50 ? BIG : 1 + i * 13);
            requests.onNext(m);
            assertThat(echoes.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS)).as("echo of message %d before the next"
                + " is sent", i).isEqualTo(m);
        }
        final List<byte[]> burst = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            burst.add(TestService.payload(1000 + i, i == 150 ? BIG : 1 + i * 29));
            requests.onNext(burst.get(i));
        }
        requests.onCompleted();

        assertThat(end.get(GrpcCalls.BOUND.toSeconds(), TimeUnit.SECONDS)).isEqualTo(Status.OK);
        assertThat(new ArrayList<>(echoes)).containsExactlyElementsOf(burst);
    }

    /** The server outlives the client's deadline: the client sees DEADLINE_EXCEEDED and the server's call ends. */
    @Test
    void deadlineExceeded() {
        final int cancelledBefore = backend.service().sleepsCancelled.get();
        final Deadline clientDeadline = Deadline.after(300, TimeUnit.MILLISECONDS);

        final StatusRuntimeException e = GrpcCalls.failure(channel, TestService.SLEEP,
            CallOptions.DEFAULT.withDeadline(clientDeadline), new byte[0]);

        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.DEADLINE_EXCEEDED);
        // grpc-timeout reached the server: it knew its deadline, not the proxy's route timeout or none.
        final Deadline serverDeadline = backend.service().sleepDeadline;
        assertThat(serverDeadline).as("the server's deadline from grpc-timeout").isNotNull();
        assertThat(serverDeadline.isBefore(clientDeadline.offset(1, TimeUnit.SECONDS))).as("server deadline %s is"
            + " about the client's %s", serverDeadline, clientDeadline).isTrue();
        await().atMost(WAIT).untilAsserted(() -> assertThat(backend.service().sleepsCancelled.get())
            .as("the server's call was cancelled").isGreaterThan(cancelledBefore));
    }

    /** A status with a message and custom trailers reaches the client exactly as the server sent it. */
    @Test
    void errorStatusPassesThroughUnchanged() {
        final StatusRuntimeException e = GrpcCalls.failure(channel, TestService.FAIL, GrpcCalls.bounded(),
            new byte[] { 1 });

        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
        assertThat(e.getStatus().getDescription()).isEqualTo("nope");
        final Metadata trailers = Status.trailersFromThrowable(e);
        assertThat(trailers).isNotNull();
        assertThat(trailers.get(TestService.DETAIL)).isEqualTo("no such thing");
    }

    @Test
    void manyConcurrentUnaryCallsOnOneChannelAllSucceed() throws Exception {
        final int calls = 200;
        final int before = backend.service().calls.get();
        final List<CompletableFuture<byte[]>> answers = new ArrayList<>();
        for (int i = 0; i < calls; i++) {
            final CompletableFuture<byte[]> answer = new CompletableFuture<>();
            ClientCalls.asyncUnaryCall(channel.newCall(EchoService.UNARY, GrpcCalls.bounded()),
                TestService.payload(i, 512), observer(answer));
            answers.add(answer);
        }
        CompletableFuture.allOf(answers.toArray(new CompletableFuture<?>[0]))
            .get(GrpcCalls.BOUND.toSeconds(), TimeUnit.SECONDS);

        for (int i = 0; i < calls; i++) {
            assertThat(answers.get(i).get()).as("answer %d", i).isEqualTo(TestService.payload(i, 512));
        }
        assertThat(backend.service().calls.get() - before).isEqualTo(calls);
    }

    /** Returns an observer that completes {@code answer} with the single message of a call, or its failure. */
    static ClientResponseObserver<byte[], byte[]> observer(final CompletableFuture<byte[]> answer) {
        return new ClientResponseObserver<>() {
            private byte[] last;

            @Override
            public void beforeStart(final ClientCallStreamObserver<byte[]> requestStream) {
                // Nothing to configure: the default flow control.
            }

            @Override
            public void onNext(final byte[] value) {
                last = value;
            }

            @Override
            public void onError(final Throwable t) {
                answer.completeExceptionally(t);
            }

            @Override
            public void onCompleted() {
                answer.complete(last);
            }
        };
    }
}
