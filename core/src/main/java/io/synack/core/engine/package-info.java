/**
 * The sans-IO TCP engine (DESIGN.md §3): {@link io.synack.core.engine.Engine} is the contract with
 * the drivers; {@link io.synack.core.engine.TcpEngine} implements RFC 9293 connection management
 * on it.
 *
 * <p>How the package tells the story:
 * <ul>
 *   <li>{@code TcpEngine} — the transition functions: SEGMENT ARRIVES per state (§3.10.7), timeouts
 *       (§3.10.8), user calls (§3.10.1-6), output; every state change through one {@code setState}.</li>
 *   <li>{@code Tcb} — the Transmission Control Block with the RFC's variable names;
 *       {@code ByteRing} its lazily grown send and receive buffers; {@code RttEstimator} RFC 6298.</li>
 *   <li>The receive side: {@code OptionNegotiation} (RFC 7323 window scale and timestamps, RFC 2018
 *       SACK-permitted, negotiated in the handshake), {@code OutOfOrderRanges} (text held right of
 *       RCV.NXT in the receive ring, and the SACK blocks reporting it), {@code ReceiveWindow}
 *       (RCV.WND with receiver SWS avoidance and a right edge that never moves left) and
 *       {@code DelayedAck} (Linux's delayed and quick ACKs).</li>
 *   <li>The send side: {@code CongestionControl} (the interface an algorithm implements, chosen by
 *       {@code synack.tcp.congestion-control}) and {@code NewReno} (RFC 5681, RFC 6582, RFC 6928
 *       initial window, restart after idle); {@code SackScoreboard} (what the peer SACKed, RFC 6675
 *       pipe and IsLost, so recovery and go-back after a timeout resend only the holes);
 *       {@code Paws} (RFC 7323 PAWS and RTTM, RFC 6191 TIME-WAIT reopen); {@code SenderOptions}
 *       (congestion control and keepalive settings). Loss detection (duplicate ACKs, early
 *       retransmit, tail loss probe, Eifel undo), zero-window probing and keepalive are transition
 *       steps and timers in {@code TcpEngine}.</li>
 *   <li>{@code TimeWaitTable} — TIME-WAIT in a compact form of its own (no TCB, no buffers).</li>
 *   <li>{@code Listener} — LISTEN with its SYN queue and accept queue bounded by the backlog.</li>
 *   <li>{@code TimerService} — an Agrona timer wheel, one timer per TCB or TIME-WAIT entry.</li>
 *   <li>{@code IsnGenerator}/{@code SipHashIsnGenerator} (RFC 6528) and
 *       {@code EphemeralPortSelector} (RFC 6056) — the keyed hashes that make ISNs and ports
 *       unpredictable.</li>
 *   <li>{@code EngineSettings}/{@code EngineConfig} — the {@code synack.tcp.*} keys and their
 *       validated values; {@code EngineStatistics}/{@code DropReason} — the stack's counters.</li>
 * </ul>
 * No class here does I/O, starts a thread or reads a clock: time and randomness come in as
 * parameters.
 */
package io.synack.core.engine;
