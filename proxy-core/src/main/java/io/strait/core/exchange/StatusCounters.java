package io.strait.core.exchange;

import io.strait.core.stats.ClusterStat;
import io.strait.core.stats.HttpStat;
import io.strait.core.stats.LoopStats;

/**
 * The per-status-class counters of an exchange's responses, downstream and upstream, and the counters of requests
 * the codec refused. Stateless, thread-safe; the stats it writes are the caller's loop's.
 */
final class StatusCounters {

    private static final HttpStat[] DOWNSTREAM_BY_CLASS = {HttpStat.DOWNSTREAM_RQ_1XX, HttpStat.DOWNSTREAM_RQ_2XX,
        HttpStat.DOWNSTREAM_RQ_3XX, HttpStat.DOWNSTREAM_RQ_4XX, HttpStat.DOWNSTREAM_RQ_5XX};
    /** Final responses only: informational heads are never counted, so the 1xx slot is never used. */
    private static final ClusterStat[] UPSTREAM_BY_CLASS = {ClusterStat.UPSTREAM_RQ_5XX, ClusterStat.UPSTREAM_RQ_2XX,
        ClusterStat.UPSTREAM_RQ_3XX, ClusterStat.UPSTREAM_RQ_4XX, ClusterStat.UPSTREAM_RQ_5XX};

    private StatusCounters() {
    }

    /** Counts a response sent downstream. */
    static void downstream(final LoopStats<HttpStat> stats, final int status) {
        stats.inc(DOWNSTREAM_BY_CLASS[statusClass(status)]);
    }

    /** Counts a final response head received from an upstream. */
    static void upstream(final LoopStats<ClusterStat> stats, final int status) {
        stats.inc(UPSTREAM_BY_CLASS[statusClass(status)]);
    }

    /** Counts a request the codec refused with {@code status}. */
    static void decodeError(final LoopStats<HttpStat> stats, final int status) {
        switch (status) {
            case 408:
                stats.inc(HttpStat.DOWNSTREAM_RQ_HEADER_TIMEOUT);
                break;
            case 413:
                stats.inc(HttpStat.DOWNSTREAM_RQ_TOO_LARGE);
                break;
            case 414:
            case 431:
                stats.inc(HttpStat.DOWNSTREAM_RQ_HEADERS_TOO_LARGE);
                break;
            default:
                stats.inc(HttpStat.DOWNSTREAM_CX_PROTOCOL_ERROR);
                break;
        }
    }

    /** 0 for 1xx ... 4 for 5xx; anything out of range counts as 5xx. */
    private static int statusClass(final int status) {
        final int c = status / 100 - 1;
        return c >= 0 && c <= 4 ? c : 4;
    }
}
