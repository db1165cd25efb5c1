package io.strait.load.distributed;

import io.aeron.FragmentAssembler;
import io.aeron.Publication;
import io.aeron.Subscription;
import io.aeron.logbuffer.Header;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;
import org.agrona.CloseHelper;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.IdleStrategy;

/**
 * Confined to the thread that calls {@link #run()} (except {@link #stop()}, thread-safe). The agent side of a
 * distributed run: listens on its control endpoint, answers a coordinator's HELLO with READY, runs
 * the {@link Workload} from the START instant on a worker thread, streams each interval and the DONE totals to the
 * coordinator's results endpoint, and then waits for the next run (or returns after one with {@code once}).
 *
 * <p>{@link #run()} is a duty-cycle loop confined to the thread that calls it; {@link #stop()} is thread-safe. The
 * worker thread only offers to the (thread-safe) results publication, with its own codec.
 */
public final class Agent {

    private static final long INTERVAL_OFFER_TIMEOUT_MILLIS = 1_000;
    private static final long DONE_OFFER_TIMEOUT_MILLIS = 5_000;

    /**
     * The agent's settings. Immutable.
     *
     * @param bind             control endpoint to bind, {@code host:port}
     * @param agentId          the name reported to the coordinator
     * @param workload         the workload's name ({@link Workloads#lookup})
     * @param extraArgs        arguments appended to the coordinator's (later occurrences usually win)
     * @param once             return after one run
     * @param ackTimeoutMillis how long to wait for the coordinator's ACK after DONE
     */
    public record Settings(String bind, String agentId, String workload, List<String> extraArgs, boolean once,
            long ackTimeoutMillis) {

        /** Checks the endpoint and copies the list. */
        public Settings {
            EmbeddedAeron.checkEndpoint(bind);
            extraArgs = List.copyOf(extraArgs);
        }
    }

    private enum Phase { IDLE, READY, RUNNING, AWAITING_ACK }

    private final Settings settings;
    private final EmbeddedAeron aeron;
    private final WorkloadFactory workloadFactory;
    private final PrintStream log;
    private final MessageCodec codec = new MessageCodec();
    private volatile boolean running = true;

    private Phase phase = Phase.IDLE;
    private long runId;
    private int agentIndex;
    private String resultsEndpoint;
    private Publication results;
    private Thread worker;
    private volatile Message.Done workerResult;
    private long ackDeadlineNanos;
    private boolean lastRunOk;
    private int completedRuns;

    /**
     * An agent on {@code aeron}; nothing happens until {@link #run()}.
     *
     * @throws IllegalArgumentException when the workload is unknown
     */
    public Agent(final Settings settings, final EmbeddedAeron aeron, final PrintStream log) {
        this.settings = settings;
        this.aeron = aeron;
        this.workloadFactory = Workloads.lookup(settings.workload());
        this.log = log;
    }

    /** Makes {@link #run()} return soon, interrupting a running workload. */
    public void stop() {
        running = false;
    }

    /**
     * Serves runs until {@link #stop()}, or until one run is over when {@link Settings#once()}.
     *
     * @return the exit code: 0, or 1 when {@code once} and the run failed or was aborted
     */
    public int run() {
        final Subscription control = aeron.aeron().addSubscription(aeron.channel(settings.bind()),
                EmbeddedAeron.CONTROL_STREAM_ID);
        final FragmentAssembler assembler = new FragmentAssembler(this::onFragment);
        final IdleStrategy idle = new BackoffIdleStrategy(10, 20, TimeUnit.MICROSECONDS.toNanos(10),
                TimeUnit.MILLISECONDS.toNanos(1));
        log.println("agent " + settings.agentId() + ": listening on " + settings.bind() + " (workload "
                + settings.workload() + ")");
        try {
            while (running) {
                int work = control.poll(assembler, 16);
                work += checkWorker();
                if (settings.once() && completedRuns > 0 && phase == Phase.IDLE) {
                    return lastRunOk ? 0 : 1;
                }
                idle.idle(work);
            }
            return 0;
        } finally {
            final Thread w = worker;
            if (w != null) {
                w.interrupt();
                joinQuietly(w);
            }
            CloseHelper.closeAll(results, control);
        }
    }

    private int checkWorker() {
        if (phase == Phase.RUNNING && workerResult != null) {
            joinQuietly(worker);
            worker = null;
            final Message.Done done = workerResult;
            lastRunOk = done.ok();
            phase = Phase.AWAITING_ACK;
            ackDeadlineNanos = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(settings.ackTimeoutMillis());
            log.println("agent " + settings.agentId() + ": run " + Long.toHexString(runId) + " done: "
                    + done.requests() + " requests, " + done.errors() + " errors, " + done.intervals() + " intervals"
                    + (done.ok() ? "" : ", FAILED: " + done.detail()));
            return 1;
        }
        if (phase == Phase.AWAITING_ACK && System.nanoTime() - ackDeadlineNanos > 0) {
            log.println("agent " + settings.agentId() + ": no ACK from the coordinator within "
                    + settings.ackTimeoutMillis() + " ms; its results may be incomplete");
            finishRun();
            return 1;
        }
        return 0;
    }

    private void finishRun() {
        phase = Phase.IDLE;
        workerResult = null;
        completedRuns++;
    }

    private void onFragment(final DirectBuffer buffer, final int offset, final int length, final Header header) {
        final Message message;
        try {
            message = MessageCodec.decode(buffer, offset, length);
        } catch (final IllegalArgumentException e) {
            log.println("agent " + settings.agentId() + ": dropped a malformed message: " + e.getMessage());
            return;
        }
        if (message instanceof Message.Hello hello) {
            onHello(hello);
        } else if (message instanceof Message.Start start) {
            onStart(start);
        } else if (message instanceof Message.Ack ack) {
            if (ack.runId() == runId && phase == Phase.AWAITING_ACK) {
                finishRun();
            }
        } else if (message instanceof Message.Abort abort) {
            onAbort(abort);
        }
    }

    private void onHello(final Message.Hello hello) {
        if ((phase == Phase.RUNNING || phase == Phase.AWAITING_ACK) && hello.runId() != runId) {
            log.println("agent " + settings.agentId() + ": busy with run " + Long.toHexString(runId)
                    + ", ignoring HELLO for run " + Long.toHexString(hello.runId()));
            return;
        }
        if (results == null || !hello.resultsEndpoint().equals(resultsEndpoint)) {
            CloseHelper.close(results);
            resultsEndpoint = EmbeddedAeron.checkEndpoint(hello.resultsEndpoint());
            results = aeron.aeron().addPublication(aeron.channel(resultsEndpoint), EmbeddedAeron.RESULTS_STREAM_ID);
        }
        if (hello.runId() != runId) {
            log.println("agent " + settings.agentId() + ": HELLO for run " + Long.toHexString(hello.runId())
                    + ", results to " + resultsEndpoint);
        }
        runId = hello.runId();
        agentIndex = hello.agentIndex();
        if (phase == Phase.IDLE) {
            phase = Phase.READY;
        }
        // One attempt: until the results publication is connected this fails, and the coordinator repeats HELLO.
        final int length = codec.encode(new Message.Ready(runId, agentIndex, settings.agentId(), settings.workload()));
        results.offer(codec.buffer(), 0, length);
    }

    private void onStart(final Message.Start start) {
        if (start.runId() != runId || phase != Phase.READY) {
            return;
        }
        phase = Phase.RUNNING;
        final List<String> args = new ArrayList<>(start.args());
        args.addAll(settings.extraArgs());
        final long lateBy = System.currentTimeMillis() - start.startAtEpochMillis();
        log.println("agent " + settings.agentId() + ": START run " + Long.toHexString(runId) + " at "
                + start.startAtEpochMillis() + (lateBy > 0 ? " (received " + lateBy + " ms late)" : "") + ", args "
                + args);
        final Workload workload = workloadFactory.create();
        final WorkerTask task = new WorkerTask(runId, agentIndex, results, workload, args, start.startAtEpochMillis());
        worker = new Thread(task, "strait-load-workload");
        worker.setDaemon(true);
        worker.start();
    }

    private void onAbort(final Message.Abort abort) {
        if (abort.runId() != runId) {
            return;
        }
        log.println("agent " + settings.agentId() + ": ABORT run " + Long.toHexString(runId) + ": " + abort.reason());
        if (phase == Phase.RUNNING) {
            worker.interrupt();
        } else if (phase == Phase.READY) {
            lastRunOk = false;
            finishRun();
        }
    }

    private static void joinQuietly(final Thread thread) {
        try {
            thread.join(TimeUnit.SECONDS.toMillis(10));
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Runs one workload and streams its intervals; confined to the worker thread. */
    private final class WorkerTask implements Runnable, IntervalSink {
        private final long taskRunId;
        private final int taskAgentIndex;
        private final Publication publication;
        private final Workload workload;
        private final List<String> args;
        private final long startAt;
        private final MessageCodec workerCodec = new MessageCodec();
        private long intervals;
        private long requests;
        private long errors;
        private long count;
        private String lost;

        WorkerTask(final long runId, final int agentIndex, final Publication publication, final Workload workload,
                final List<String> args, final long startAt) {
            this.taskRunId = runId;
            this.taskAgentIndex = agentIndex;
            this.publication = publication;
            this.workload = workload;
            this.args = args;
            this.startAt = startAt;
        }

        @Override
        public void run() {
            String failure = null;
            try {
                workload.run(args, startAt, this);
                if (Thread.currentThread().isInterrupted() || !running) {
                    failure = "aborted";
                }
            } catch (final InterruptedException e) {
                failure = "aborted";
            } catch (final Exception | Error e) {
                failure = "workload failed: " + e;
                e.printStackTrace(log);
            }
            if (failure == null && lost != null) {
                failure = "results lost: " + lost;
            }
            final Message.Done done = new Message.Done(taskRunId, taskAgentIndex, intervals, requests, errors, count,
                    failure == null, failure == null ? "" : failure);
            final String offerFailure = EmbeddedAeron.offer(publication, workerCodec.buffer(),
                    workerCodec.encode(done), DONE_OFFER_TIMEOUT_MILLIS);
            if (offerFailure != null) {
                log.println("agent " + settings.agentId() + ": could not send DONE: " + offerFailure);
            }
            workerResult = offerFailure == null ? done : new Message.Done(taskRunId, taskAgentIndex, intervals,
                    requests, errors, count, false, "DONE not delivered: " + offerFailure);
        }

        @Override
        public void onInterval(final long intervalStartEpochMillis, final long intervalEndEpochMillis,
                final Histogram corrected, final long intervalRequests, final long intervalErrors) {
            if (lost != null) {
                return;
            }
            final int length = workerCodec.encode(new Message.Interval(taskRunId, taskAgentIndex,
                    intervalStartEpochMillis, intervalEndEpochMillis, intervalRequests, intervalErrors, corrected));
            final String failure = EmbeddedAeron.offer(publication, workerCodec.buffer(), length,
                    INTERVAL_OFFER_TIMEOUT_MILLIS);
            if (failure != null) {
                lost = failure;
                log.println("agent " + settings.agentId() + ": stopped streaming intervals: " + failure);
                return;
            }
            intervals++;
            requests += intervalRequests;
            errors += intervalErrors;
            count += corrected.getTotalCount();
        }
    }
}
