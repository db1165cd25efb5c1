package io.strait.core.stats;

/**
 * Immutable. The overload manager's stats, under the scope {@code overload.} (Envoy's names where it has one:
 * {@code overload.<action>.active}, {@code overload.<resource>.pressure}): what each action did, whether it is in
 * force, and each monitored resource's pressure in percent of its budget. Counters, then gauges, each block sorted by
 * name. The event loops write the counters of what they refused; the overload sampler thread writes the gauges and
 * the reset counter through the control slot.
 */
public enum OverloadStat implements StatDescriptor {

    /** Connections whose keep-alive was turned off: HTTP/1.1 closed after the response, HTTP/2 sent GOAWAY. */
    DISABLE_KEEPALIVE_TOTAL("disable_keepalive.total", StatKind.COUNTER,
        "Connections closed after their response (HTTP/1.1) or sent GOAWAY (HTTP/2) under overload"),
    /** Downstream connections closed because they held the most buffered bytes under memory pressure. */
    RESET_STREAMS_TOTAL("reset_streams.total", StatKind.COUNTER,
        "Connections reset under overload for holding the most buffered bytes"),
    /** Requests answered 503 overloaded. */
    SHED_REQUESTS_TOTAL("shed_requests.total", StatKind.COUNTER, "Requests answered 503 overloaded"),
    /** Accepted connections closed at once. */
    STOP_ACCEPTING_CONNECTIONS_TOTAL("stop_accepting_connections.total", StatKind.COUNTER,
        "Connections refused under overload"),

    /** Open downstream connections, percent of the connections budget. */
    CONNECTIONS_PRESSURE("connections.pressure", StatKind.GAUGE, "Downstream connections, percent of the budget"),
    /** Direct memory held by live buffers, percent of the budget. */
    DIRECT_MEMORY_PRESSURE("direct_memory.pressure", StatKind.GAUGE, "Direct memory in use, percent of the budget"),
    /** 1 while keep-alive is disabled. */
    DISABLE_KEEPALIVE_ACTIVE("disable_keepalive.active", StatKind.GAUGE, "1 while keep-alive is disabled"),
    /** Open file descriptors, percent of the budget. */
    FILE_DESCRIPTORS_PRESSURE("file_descriptors.pressure", StatKind.GAUGE,
        "Open file descriptors, percent of the budget"),
    /** The old generation in use, percent of the budget. */
    HEAP_PRESSURE("heap.pressure", StatKind.GAUGE, "Old generation in use, percent of the budget"),
    /** 1 while the most-buffered connections are being reset. */
    RESET_STREAMS_ACTIVE("reset_streams.active", StatKind.GAUGE, "1 while the most-buffered connections are reset"),
    /** Percent of new requests shed: 100 for an all-or-nothing trigger, 1..100 for a scaled one; 0 when off. */
    SHED_REQUESTS_ACTIVE("shed_requests.active", StatKind.GAUGE, "Percent of new requests shed (0: none)"),
    /** 1 while new connections are refused. */
    STOP_ACCEPTING_CONNECTIONS_ACTIVE("stop_accepting_connections.active", StatKind.GAUGE,
        "1 while new connections are refused");

    private final String statName;
    private final StatKind kind;
    private final String help;

    OverloadStat(final String statName, final StatKind kind, final String help) {
        this.statName = statName;
        this.kind = kind;
        this.help = help;
    }

    @Override
    public String statName() {
        return statName;
    }

    @Override
    public StatKind kind() {
        return kind;
    }

    @Override
    public String help() {
        return help;
    }
}
