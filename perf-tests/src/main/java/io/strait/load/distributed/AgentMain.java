package io.strait.load.distributed;

import picocli.CommandLine;

/** Stateless. Entry point of a load agent ({@link AgentCommand}) until registered as {@code strait-load agent}. */
public final class AgentMain {

    private AgentMain() {
    }

    /** Runs {@link AgentCommand} with {@code args} and exits with its code. */
    public static void main(final String[] args) {
        System.exit(new CommandLine(new AgentCommand()).execute(args));
    }
}
