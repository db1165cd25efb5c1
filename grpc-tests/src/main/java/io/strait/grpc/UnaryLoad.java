package io.strait.grpc;

import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.StreamObserver;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;

/**
 * One closed-loop run of unary echo calls: {@code concurrency} calls in flight at all times, spread over
 * {@code channels} HTTP/2 connections (h2c, prior knowledge), each slot starting its next call when the last one
 * ends, for a warm-up and then a measured duration. Bounded: no call starts after the end, each call has a
 * deadline, and the run waits at most that deadline more for the calls in flight.
 *
 * <p>Thread-safe as a run: callbacks arrive on gRPC's transport threads and record into a {@link Recorder};
 * {@link #run} blocks its caller until the end.
 */
public final class UnaryLoad {

    private UnaryLoad() {
    }

    /**
     * What to run.
     *
     * @param host        the target's address (an IP literal or a name)
     * @param port        the target's port
     * @param authority   the {@code :authority} to send, or null for host:port
     * @param concurrency calls in flight, &gt; 0
     * @param channels    connections the calls are spread over, 1..concurrency
     * @param payload     request size in bytes (the echo answers as many), &gt;= 0
     * @param warmup      how long calls run before anything is recorded, &gt;= 0
     * @param duration    how long calls are recorded, &gt; 0
     * @param callTimeout each call's deadline, &gt; 0
     */
    public record Settings(String host, int port, String authority, int concurrency, int channels, int payload,
                           Duration warmup, Duration duration, Duration callTimeout) {

        /** Checks the ranges, naming the setting that is out of range. */
        public Settings {
            require(port > 0 && port < 65536, "port must be 1..65535, was " + port);
            require(concurrency > 0, "concurrency must be > 0, was " + concurrency);
            require(channels > 0 && channels <= concurrency, "channels must be 1..concurrency, was " + channels);
            require(payload >= 0, "payload must be >= 0, was " + payload);
            require(!warmup.isNegative(), "warmup must be >= 0, was " + warmup);
            require(duration.toNanos() > 0, "duration must be > 0, was " + duration);
            require(callTimeout.toNanos() > 0, "call timeout must be > 0, was " + callTimeout);
        }

        private static void require(final boolean ok, final String message) {
            if (!ok) {
                throw new IllegalArgumentException(message);
            }
        }
    }

    /**
     * What a run measured, over its measured part only.
     *
     * @param requests calls that ended OK
     * @param errors   calls that ended with another status, by status code
     * @param seconds  the measured duration
     * @param latency  the OK calls' latencies in nanoseconds
     * @param drained  whether every call in flight at the end finished before the run gave up waiting
     */
    public record Result(long requests, Map<Status.Code, Long> errors, double seconds, Histogram latency,
                         boolean drained) {

        /** Returns the OK calls per second. */
        public double requestsPerSecond() {
            return requests / seconds;
        }

        /** Returns the calls that did not end OK. */
        public long errorCount() {
            return errors.values().stream().mapToLong(Long::longValue).sum();
        }
    }

    /**
     * Runs {@code settings} to its end and returns what was measured.
     *
     * @throws InterruptedException when interrupted while the calls run
     */
    public static Result run(final Settings settings) throws InterruptedException {
        final ManagedChannel[] channels = new ManagedChannel[settings.channels()];
        final ExecutorService deferred = Executors.newSingleThreadExecutor(r -> {
            final Thread t = new Thread(r, "grpc-load-deferred");
            t.setDaemon(true);
            return t;
        });
        try {
            for (int i = 0; i < channels.length; i++) {
                final NettyChannelBuilder b = NettyChannelBuilder.forAddress(settings.host(), settings.port())
                    .usePlaintext()
                    .directExecutor();
                if (settings.authority() != null) {
                    b.overrideAuthority(settings.authority());
                }
                channels[i] = b.build();
            }
            final Run run = new Run(settings, deferred);
            for (int i = 0; i < settings.concurrency(); i++) {
                new Slot(run, channels[i % channels.length]).next();
            }
            final long waitNanos = settings.warmup().toNanos() + settings.duration().toNanos()
                + settings.callTimeout().toNanos() + TimeUnit.SECONDS.toNanos(1);
            final boolean drained = run.done.await(waitNanos, TimeUnit.NANOSECONDS);
            return run.result(drained);
        } finally {
            for (final ManagedChannel c : channels) {
                if (c != null) {
                    c.shutdownNow();
                }
            }
            deferred.shutdownNow();
            for (final ManagedChannel c : channels) {
                if (c != null) {
                    c.awaitTermination(5, TimeUnit.SECONDS);
                }
            }
        }
    }

    /** Thread-safe: the state all slots of one run share. */
    private static final class Run {
        final Settings settings;
        final ExecutorService deferred;
        final byte[] payload;
        final long measureFrom;
        final long end;
        final CountDownLatch done;
        final Recorder recorder = new Recorder(3);
        final LongAdder ok = new LongAdder();
        final AtomicLongArray errors = new AtomicLongArray(Status.Code.values().length);

        Run(final Settings settings, final ExecutorService deferred) {
            this.settings = settings;
            this.deferred = deferred;
            this.payload = new byte[settings.payload()];
            for (int i = 0; i < payload.length; i++) {
                payload[i] = (byte) ('a' + i % 26);
            }
            this.measureFrom = System.nanoTime() + settings.warmup().toNanos();
            this.end = measureFrom + settings.duration().toNanos();
            this.done = new CountDownLatch(settings.concurrency());
        }

        Result result(final boolean drained) {
            final Map<Status.Code, Long> byCode = new EnumMap<>(Status.Code.class);
            for (final Status.Code c : Status.Code.values()) {
                if (errors.get(c.value()) > 0) {
                    byCode.put(c, errors.get(c.value()));
                }
            }
            return new Result(ok.sum(), byCode, settings.duration().toNanos() / 1e9,
                recorder.getIntervalHistogram(), drained);
        }
    }

    /**
     * One call in flight at a time: the observer of its own calls, each started when the last ended. A call that
     * ends on the thread that is still starting it (a call refused at once) has its successor started on the
     * run's deferred thread, so a dead target cannot grow the stack.
     */
    private static final class Slot implements StreamObserver<byte[]> {
        private final Run run;
        private final ManagedChannel channel;
        private volatile long started;
        private volatile boolean starting;

        Slot(final Run run, final ManagedChannel channel) {
            this.run = run;
            this.channel = channel;
        }

        void next() {
            final long now = System.nanoTime();
            if (now - run.end >= 0) {
                run.done.countDown();
                return;
            }
            starting = true;
            started = now;
            ClientCalls.asyncUnaryCall(channel.newCall(EchoService.UNARY,
                CallOptions.DEFAULT.withDeadlineAfter(run.settings.callTimeout().toNanos(), TimeUnit.NANOSECONDS)),
                run.payload, this);
            starting = false;
        }

        @Override
        public void onNext(final byte[] value) {
            // The echo: counted when the call completes.
        }

        @Override
        public void onCompleted() {
            final long now = System.nanoTime();
            if (started - run.measureFrom >= 0 && now - run.end < 0) {
                run.recorder.recordValue(now - started);
                run.ok.increment();
            }
            proceed();
        }

        @Override
        public void onError(final Throwable t) {
            final long now = System.nanoTime();
            if (started - run.measureFrom >= 0 && now - run.end < 0) {
                run.errors.incrementAndGet(Status.fromThrowable(t).getCode().value());
            }
            proceed();
        }

        private void proceed() {
            if (starting) {
                try {
                    run.deferred.execute(this::next);
                } catch (final RejectedExecutionException runOver) {
                    run.done.countDown();
                }
            } else {
                next();
            }
        }
    }
}
