package io.strait.core.stats;

/**
 * Immutable (implemented by enums such as {@link HttpStat}). Declares one stat: its Envoy-style name within its
 * scope, its kind and a one-line help text (Prometheus {@code # HELP}).
 */
public interface StatDescriptor {

    /** The name under the scope's prefix, e.g. {@code downstream_rq_total}. */
    String statName();

    /** Counter, gauge or histogram. */
    StatKind kind();

    /** One line saying what is counted. */
    String help();
}
