package io.synack.core.architecture.violations.api;

import com.google.inject.Injector;

/** An API type that exposes a Guice type. */
public interface LeakyApi {
    /** @return the injector */
    Injector injector();
}
