package io.strait.load.distributed;

import java.util.List;
import org.HdrHistogram.Histogram;

/**
 * Immutable (an {@link Interval}'s histogram must not be modified once the message is built). The messages of the
 * distributed protocol; {@link MessageCodec} encodes and decodes them.
 *
 * <pre>
 *   coordinator                                   agent (one per --agent)
 *       | --- HELLO(run, index, results endpoint) ---> |   repeated until READY
 *       | &lt;-- READY(run, index, agent id) ------------ |
 *       | --- START(run, start-at, args) ------------> |   all agents get the same start-at
 *       | &lt;-- INTERVAL(run, index, histogram, ...) --- |   every interval
 *       | &lt;-- DONE(run, index, totals, ok, message) -- |
 *       | --- ACK(run) ------------------------------> |   the agent may exit (--once)
 *       | --- ABORT(run, reason) --------------------> |   at any time: the agent stops the workload
 * </pre>
 */
public sealed interface Message {

    /** The run this message belongs to (chosen at random by the coordinator). */
    long runId();

    /**
     * Coordinator → agent: asks the agent to get ready for a run and to send its results to {@code resultsEndpoint}.
     *
     * @param runId           the run
     * @param agentIndex      the agent's position in the coordinator's list, echoed in every reply
     * @param resultsEndpoint the coordinator's results endpoint, {@code host:port}
     */
    record Hello(long runId, int agentIndex, String resultsEndpoint) implements Message {
    }

    /**
     * Agent → coordinator: the agent is connected and idle.
     *
     * @param runId      the run
     * @param agentIndex from the HELLO
     * @param agentId    the agent's name, for reports
     * @param workload   the agent's workload name
     */
    record Ready(long runId, int agentIndex, String agentId, String workload) implements Message {
    }

    /**
     * Coordinator → agent: run the workload from {@code startAtEpochMillis} with {@code args}.
     *
     * @param runId              the run
     * @param startAtEpochMillis the common start instant
     * @param args               the workload arguments
     */
    record Start(long runId, long startAtEpochMillis, List<String> args) implements Message {

        /** Copies {@code args}. */
        public Start {
            args = List.copyOf(args);
        }
    }

    /**
     * Agent → coordinator: one interval's snapshot.
     *
     * @param runId                    the run
     * @param agentIndex               the agent
     * @param intervalStartEpochMillis the interval's start
     * @param intervalEndEpochMillis   the interval's end
     * @param requests                 requests completed in the interval
     * @param errors                   errors in the interval
     * @param histogram                the interval's latencies
     */
    record Interval(long runId, int agentIndex, long intervalStartEpochMillis, long intervalEndEpochMillis,
            long requests, long errors, Histogram histogram) implements Message {
    }

    /**
     * Agent → coordinator: the workload finished (or failed); the totals over every interval it sent.
     *
     * @param runId      the run
     * @param agentIndex the agent
     * @param intervals  intervals sent
     * @param requests   total requests
     * @param errors     total errors
     * @param count      total values recorded in the histograms sent
     * @param ok         whether the workload completed normally
     * @param detail     empty, or why it failed
     */
    record Done(long runId, int agentIndex, long intervals, long requests, long errors, long count, boolean ok,
            String detail) implements Message {
    }

    /**
     * Coordinator → agent: the DONE was received; the agent's part of the run is over.
     *
     * @param runId      the run
     * @param agentIndex the agent
     */
    record Ack(long runId, int agentIndex) implements Message {
    }

    /**
     * Coordinator → agent: stop the run now.
     *
     * @param runId  the run
     * @param reason why
     */
    record Abort(long runId, String reason) implements Message {
    }
}
