package io.synack.core.architecture.violations.core;

/** A core class that uses no transport. */
public class CoreThing {}
