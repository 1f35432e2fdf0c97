package io.synack.core.architecture.violations.api.clean;

import jakarta.inject.Provider;
import java.util.List;

/** An API type using only the JDK and jakarta.inject. */
public interface CleanApi {
    /** @return names */
    List<String> names();

    /** @return a provider */
    Provider<int[]> buffers();
}
