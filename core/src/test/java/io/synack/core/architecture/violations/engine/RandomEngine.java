package io.synack.core.architecture.violations.engine;

import java.util.Random;

/** Seeds itself from the clock instead of taking randomness in. */
public class RandomEngine {
    /** @return an initial sequence number */
    public int iss() {
        return new Random().nextInt();
    }
}
