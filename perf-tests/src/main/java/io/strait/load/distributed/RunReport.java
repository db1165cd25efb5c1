package io.strait.load.distributed;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.BitSet;
import java.util.List;
import java.util.Locale;
import org.HdrHistogram.Histogram;

/**
 * Immutable once the coordinator returns it. The merged result of a distributed run: per-agent totals, the merged
 * histogram and the per-second timeline, with writers for the JSON report and the {@code .hgrm} percentile
 * distribution.
 */
public final class RunReport {

    /** Where an agent got to. */
    public enum AgentStatus {
        /** No READY yet. */
        PENDING,
        /** READY, not yet started. */
        READY,
        /** STARTed, no DONE yet. */
        RUNNING,
        /** DONE, and its totals match the intervals received. */
        DONE,
        /** Its workload failed, it reported failure, or its DONE totals differ from what was received. */
        FAILED,
        /** Not READY in time, silent too long, or not DONE in time. */
        TIMED_OUT
    }

    /**
     * One agent's part. Immutable.
     *
     * @param index     position in the coordinator's {@code --agent} list
     * @param endpoint  its control endpoint
     * @param id        its name (from READY), empty when it never answered
     * @param workload  its workload name (from READY)
     * @param status    where it got to
     * @param detail    empty, or why it failed
     * @param intervals intervals received
     * @param requests  requests summed over the intervals received
     * @param errors    errors summed over the intervals received
     * @param histogram the merge of its intervals
     * @param done      its DONE message, or null
     */
    public record AgentResult(int index, String endpoint, String id, String workload, AgentStatus status,
            String detail, long intervals, long requests, long errors, Histogram histogram, Message.Done done) {
    }

    /** One second of the timeline, merged across agents. Confined to the coordinator while filled, then immutable. */
    public static final class Second {
        private final long second;
        private final long startEpochMillis;
        private final BitSet agents = new BitSet();
        private final Histogram histogram = newHistogram();
        private long requests;
        private long errors;

        Second(final long second, final long startEpochMillis) {
            this.second = second;
            this.startEpochMillis = startEpochMillis;
        }

        void add(final int agentIndex, final long intervalRequests, final long intervalErrors, final Histogram h) {
            agents.set(agentIndex);
            requests += intervalRequests;
            errors += intervalErrors;
            histogram.add(h);
        }

        /** Seconds since the start instant (intervals are placed by their midpoint). */
        public long second() {
            return second;
        }

        /** The second's start, epoch milliseconds. */
        public long startEpochMillis() {
            return startEpochMillis;
        }

        /** How many agents contributed an interval. */
        public int agents() {
            return agents.cardinality();
        }

        /** Requests in the second, all agents. */
        public long requests() {
            return requests;
        }

        /** Errors in the second, all agents. */
        public long errors() {
            return errors;
        }

        /** The merged histogram of the second. */
        public Histogram histogram() {
            return histogram;
        }
    }

    private final long runId;
    private final long startAtEpochMillis;
    private final List<String> args;
    private final List<AgentResult> agents;
    private final Histogram merged;
    private final List<Second> timeline;
    private final String error;

    RunReport(final long runId, final long startAtEpochMillis, final List<String> args, final List<AgentResult> agents,
            final Histogram merged, final List<Second> timeline, final String error) {
        this.runId = runId;
        this.startAtEpochMillis = startAtEpochMillis;
        this.args = List.copyOf(args);
        this.agents = List.copyOf(agents);
        this.merged = merged;
        this.timeline = List.copyOf(timeline);
        this.error = error;
    }

    static Histogram newHistogram() {
        return new Histogram(3);
    }

    /** True when every agent is {@link AgentStatus#DONE} and nothing went wrong. */
    public boolean ok() {
        return error == null && agents.stream().allMatch(a -> a.status() == AgentStatus.DONE);
    }

    /** Null, or what stopped the run before it started (e.g. the agents that were not READY). */
    public String error() {
        return error;
    }

    /** The run's id. */
    public long runId() {
        return runId;
    }

    /** The common start instant, epoch milliseconds (0 when never started). */
    public long startAtEpochMillis() {
        return startAtEpochMillis;
    }

    /** Per-agent results, in {@code --agent} order. */
    public List<AgentResult> agents() {
        return agents;
    }

    /** The merge of every interval of every agent. */
    public Histogram merged() {
        return merged;
    }

    /** The per-second timeline, in order. */
    public List<Second> timeline() {
        return timeline;
    }

    /** Requests over all agents. */
    public long requests() {
        return agents.stream().mapToLong(AgentResult::requests).sum();
    }

    /** Errors over all agents. */
    public long errors() {
        return agents.stream().mapToLong(AgentResult::errors).sum();
    }

    /** Writes the JSON report to {@code file}. */
    public void writeJson(final Path file, final String valueUnit) throws IOException {
        final StringBuilder j = new StringBuilder(4096);
        j.append("{\n  \"runId\": \"").append(Long.toHexString(runId)).append("\",\n");
        j.append("  \"ok\": ").append(ok()).append(",\n");
        j.append("  \"error\": ").append(error == null ? "null" : quote(error)).append(",\n");
        j.append("  \"startAtEpochMillis\": ").append(startAtEpochMillis).append(",\n");
        j.append("  \"args\": [");
        for (int i = 0; i < args.size(); i++) {
            j.append(i == 0 ? "" : ", ").append(quote(args.get(i)));
        }
        j.append("],\n  \"valueUnit\": ").append(quote(valueUnit)).append(",\n  \"agents\": [\n");
        for (int i = 0; i < agents.size(); i++) {
            final AgentResult a = agents.get(i);
            j.append("    {\"index\": ").append(a.index()).append(", \"endpoint\": ").append(quote(a.endpoint()))
                    .append(", \"id\": ").append(quote(a.id())).append(", \"workload\": ").append(quote(a.workload()))
                    .append(", \"status\": ").append(quote(a.status().name())).append(", \"detail\": ")
                    .append(quote(a.detail())).append(", \"intervals\": ").append(a.intervals()).append(", ");
            totals(j, a.requests(), a.errors(), a.histogram());
            j.append('}').append(i == agents.size() - 1 ? "\n" : ",\n");
        }
        j.append("  ],\n  \"merged\": {");
        totals(j, requests(), errors(), merged);
        j.append("},\n  \"timeline\": [\n");
        for (int i = 0; i < timeline.size(); i++) {
            final Second s = timeline.get(i);
            j.append("    {\"second\": ").append(s.second()).append(", \"startEpochMillis\": ")
                    .append(s.startEpochMillis()).append(", \"agents\": ").append(s.agents()).append(", ");
            totals(j, s.requests(), s.errors(), s.histogram());
            j.append('}').append(i == timeline.size() - 1 ? "\n" : ",\n");
        }
        j.append("  ]\n}\n");
        Files.writeString(file, j, StandardCharsets.UTF_8);
    }

    private static void totals(final StringBuilder j, final long requests, final long errors, final Histogram h) {
        j.append("\"requests\": ").append(requests).append(", \"errors\": ").append(errors)
                .append(", \"count\": ").append(h.getTotalCount());
        if (h.getTotalCount() > 0) {
            j.append(", \"min\": ").append(h.getMinValue())
                    .append(", \"mean\": ").append(String.format(Locale.ROOT, "%.1f", h.getMean()))
                    .append(", \"p50\": ").append(h.getValueAtPercentile(50))
                    .append(", \"p90\": ").append(h.getValueAtPercentile(90))
                    .append(", \"p99\": ").append(h.getValueAtPercentile(99))
                    .append(", \"p999\": ").append(h.getValueAtPercentile(99.9))
                    .append(", \"max\": ").append(h.getMaxValue());
        }
    }

    private static String quote(final String s) {
        final StringBuilder q = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            final char c = s.charAt(i);
            switch (c) {
                case '"' -> q.append("\\\"");
                case '\\' -> q.append("\\\\");
                case '\n' -> q.append("\\n");
                case '\r' -> q.append("\\r");
                case '\t' -> q.append("\\t");
                default -> {
                    if (c < 0x20) {
                        q.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
                    } else {
                        q.append(c);
                    }
                }
            }
        }
        return q.append('"').toString();
    }

    /** Writes the merged histogram's percentile distribution ({@code .hgrm}, values as recorded) to {@code file}. */
    public void writeHgrm(final Path file) throws IOException {
        try (PrintStream out = new PrintStream(Files.newOutputStream(file), false, StandardCharsets.UTF_8)) {
            merged.outputPercentileDistribution(out, 1.0);
        }
    }

    /** A human-readable summary: one line per agent, the merged totals and percentiles. */
    public String summary(final String valueUnit) {
        final StringBuilder s = new StringBuilder(512);
        s.append(String.format(Locale.ROOT, "run %s: %s%n", Long.toHexString(runId),
                ok() ? "OK" : "FAILED" + (error == null ? "" : " - " + error)));
        for (final AgentResult a : agents) {
            s.append(String.format(Locale.ROOT, "  agent #%d %-24s %-9s %3d intervals %12d requests %8d errors%s%n",
                    a.index(), a.id().isEmpty() ? a.endpoint() : a.id(), a.status(), a.intervals(), a.requests(),
                    a.errors(), a.detail().isEmpty() ? "" : "  " + a.detail()));
        }
        s.append(String.format(Locale.ROOT, "  merged: %d requests, %d errors, %d values over %d seconds%n",
                requests(), errors(), merged.getTotalCount(), timeline.size()));
        if (merged.getTotalCount() > 0) {
            s.append(String.format(Locale.ROOT, "  latency (%s): p50 %d  p90 %d  p99 %d  p99.9 %d  max %d%n", valueUnit,
                    merged.getValueAtPercentile(50), merged.getValueAtPercentile(90),
                    merged.getValueAtPercentile(99), merged.getValueAtPercentile(99.9), merged.getMaxValue()));
        }
        return s.toString();
    }
}
