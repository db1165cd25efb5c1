package io.strait.core.exchange;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The route and stream idle deadlines with explicit clock readings. */
class ExchangeDeadlinesTest {

    private static final long MS = 1_000_000L;

    @Test
    void routeTimeoutRunsFromTheRequestsStart() {
        final ExchangeDeadlines d = new ExchangeDeadlines(0);
        d.start(1000 * MS);
        d.route(1000 * MS, 250);
        assertThat(d.next(0)).isEqualTo(1250 * MS);
        assertThat(d.routeDue(1250 * MS - 1)).isFalse();
        assertThat(d.routeDue(1250 * MS)).isTrue();
        assertThat(d.routeDue(1300 * MS)).as("cleared once due").isFalse();
        assertThat(d.next(0)).isZero();
    }

    @Test
    void activityMovesTheIdleDeadlineOnePeriodOnFromTheCheck() {
        final ExchangeDeadlines d = new ExchangeDeadlines(100 * MS);
        d.start(0);
        assertThat(d.next(0)).isEqualTo(100 * MS);
        d.activity();
        assertThat(d.streamIdleDue(100 * MS)).isFalse();
        assertThat(d.next(0)).isEqualTo(200 * MS);
        assertThat(d.streamIdleDue(199 * MS)).isFalse();
        assertThat(d.streamIdleDue(200 * MS)).as("a whole period without activity").isTrue();
        assertThat(d.next(0)).isZero();
    }

    @Test
    void activityBeforeTheRequestDoesNotCountAndTheEarliestDeadlineWins() {
        final ExchangeDeadlines d = new ExchangeDeadlines(100 * MS);
        d.activity();
        d.start(0);
        d.route(0, 50);
        assertThat(d.next(70 * MS)).isEqualTo(50 * MS);
        assertThat(d.next(30 * MS)).isEqualTo(30 * MS);
        assertThat(d.streamIdleDue(100 * MS)).isTrue();
        d.clear();
        assertThat(d.next(0)).isZero();
    }

    @Test
    void aHugeRequestTimeoutDoesNotOverflowTheClock() {
        final ExchangeDeadlines d = new ExchangeDeadlines(0);
        final long now = Long.MAX_VALUE - 5 * MS;   // nanoTime readings may be anywhere, even near the top
        d.start(now);
        d.timeout(now, Long.MAX_VALUE);
        assertThat(d.routeDue(now + 10 * MS)).isFalse();
        assertThat(d.next(0) - now).isPositive();
    }
}
