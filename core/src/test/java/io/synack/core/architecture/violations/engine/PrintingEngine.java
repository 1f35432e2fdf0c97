package io.synack.core.architecture.violations.engine;

/** Prints to standard output: I/O (logging goes through SLF4J). */
public class PrintingEngine {
    /** @param state the state entered */
    public void entered(String state) {
        System.out.println(state);
    }
}
