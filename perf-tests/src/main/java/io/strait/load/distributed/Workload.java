package io.strait.load.distributed;

import java.util.List;

/**
 * Confined to the thread that calls {@link #run}, where it executes entirely. What an agent runs: given the arguments
 * from the coordinator and the common start instant, produces interval histograms.
 *
 * <p>An agent interrupts the running thread when the coordinator aborts the run; implementations that wait should let
 * {@link InterruptedException} escape (or return promptly when interrupted).
 */
public interface Workload {

    /**
     * Runs to completion on the calling thread; calls {@code sink} every interval; returns when done.
     *
     * @param args               the workload's arguments: the coordinator's, followed by the agent's own extra ones
     * @param startAtEpochMillis the instant (wall clock, epoch milliseconds) at which every agent starts
     * @param sink               receives each interval's snapshot, on the calling thread
     * @throws Exception when the workload cannot run or fails; the agent reports it to the coordinator
     */
    void run(List<String> args, long startAtEpochMillis, IntervalSink sink) throws Exception;
}
