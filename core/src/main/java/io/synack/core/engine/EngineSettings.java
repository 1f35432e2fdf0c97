package io.synack.core.engine;

import io.synack.spi.Setting;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;

/**
 * The configuration keys of the TCP engine ({@code synack.tcp.*}). Defaults follow RFC 9293 where it
 * gives a value and Linux where it leaves a choice.
 */
public final class EngineSettings {
    private EngineSettings() {}

    /** Maximum Segment Lifetime; TIME-WAIT lasts 2×MSL (RFC 9293 §3.4.2). 30 s gives Linux's 60 s TIME-WAIT. */
    public static final Setting<Duration> MSL = Setting.duration("synack.tcp.msl",
            "Maximum Segment Lifetime; TIME-WAIT lasts twice this (0 removes TIME-WAIT: unsafe)",
            Duration.ofSeconds(30), Duration.ZERO, Duration.ofMinutes(10));

    /** Initial RTO before any RTT sample (RFC 6298 §2.1: 1 s). */
    public static final Setting<Duration> RTO_INITIAL = Setting.duration("synack.tcp.rto.initial",
            "retransmission timeout before the first RTT measurement (RFC 6298 2.1)",
            Duration.ofSeconds(1), Duration.ofMillis(1), Duration.ofMinutes(2));

    /** Lower bound of the RTO: 200 ms as Linux (RFC 6298 §2.4 says 1 s, SHOULD). */
    public static final Setting<Duration> RTO_MIN = Setting.duration("synack.tcp.rto.min",
            "lower bound of the retransmission timeout (Linux TCP_RTO_MIN is 200ms)",
            Duration.ofMillis(200), Duration.ofMillis(1), Duration.ofMinutes(1));

    /** Upper bound of the RTO: 120 s as Linux (RFC 6298 §2.5: at least 60 s). */
    public static final Setting<Duration> RTO_MAX = Setting.duration("synack.tcp.rto.max",
            "upper bound of the retransmission timeout (RFC 6298 2.5, Linux TCP_RTO_MAX)",
            Duration.ofSeconds(120), Duration.ofMillis(1), Duration.ofMinutes(10));

    /** R2 for a SYN: give up an active open after this long (MUST-23: at least 3 minutes). */
    public static final Setting<Duration> SYN_R2 = Setting.duration("synack.tcp.syn.r2",
            "time after which an unanswered SYN is given up (R2 for SYN, MUST-23: >= 3 minutes)",
            Duration.ofMinutes(3), Duration.ofMillis(1), Duration.ofHours(1));

    /** SYN-ACK retransmissions of a passive child before it expires (Linux tcp_synack_retries). */
    public static final Setting<Integer> SYNACK_RETRIES = Setting.integer("synack.tcp.synack.retries",
            "SYN-ACK retransmissions before a half-open passive connection expires (Linux tcp_synack_retries)",
            5, 0, 20);

    /** R1 for data: retransmissions after which the path is suspect (RFC 9293 §3.8.3, Linux tcp_retries1). */
    public static final Setting<Integer> R1 = Setting.integer("synack.tcp.r1",
            "retransmissions of one segment after which the path is reported suspect (R1, Linux tcp_retries1)",
            3, 1, 100);

    /** R2 for data: give up after this long (MUST-20: at least 100 s; Linux tcp_retries2=15 is about 15 min). */
    public static final Setting<Duration> R2 = Setting.duration("synack.tcp.r2",
            "time after which an unacknowledged segment makes the connection time out (R2, MUST-20: >= 100s)",
            Duration.ofMinutes(15), Duration.ofMillis(1), Duration.ofHours(2));

    /** FIN-WAIT-2 timeout of a connection the application closed (Linux tcp_fin_timeout, 60 s). */
    public static final Setting<Duration> FIN_TIMEOUT = Setting.duration("synack.tcp.fin-timeout",
            "how long a fully closed connection waits in FIN-WAIT-2 for the peer's FIN (Linux tcp_fin_timeout)",
            Duration.ofSeconds(60), Duration.ofMillis(1), Duration.ofHours(1));

    /** User timeout (RFC 9293 §3.10.8, RFC 5482): 0 = use R2 alone (Linux TCP_USER_TIMEOUT default). */
    public static final Setting<Duration> USER_TIMEOUT = Setting.duration("synack.tcp.user-timeout",
            "give up when sent data stays unacknowledged this long; 0 means use R2 only (RFC 5482)",
            Duration.ZERO, Duration.ZERO, Duration.ofHours(2));

    /** RFC 1337 TIME-WAIT assassination protection (Linux net.ipv4.tcp_rfc1337, off). */
    public static final Setting<Boolean> RFC1337 = Setting.bool("synack.tcp.rfc1337",
            "ignore RST in TIME-WAIT (RFC 1337 TIME-WAIT assassination hazard fix; off as in Linux)", false);

    /** Challenge ACKs allowed per second per stack (RFC 5961 §7; Linux tcp_challenge_ack_limit was 1000). */
    public static final Setting<Integer> CHALLENGE_ACK_LIMIT = Setting.integer("synack.tcp.challenge-ack.limit",
            "challenge ACKs per second per stack (RFC 5961 section 7; Linux tcp_challenge_ack_limit)",
            1000, 0, Integer.MAX_VALUE);

    /** The MSS this stack announces (RFC 9293 §3.7.1, MUST-14). */
    public static final Setting<Integer> MSS = Setting.integer("synack.tcp.mss",
            "the maximum segment size announced in our SYN (MSS option)", 1460, 88, 65495);

    /**
     * Send buffer size per connection: 256 KiB like the receive buffer, so a sender can fill the
     * window a peer offers (Linux starts tcp_wmem at 16 KiB and autotunes it up to 4 MiB). Allocated
     * lazily, growing with what is queued.
     */
    public static final Setting<Long> SEND_BUFFER = Setting.size("synack.tcp.send-buffer",
            "send buffer per connection (allocated as data is queued)", 256 * 1024, 1, 1L << 30);

    /**
     * Receive buffer per connection; the advertised window is its free space (above 65535 only with
     * window scaling). 256 KiB: Linux starts at tcp_rmem[1] = 128 KiB and autotunes up to 6 MiB; a
     * fixed 256 KiB keeps a 2 ms-RTT simulated bulk transfer from being window-limited.
     */
    public static final Setting<Long> RECEIVE_BUFFER = Setting.size("synack.tcp.receive-buffer",
            "receive buffer per connection; the window advertised is its free space", 256 * 1024, 1, 1L << 30);

    /** RFC 7323 §2 window scale option (Linux net.ipv4.tcp_window_scaling = 1). */
    public static final Setting<Boolean> WINDOW_SCALING = Setting.bool("synack.tcp.window-scaling",
            "offer the RFC 7323 window scale option (used only when both SYNs carry it)", true);

    /** RFC 2018 SACK-permitted option and SACK blocks (Linux net.ipv4.tcp_sack = 1). */
    public static final Setting<Boolean> SACK = Setting.bool("synack.tcp.sack",
            "offer RFC 2018 selective acknowledgments (used only when both SYNs carry SACK-permitted)", true);

    /** RFC 7323 §3 timestamps option, for RTTM and PAWS (Linux net.ipv4.tcp_timestamps = 1). */
    public static final Setting<Boolean> TIMESTAMPS = Setting.bool("synack.tcp.timestamps",
            "offer the RFC 7323 timestamps option (used only when both SYNs carry it)", true);

    /** Delayed ACK (RFC 9293 §3.8.6.3, RFC 5681 §4.2; Linux delays ACKs, quick-ack mode aside). */
    public static final Setting<Boolean> DELAYED_ACK = Setting.bool("synack.tcp.delayed-ack",
            "delay ACKs of in-order data (RFC 9293 3.8.6.3); off acknowledges every segment at once", true);

    /** Delayed-ACK timeout: Linux TCP_DELACK_MIN is 40 ms; MUST-40 caps it below 0.5 s. */
    public static final Setting<Duration> DELAYED_ACK_TIMEOUT = Setting.duration("synack.tcp.delayed-ack.timeout",
            "longest time an ACK of in-order data is delayed (Linux TCP_DELACK_MIN 40ms; MUST-40: < 0.5s)",
            Duration.ofMillis(40), Duration.ofMillis(1), Duration.ofMillis(499));

    /** Default of the per-connection no-delay switch (Nagle on by default, RFC 9293 §3.7.4). */
    public static final Setting<Boolean> NODELAY = Setting.bool("synack.tcp.nodelay",
            "disable Nagle's algorithm on new connections by default", false);

    /** Secret of the RFC 6528 ISN and RFC 6056 port hashes: 32 hex digits, or empty for a random one. */
    public static final Setting<String> ISN_SECRET = Setting.custom("synack.tcp.isn.secret",
            "secret key of the ISN and ephemeral-port hashes (32 hex digits; empty: random per stack)",
            "", "empty or 32 hexadecimal digits",
            text -> {
                if (text.isEmpty()) {
                    return text;
                }
                if (text.length() != 32) {
                    return null;
                }
                HexFormat.of().parseHex(text);
                return text.toLowerCase(java.util.Locale.ROOT);
            }, s -> s);

    /** Lowest ephemeral port (RFC 6056 §2.1; Linux ip_local_port_range 32768). */
    public static final Setting<Integer> EPHEMERAL_LOW = Setting.integer("synack.tcp.ephemeral.low",
            "lowest ephemeral port (Linux ip_local_port_range)", 32768, 1, 65535);

    /** Highest ephemeral port (Linux ip_local_port_range 60999). */
    public static final Setting<Integer> EPHEMERAL_HIGH = Setting.integer("synack.tcp.ephemeral.high",
            "highest ephemeral port (Linux ip_local_port_range)", 60999, 1, 65535);

    /** Every setting of the engine, for the configuration loader. */
    /**
     * UNSAFE, for the seed's "why three?" experiment: a passive open counts as ESTABLISHED as soon
     * as its SYN,ACK is sent, without waiting for the third segment (a two-way handshake).
     */
    public static final Setting<Boolean> UNSAFE_TWO_WAY_HANDSHAKE = Setting.bool("synack.tcp.unsafe.two-way-handshake",
            "UNSAFE experiment: a listener's connection is ESTABLISHED on sending SYN,ACK (no third segment)", false);

    /**
     * UNSAFE, for the seed's "why four?" experiment: the first FIN received closes both directions
     * (the local side sends its FIN at once and can send nothing more), as if TCP were not full duplex.
     */
    public static final Setting<Boolean> UNSAFE_CLOSE_ON_FIRST_FIN = Setting.bool("synack.tcp.unsafe.close-on-first-fin",
            "UNSAFE experiment: a FIN received closes both directions at once (no half-close)", false);

    /** Congestion control algorithm of new connections (RFC 5681; Linux net.ipv4.tcp_congestion_control). */
    public static final Setting<String> CONGESTION_CONTROL = Setting.oneOf("synack.tcp.congestion-control",
            "congestion control algorithm (NewReno: RFC 5681, RFC 6582)", "newreno", "newreno");

    /** Keepalive on new connections (RFC 9293 §3.8.4, MUST-24: "MUST default to off"; Linux SO_KEEPALIVE). */
    public static final Setting<Boolean> KEEPALIVE = Setting.bool("synack.tcp.keepalive",
            "send keepalive probes on idle connections (RFC 9293 3.8.4; off by default, MUST-24)", false);

    /** Idle time before the first keepalive probe (MUST-25: at least 2 hours by default; Linux tcp_keepalive_time). */
    public static final Setting<java.time.Duration> KEEPALIVE_IDLE = Setting.duration("synack.tcp.keepalive.idle",
            "idle time before the first keepalive probe (MUST-25: default no less than 2h; Linux tcp_keepalive_time)",
            java.time.Duration.ofHours(2), java.time.Duration.ofMillis(1), java.time.Duration.ofDays(30));

    /** Time between unanswered keepalive probes (Linux tcp_keepalive_intvl, 75 s). */
    public static final Setting<java.time.Duration> KEEPALIVE_INTERVAL = Setting.duration("synack.tcp.keepalive.interval",
            "time between unanswered keepalive probes (Linux tcp_keepalive_intvl)",
            java.time.Duration.ofSeconds(75), java.time.Duration.ofMillis(1), java.time.Duration.ofDays(1));

    /** Unanswered keepalive probes before the connection times out (Linux tcp_keepalive_probes, 9). */
    public static final Setting<Integer> KEEPALIVE_COUNT = Setting.integer("synack.tcp.keepalive.count",
            "unanswered keepalive probes after which the connection times out (Linux tcp_keepalive_probes)", 9, 1, 1000);

    public static List<Setting<?>> all() {
        return List.of(MSL, RTO_INITIAL, RTO_MIN, RTO_MAX, SYN_R2, SYNACK_RETRIES, R1, R2, FIN_TIMEOUT,
                USER_TIMEOUT, RFC1337, CHALLENGE_ACK_LIMIT, MSS, SEND_BUFFER, RECEIVE_BUFFER, NODELAY, ISN_SECRET,
                EPHEMERAL_LOW, EPHEMERAL_HIGH, UNSAFE_TWO_WAY_HANDSHAKE, UNSAFE_CLOSE_ON_FIRST_FIN, WINDOW_SCALING, SACK,
                TIMESTAMPS, DELAYED_ACK, DELAYED_ACK_TIMEOUT, CONGESTION_CONTROL, KEEPALIVE, KEEPALIVE_IDLE,
                KEEPALIVE_INTERVAL, KEEPALIVE_COUNT);
    }
}
