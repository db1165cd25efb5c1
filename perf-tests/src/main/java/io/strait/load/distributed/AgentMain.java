package io.strait.load.distributed;

import picocli.CommandLine;

/** Entry point of a load agent ({@link AgentCommand}) until it is registered as {@code strait-load agent}. Stateless. */
public final class AgentMain {

    private AgentMain() {
    }

    /** Runs {@link AgentCommand} with {@code args} and exits with its code. */
    public static void main(final String[] args) {
        System.exit(new CommandLine(new AgentCommand()).execute(args));
    }
}
