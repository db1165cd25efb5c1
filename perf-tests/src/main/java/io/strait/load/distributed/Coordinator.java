package io.strait.load.distributed;

import io.aeron.FragmentAssembler;
import io.aeron.Image;
import io.aeron.Publication;
import io.aeron.Subscription;
import io.aeron.logbuffer.Header;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;
import org.agrona.CloseHelper;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.IdleStrategy;

/**
 * Confined to the thread that calls {@link #run()}; one run per instance. The coordinator side of a distributed run:
 * says HELLO to every agent until each is READY, sends one START with a common start instant, merges the agents'
 * INTERVALs per second and in total, waits for every DONE, ACKs them and returns the {@link RunReport}.
 */
public final class Coordinator {

    private static final long HELLO_PERIOD_MILLIS = 200;
    private static final long ACK_LINGER_MILLIS = 1_000;
    private static final long CONTROL_OFFER_TIMEOUT_MILLIS = 2_000;

    /**
     * The coordinator's settings. Immutable.
     *
     * @param agents             the agents' control endpoints, {@code host:port}
     * @param resultsEndpoint    the endpoint to bind for results, which the agents must be able to reach
     * @param args               the workload arguments sent in START
     * @param leadMillis         start instant = time of START + lead
     * @param readyTimeoutMillis how long to wait for every agent's READY
     * @param idleTimeoutMillis  an agent silent this long after the start instant has failed
     * @param runTimeoutMillis   the longest a run may take after the start instant
     */
    public record Settings(List<String> agents, String resultsEndpoint, List<String> args, long leadMillis,
            long readyTimeoutMillis, long idleTimeoutMillis, long runTimeoutMillis) {

        /** Checks the endpoints and copies the lists. */
        public Settings {
            if (agents.isEmpty()) {
                throw new IllegalArgumentException("at least one agent endpoint is needed");
            }
            agents.forEach(EmbeddedAeron::checkEndpoint);
            EmbeddedAeron.checkEndpoint(resultsEndpoint);
            agents = List.copyOf(agents);
            args = List.copyOf(args);
        }
    }

    private final Settings settings;
    private final EmbeddedAeron aeron;
    private final PrintStream log;
    private final MessageCodec codec = new MessageCodec();
    private final long runId = ThreadLocalRandom.current().nextLong(1, Long.MAX_VALUE);
    private final List<AgentState> agents = new ArrayList<>();
    private final TreeMap<Long, RunReport.Second> timeline = new TreeMap<>();
    private final Histogram merged = RunReport.newHistogram();
    private long startAt;
    private long startAtNanos;

    /** A coordinator on {@code aeron}; nothing happens until {@link #run()}. */
    public Coordinator(final Settings settings, final EmbeddedAeron aeron, final PrintStream log) {
        this.settings = settings;
        this.aeron = aeron;
        this.log = log;
    }

    /** Runs the whole protocol and returns the merged report (check {@link RunReport#ok()}). */
    public RunReport run() {
        final Subscription results = aeron.aeron().addSubscription(aeron.channel(settings.resultsEndpoint()),
                EmbeddedAeron.RESULTS_STREAM_ID);
        for (int i = 0; i < settings.agents().size(); i++) {
            final String endpoint = settings.agents().get(i);
            agents.add(new AgentState(i, endpoint, aeron.aeron().addPublication(aeron.channel(endpoint),
                    EmbeddedAeron.CONTROL_STREAM_ID)));
        }
        final FragmentAssembler assembler = new FragmentAssembler(this::onFragment);
        final IdleStrategy idle = new BackoffIdleStrategy(10, 20, TimeUnit.MICROSECONDS.toNanos(10),
                TimeUnit.MILLISECONDS.toNanos(1));
        try {
            log.println("coordinator: run " + Long.toHexString(runId) + ", results on " + settings.resultsEndpoint()
                    + ", waiting for " + agents.size() + " agent(s)");
            String error = awaitReady(results, assembler, idle);
            if (error == null) {
                error = start();
            }
            if (error == null) {
                awaitDone(results, assembler, idle);
                acknowledge(results, assembler, idle);
            } else {
                abortAll(error);
            }
            return new RunReport(runId, startAt, settings.args(), reports(), merged, timelineEntries(), error);
        } finally {
            for (final AgentState agent : agents) {
                CloseHelper.quietClose(agent.control);
            }
            CloseHelper.quietClose(results);
        }
    }

    private String awaitReady(final Subscription results, final FragmentAssembler assembler, final IdleStrategy idle) {
        final long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(settings.readyTimeoutMillis());
        long nextHello = System.nanoTime();
        while (!agents.stream().allMatch(a -> a.status != RunReport.AgentStatus.PENDING)) {
            final long now = System.nanoTime();
            if (now - deadline > 0) {
                final StringBuilder missing = new StringBuilder();
                for (final AgentState agent : agents) {
                    if (agent.status == RunReport.AgentStatus.PENDING) {
                        agent.fail(RunReport.AgentStatus.TIMED_OUT, "not READY within "
                                + settings.readyTimeoutMillis() + " ms (" + (agent.control.isConnected()
                                ? "control connected, no READY received from it on " + settings.resultsEndpoint()
                                : "nothing listening on its control endpoint") + ")");
                        missing.append(missing.length() == 0 ? "" : ", ").append("agent #").append(agent.index)
                                .append(" at ").append(agent.endpoint).append(": ").append(agent.detail);
                    }
                }
                return "agents not ready: " + missing;
            }
            if (now - nextHello >= 0) {
                nextHello = now + TimeUnit.MILLISECONDS.toNanos(HELLO_PERIOD_MILLIS);
                for (final AgentState agent : agents) {
                    if (agent.status == RunReport.AgentStatus.PENDING) {
                        final int length = codec.encode(new Message.Hello(runId, agent.index,
                                settings.resultsEndpoint()));
                        agent.control.offer(codec.buffer(), 0, length);
                    }
                }
            }
            idle.idle(results.poll(assembler, 16));
        }
        return null;
    }

    private String start() {
        startAt = System.currentTimeMillis() + settings.leadMillis();
        startAtNanos = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(settings.leadMillis());
        final int length = codec.encode(new Message.Start(runId, startAt, settings.args()));
        for (final AgentState agent : agents) {
            final String failure = EmbeddedAeron.offer(agent.control, codec.buffer(), length,
                    Math.max(settings.leadMillis(), CONTROL_OFFER_TIMEOUT_MILLIS));
            if (failure != null) {
                agent.fail(RunReport.AgentStatus.FAILED, "START not delivered: " + failure);
                return "could not START agent #" + agent.index + " at " + agent.endpoint + ": " + failure;
            }
            agent.status = RunReport.AgentStatus.RUNNING;
            agent.lastHeardNanos = System.nanoTime();
        }
        log.println("coordinator: START sent, run begins at " + startAt + " with args " + settings.args());
        return null;
    }

    private void awaitDone(final Subscription results, final FragmentAssembler assembler, final IdleStrategy idle) {
        final long runDeadline = startAtNanos + TimeUnit.MILLISECONDS.toNanos(settings.runTimeoutMillis());
        final long idleNanos = TimeUnit.MILLISECONDS.toNanos(settings.idleTimeoutMillis());
        while (agents.stream().anyMatch(a -> a.status == RunReport.AgentStatus.RUNNING)) {
            idle.idle(results.poll(assembler, 16));
            final long now = System.nanoTime();
            final boolean started = now - startAtNanos >= 0;
            for (final AgentState agent : agents) {
                if (agent.status != RunReport.AgentStatus.RUNNING) {
                    continue;
                }
                if (now - runDeadline > 0) {
                    timeOut(agent, "run not DONE within " + settings.runTimeoutMillis() + " ms of the start");
                } else if (started && now - Math.max(agent.lastHeardNanos, startAtNanos) > idleNanos) {
                    timeOut(agent, "silent for " + settings.idleTimeoutMillis() + " ms");
                }
            }
        }
    }

    private void timeOut(final AgentState agent, final String why) {
        agent.fail(RunReport.AgentStatus.TIMED_OUT, why);
        log.println("coordinator: agent #" + agent.index + " " + agent.id + " at " + agent.endpoint + ": " + why);
        final int length = codec.encode(new Message.Abort(runId, why));
        agent.control.offer(codec.buffer(), 0, length);
    }

    private void acknowledge(final Subscription results, final FragmentAssembler assembler, final IdleStrategy idle) {
        for (final AgentState agent : agents) {
            if (agent.doneReceived) {
                final int length = codec.encode(new Message.Ack(runId, agent.index));
                EmbeddedAeron.offer(agent.control, codec.buffer(), length, CONTROL_OFFER_TIMEOUT_MILLIS);
            }
        }
        // Give the ACKs a moment to leave before the driver closes: until the agents close their results streams.
        final long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(ACK_LINGER_MILLIS);
        while (System.nanoTime() - deadline < 0 && !allResultImagesEnded(results)) {
            idle.idle(results.poll(assembler, 16));
        }
    }

    private static boolean allResultImagesEnded(final Subscription results) {
        for (final Image image : results.images()) {
            if (!image.isClosed() && !image.isEndOfStream()) {
                return false;
            }
        }
        return true;
    }

    private void abortAll(final String reason) {
        log.println("coordinator: aborting: " + reason);
        final int length = codec.encode(new Message.Abort(runId, reason));
        for (final AgentState agent : agents) {
            if (agent.control.isConnected()) {
                EmbeddedAeron.offer(agent.control, codec.buffer(), length, CONTROL_OFFER_TIMEOUT_MILLIS);
            }
        }
    }

    private void onFragment(final DirectBuffer buffer, final int offset, final int length, final Header header) {
        final Message message;
        try {
            message = MessageCodec.decode(buffer, offset, length);
        } catch (final IllegalArgumentException e) {
            log.println("coordinator: dropped a malformed message: " + e.getMessage());
            return;
        }
        if (message.runId() != runId) {
            return;
        }
        if (message instanceof Message.Ready ready) {
            final AgentState agent = agent(ready.agentIndex());
            if (agent != null && agent.status == RunReport.AgentStatus.PENDING) {
                agent.status = RunReport.AgentStatus.READY;
                agent.id = ready.agentId();
                agent.workload = ready.workload();
                log.println("coordinator: agent #" + agent.index + " " + agent.id + " at " + agent.endpoint
                        + " READY (workload " + agent.workload + ")");
            }
        } else if (message instanceof Message.Interval interval) {
            final AgentState agent = agent(interval.agentIndex());
            if (agent != null && agent.status == RunReport.AgentStatus.RUNNING) {
                agent.lastHeardNanos = System.nanoTime();
                onInterval(agent, interval);
            }
        } else if (message instanceof Message.Done done) {
            final AgentState agent = agent(done.agentIndex());
            if (agent != null && agent.status == RunReport.AgentStatus.RUNNING) {
                onDone(agent, done);
            }
        }
    }

    private AgentState agent(final int index) {
        return index >= 0 && index < agents.size() ? agents.get(index) : null;
    }

    private void onInterval(final AgentState agent, final Message.Interval interval) {
        agent.intervals++;
        agent.requests += interval.requests();
        agent.errors += interval.errors();
        agent.histogram.add(interval.histogram());
        merged.add(interval.histogram());
        final long midpoint = (interval.intervalStartEpochMillis() + interval.intervalEndEpochMillis()) / 2;
        final long second = Math.floorDiv(midpoint - startAt, 1000L);
        timeline.computeIfAbsent(second, s -> new RunReport.Second(s, startAt + s * 1000))
                .add(agent.index, interval.requests(), interval.errors(), interval.histogram());
    }

    private void onDone(final AgentState agent, final Message.Done done) {
        agent.doneReceived = true;
        agent.done = done;
        if (!done.ok()) {
            agent.fail(RunReport.AgentStatus.FAILED, done.detail());
        } else if (done.intervals() != agent.intervals || done.requests() != agent.requests
                || done.errors() != agent.errors || done.count() != agent.histogram.getTotalCount()) {
            agent.fail(RunReport.AgentStatus.FAILED, "DONE totals (" + done.intervals() + " intervals, "
                    + done.requests() + " requests, " + done.errors() + " errors, " + done.count()
                    + " values) differ from the intervals received (" + agent.intervals + ", " + agent.requests
                    + ", " + agent.errors + ", " + agent.histogram.getTotalCount() + ")");
        } else {
            agent.status = RunReport.AgentStatus.DONE;
        }
        log.println("coordinator: agent #" + agent.index + " " + agent.id + " DONE: " + done.requests()
                + " requests, " + done.errors() + " errors" + (agent.detail.isEmpty() ? "" : " - " + agent.detail));
    }

    private List<RunReport.AgentResult> reports() {
        final List<RunReport.AgentResult> list = new ArrayList<>();
        for (final AgentState a : agents) {
            list.add(new RunReport.AgentResult(a.index, a.endpoint, a.id, a.workload, a.status, a.detail,
                    a.intervals, a.requests, a.errors, a.histogram, a.done));
        }
        return list;
    }

    private List<RunReport.Second> timelineEntries() {
        return new ArrayList<>(timeline.values());
    }

    /** What the coordinator knows about one agent. Confined to the coordinator's thread. */
    private static final class AgentState {
        final int index;
        final String endpoint;
        final Publication control;
        final Histogram histogram = RunReport.newHistogram();
        RunReport.AgentStatus status = RunReport.AgentStatus.PENDING;
        String id = "";
        String workload = "";
        String detail = "";
        long intervals;
        long requests;
        long errors;
        long lastHeardNanos;
        boolean doneReceived;
        Message.Done done;

        AgentState(final int index, final String endpoint, final Publication control) {
            this.index = index;
            this.endpoint = endpoint;
            this.control = control;
        }

        void fail(final RunReport.AgentStatus failedStatus, final String why) {
            status = failedStatus;
            detail = why;
        }
    }
}
