package io.synack.core.architecture.violations.transport.loopback;

/** A transport class depending on nothing of ours. */
public class LoopbackEndpoint {}
