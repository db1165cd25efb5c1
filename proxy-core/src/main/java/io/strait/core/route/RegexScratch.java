package io.strait.core.route;

import com.google.re2j.Matcher;
import com.google.re2j.Pattern;
import io.netty.util.concurrent.FastThreadLocal;

/**
 * Per-thread state for matching the compiled (shared, immutable) {@link Pattern}s of a route table: a reusable
 * {@link ByteChars} view and a small direct-mapped cache of re2j {@link Matcher}s, so a regex match allocates neither
 * a view nor a matcher in the common case. Confined to its thread (one instance per thread through a single static
 * {@link FastThreadLocal}, so a config reload creates no new thread-local slots).
 *
 * <p>The cache is keyed by pattern identity: a miss (first use on this thread, or two patterns in one slot) builds a
 * new {@code Matcher} and replaces the slot. Entries of an old configuration's patterns are dropped as slots are
 * reused; at most {@link #SLOTS} matchers are kept per thread. A kept matcher references only its last input: this
 * thread's view (whose source the caller clears after matching) or an added header's value.
 *
 * <p>What re2j 1.8 still allocates per match, and no API avoids: a small input wrapper on {@code reset} and one in
 * the match, and the two-int match bounds.
 */
final class RegexScratch {

    /** Slots in the matcher cache (a power of two). */
    static final int SLOTS = 32;

    private static final FastThreadLocal<RegexScratch> SCRATCH = new FastThreadLocal<>() {
        @Override
        protected RegexScratch initialValue() {
            return new RegexScratch();
        }
    };

    private final ByteChars chars = new ByteChars();
    private final Pattern[] patterns = new Pattern[SLOTS];
    private final Matcher[] matchers = new Matcher[SLOTS];

    private RegexScratch() {
    }

    /** This thread's scratch. */
    static RegexScratch get() {
        return SCRATCH.get();
    }

    /** This thread's reusable view; re-point it with {@link ByteChars#path} or {@link ByteChars#buf}. */
    ByteChars chars() {
        return chars;
    }

    /**
     * True if all of {@code input} matches {@code pattern} (anchored at both ends, like {@code Matcher.matches()}).
     * Linear in the input's length whatever the pattern (RE2 semantics: no backtracking).
     */
    boolean matches(final Pattern pattern, final CharSequence input) {
        final int slot = System.identityHashCode(pattern) & (SLOTS - 1);
        Matcher m = matchers[slot];
        if (patterns[slot] != pattern) {
            m = pattern.matcher(input);
            patterns[slot] = pattern;
            matchers[slot] = m;
        } else {
            m.reset(input);
        }
        return m.matches();
    }
}
