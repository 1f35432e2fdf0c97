/**
 * Drivers: what runs the sans-IO {@link io.synack.core.engine.Engine} (DESIGN.md §3).
 *
 * <h2>The story of the package</h2>
 * <ul>
 *   <li>{@link io.synack.core.driver.StackDriver} runs one engine on one
 *       {@link io.synack.spi.Scheduler} with one {@link io.synack.spi.Transport}. Every input
 *       (a datagram, a timer, a user call) runs on the scheduler's thread and is followed by one
 *       drain of the engine's outputs in its fixed order: transmit, events, next deadline (one
 *       scheduler timer, re-armed only when the deadline moves earlier).</li>
 *   <li>The user API over it: {@link io.synack.core.driver.DrivenStack} ({@link io.synack.api.TcpStack}),
 *       {@code DrivenListener} ({@link io.synack.api.TcpListener}) and {@code DrivenConnection}
 *       ({@link io.synack.api.TcpConnection}), with blocking streams and
 *       {@link java.util.concurrent.CompletableFuture}s completed on the stack's thread. The accept
 *       queue stays in the engine (bounded by the backlog); readiness (readable, writable) is
 *       decided from the engine's state after every input, so no wake-up is lost.</li>
 *   <li>Two schedulers: {@link io.synack.core.driver.EventLoop}, the real-time one (one daemon
 *       thread per stack, wall clock, Netty's event-loop model), and
 *       {@link io.synack.core.driver.VirtualScheduler}, the discrete-event one (virtual time that
 *       jumps to the next deadline, FIFO among equal deadlines, a step bound against livelock).</li>
 *   <li>{@link io.synack.core.driver.Simulation}: one seed, one virtual scheduler, several stacks
 *       on one network; every secret derived from the seed, so a run replays segment for segment.</li>
 *   <li>{@link io.synack.core.driver.SegmentCodec}: the wire format seam
 *       ({@link io.synack.core.driver.WireSegmentCodec} in production).</li>
 * </ul>
 *
 * <h2>Threads</h2>
 * The engine is touched only on the scheduler's thread. User calls from another thread are handed
 * to it and waited for; calls on it run inline. Blocking calls on the scheduler's own thread would
 * wait for work only that thread can do: they throw {@link java.lang.IllegalStateException}. In
 * simulation the test thread <em>is</em> the scheduler's thread, so applications are scripted with
 * the asynchronous API and {@link io.synack.core.driver.Simulation#await} /
 * {@link io.synack.core.driver.Simulation#runUntil} (see {@link io.synack.core.driver.Simulation}).
 */
package io.synack.core.driver;
