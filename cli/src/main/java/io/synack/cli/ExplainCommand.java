package io.synack.cli;

import io.synack.api.AddressInUseException;
import io.synack.api.SynackException;
import io.synack.api.TcpConnection;
import io.synack.api.TcpListener;
import io.synack.cli.lab.Lab;
import io.synack.cli.lab.StreamPumps;
import io.synack.core.SynackRuntime;
import io.synack.core.engine.EngineConfig;
import io.synack.core.engine.EphemeralPortSelector;
import io.synack.core.engine.TcpEngine;
import io.synack.core.trace.LadderDiagram;
import io.synack.transport.loopback.DelayDistribution;
import io.synack.transport.loopback.FaultModel;
import io.synack.transport.loopback.FaultPlan;
import io.synack.transport.loopback.ScriptedRule;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code synack explain TOPIC}: a question of the seed document as an experiment, run twice — with
 * the mechanism and with it removed by a clearly labelled unsafe setting — showing both ladder
 * diagrams and stating, from the runs themselves, what went wrong without it.
 */
@Command(name = "explain", mixinStandardHelpOptions = true,
        description = {"Run one of the seed's questions as an experiment, with the mechanism and without it.",
            "TOPIC: three-way (why three segments open a connection), four-way (why four close it),",
            "       time-wait (why wait 2MSL: old duplicates must die),",
            "       lost-ack (why wait 2MSL: the final ACK may be lost and must be sent again)."})
final class ExplainCommand implements Callable<Integer> {

    /** The experiments. */
    enum Topic {
        /** Why three segments open a connection: a stale SYN must not open one nobody asked for. */
        THREE_WAY("three-way"),
        /** Why four segments close one: each direction closes on its own (half-close). */
        FOUR_WAY("four-way"),
        /** Why TIME-WAIT lasts 2×MSL: old duplicates must die before the 4-tuple is reused. */
        TIME_WAIT("time-wait"),
        /** Why the active closer lingers at all: the final ACK may be lost, and the peer's FIN comes again. */
        LOST_ACK("lost-ack");

        private final String name;

        Topic(String name) {
            this.name = name;
        }

        @Override
        public String toString() {
            return name;
        }
    }

    /** Converts {@code time-wait} (and {@code TIME_WAIT}) to the topic. */
    static final class TopicConverter implements picocli.CommandLine.ITypeConverter<Topic> {
        @Override
        public Topic convert(String value) {
            for (Topic t : Topic.values()) {
                if (t.name.equalsIgnoreCase(value) || t.name().equalsIgnoreCase(value)) {
                    return t;
                }
            }
            throw new picocli.CommandLine.TypeConversionException("'" + value + "' is not a topic; expected one of: three-way, four-way, time-wait, lost-ack");
        }
    }

    private static final int CLIENT_PORT = 40000;
    private static final byte[] OLD = "OLD DATA".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] NEW = "NEW DATA".getBytes(StandardCharsets.US_ASCII);
    private static final Duration LIMIT = Duration.ofMinutes(5);

    @Spec
    CommandSpec spec;

    @Mixin
    GlobalOptions global;

    @Parameters(index = "0", paramLabel = "TOPIC", converter = TopicConverter.class,
            description = "What to explain: three-way, four-way, time-wait or lost-ack.")
    Topic topic;

    @Option(names = "--lang", paramLabel = "LANG", defaultValue = "en", description = "en (default) or zh.")
    String lang;

    @Option(names = "--no-color", description = "No ANSI colour.")
    boolean noColor;

    @Override
    public Integer call() throws SynackException {
        if (!lang.equals("en") && !lang.equals("zh")) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                    "Invalid value for option '--lang': '" + lang + "'; expected en or zh");
        }
        PrintWriter out = spec.commandLine().getOut();
        SynackRuntime runtime = Composition.runtime(global);
        EngineConfig base = EngineConfig.from(runtime.settings()).withRfc1337(true);
        boolean zh = lang.equals("zh");
        boolean shown = switch (topic) {
            case THREE_WAY -> threeWay(out, base, zh);
            case FOUR_WAY -> fourWay(out, base, zh);
            case TIME_WAIT -> timeWait(out, base, zh);
            case LOST_ACK -> lostAck(out, base, zh);
        };
        out.flush();
        return shown ? 0 : 1;
    }

    private boolean timeWait(PrintWriter out, EngineConfig base, boolean zh) throws SynackException {
        out.println(zh
                ? "为什么 TIME-WAIT 要等 2MSL？让旧连接在网络中残留的重复报文全部消失，新连接（同样的四元组）才不会把它们当成自己的数据。"
                : "Why wait 2MSL in TIME-WAIT? So that every duplicate of the old connection still in the network has died "
                        + "before a new connection on the same 4-tuple can exist; otherwise late data of the old incarnation "
                        + "is taken as data of the new one.");
        out.println(zh
                ? "实验：服务器的第一段数据 \"OLD DATA\" 被网络滞留到 2 秒（其重传先到达）；连接关闭后客户端立即从同一端口重连，"
                        + "两次连接的初始序号相同（TIME-WAIT 所防范的最坏情况）；新服务器 3 秒后才回答 \"NEW DATA\"。"
                        + "时间戳选项关闭：PAWS（RFC 7323 §5）也能拦下这个旧报文，但只有双方都支持时间戳时才有效。"
                : "Staged: the server's first data segment \"OLD DATA\" is held by the network until t=2s (its retransmission "
                        + "gets through); after the close the client reconnects at once from the same port, and both "
                        + "incarnations draw the same ISNs (the worst case TIME-WAIT guards against); the new server answers "
                        + "\"NEW DATA\" 3 s after accepting. RFC 1337 is on, so the old segment cannot end TIME-WAIT early; "
                        + "timestamps are off, since PAWS (RFC 7323 §5) would also catch this segment: a second defence "
                        + "that only works when both sides offer timestamps.");
        out.println();

        // Timestamps off: with them PAWS (RFC 7323 §5) discards the old segment by its TSval even without
        // TIME-WAIT — a second defence, but one a peer may not offer; TIME-WAIT is the one RFC 9293 requires.
        base = base.withOptions(base.windowScaling(), base.sack(), false);
        Result with = run(base.withMsl(base.mslNanos() == 0 ? Duration.ofSeconds(30) : Duration.ofNanos(base.mslNanos())));
        Result without = run(base.withMsl(Duration.ZERO));

        section(out, zh ? "== 有 TIME-WAIT（MSL " + with.msl + "）==" : "== with TIME-WAIT (MSL " + with.msl + ") ==",
                with.ladder, with.describe(zh));
        section(out, zh ? "== 去掉 TIME-WAIT（synack.tcp.msl=0，不安全）==" : "== without TIME-WAIT (synack.tcp.msl=0: UNSAFE) ==",
                without.ladder, without.describe(zh));
        boolean shown = with.received.equals("NEW DATA") && without.received.equals("OLD DATA");
        return verdict(out, zh, shown,
                "没有 TIME-WAIT，新连接收到了旧连接的数据（数据被破坏）；有 TIME-WAIT，新连接只能在 2MSL 之后建立，旧报文已被丢弃。",
                "without TIME-WAIT the new connection delivered the old connection's bytes as its own "
                                + "(silent corruption); with TIME-WAIT the 4-tuple could not be reused until 2MSL had passed, "
                                + "and the old duplicate met TIME-WAIT and was discarded.",
                "with TIME-WAIT the client read \""
                        + with.received + "\", without it \"" + without.received + "\"");
    }

    /** What one run of the lost-final-ACK experiment showed. */
    private record Closing(String ladder, io.synack.api.CloseReason client, io.synack.api.CloseReason server,
            long serverRetransmissions) {}

    private boolean lostAck(PrintWriter out, EngineConfig base, boolean zh) throws SynackException {
        out.println(zh
                ? "为什么 TIME-WAIT 要等 2MSL（理由一）？为了可靠地完成全双工关闭：如果最后一个 ACK 丢失，对方会重传 FIN，"
                        + "处于 TIME-WAIT 的一方还在，能再次确认它。"
                : "Why wait in TIME-WAIT (reason 1 of 2MSL)? So that the full-duplex close completes reliably: if the final "
                        + "ACK is lost, the peer retransmits its FIN (RFC 9293 §3.6), and the side in TIME-WAIT is still there "
                        + "to acknowledge it again.");
        out.println(zh
                ? "实验：客户端先关闭；它对服务器 FIN 的最后一个 ACK 被网络丢弃。"
                : "Staged: the client closes first; the network drops its final ACK (the one that acknowledges the "
                        + "server's FIN).");
        out.println();
        Closing with = lostFinalAck(base.withMsl(base.mslNanos() == 0 ? Duration.ofSeconds(30)
                : Duration.ofNanos(base.mslNanos())));
        Closing without = lostFinalAck(base.withMsl(Duration.ZERO));
        section(out, zh ? "== 有 TIME-WAIT ==" : "== with TIME-WAIT ==", with.ladder(), closing(zh, with));
        section(out, zh ? "== 去掉 TIME-WAIT（synack.tcp.msl=0，不安全）==" : "== without TIME-WAIT (synack.tcp.msl=0: UNSAFE) ==",
                without.ladder(), closing(zh, without));
        boolean shown = with.server() == io.synack.api.CloseReason.GRACEFUL && with.serverRetransmissions() > 0
                && without.server() == io.synack.api.CloseReason.RESET;
        return verdict(out, zh, shown,
                "没有 TIME-WAIT，服务器重传的 FIN 到达一个已不存在的连接，被 RST 回答，服务器应用得知连接被重置，"
                        + "尽管所有数据都已送达；有 TIME-WAIT，客户端再次确认 FIN，双方都正常关闭。",
                "without TIME-WAIT the server's retransmitted FIN reached a connection that no longer "
                                + "existed and drew an RST, so the server application was told its connection was reset "
                                + "although everything had been delivered; with TIME-WAIT the client acknowledged the FIN "
                                + "again and both sides closed gracefully.",
                "server close: "
                        + with.server() + " with TIME-WAIT, " + without.server() + " without");
    }

    /**
     * Prints the verdict, computed by the caller from the two runs, or what the runs showed instead.
     *
     * @return {@code shown}, the command's success
     */
    private static boolean verdict(PrintWriter out, boolean zh, boolean shown, String zhVerdict, String enVerdict,
            String observed) {
        out.println(shown ? (zh ? "结论：" + zhVerdict : "Verdict: " + enVerdict)
                : (zh ? "实验没有得到预期结果。" : "The experiment did not show the expected difference (" + observed + ")."));
        return shown;
    }

    private static String closing(boolean zh, Closing c) {
        return zh ? "服务器重传 FIN " + c.serverRetransmissions() + " 次；服务器应用看到的关闭：" + c.server()
                + "；客户端：" + c.client()
                : "the server retransmitted its FIN " + c.serverRetransmissions() + " time(s); the server application's "
                        + "close ended " + c.server() + ", the client's " + c.client();
    }

    private Closing lostFinalAck(EngineConfig config) throws SynackException {
        boolean[] clientFinSeen = {false};
        // The client's first segment without data and without FIN after its own FIN: the final ACK.
        ScriptedRule dropFinalAck = ScriptedRule.drop(segment -> {
            int flags = segment.get(segment.position() + 13);
            if ((flags & 0x01) != 0) {
                clientFinSeen[0] = true;
                return false;
            }
            return clientFinSeen[0] && (flags & 0x04) == 0 && !carriesData(segment);
        }, "drop the client's final ACK", 1);
        FaultPlan plain = FaultPlan.builder().delay(DelayDistribution.fixed(Duration.ofMillis(1))).build();
        FaultModel model = FaultModel.of(plain).withPath(Lab.CLIENT, Lab.SERVER,
                plain.toBuilder().script(dropFinalAck).build());
        try (Lab lab = new Lab(1, model, config, config, null)) {
            TcpListener listener = lab.server().listen(Lab.SERVER_PORT, 8);
            CompletableFuture<TcpConnection> accepted = listener.acceptAsync().toCompletableFuture();
            TcpConnection client = lab.await(lab.client().connectAsync(new InetSocketAddress(Lab.SERVER, Lab.SERVER_PORT)),
                    LIMIT);
            TcpConnection server = lab.await(accepted, LIMIT);
            client.close();
            lab.await(StreamPumps.read(server, Long.MAX_VALUE), LIMIT);
            server.close();
            io.synack.api.CloseReason serverReason = lab.await(server.closeFuture(), LIMIT);
            io.synack.api.CloseReason clientReason = lab.await(client.closeFuture(), LIMIT);
            long retransmissions = lab.server().statistics().retransmissions();
            listener.close();
            lab.runUntilIdle();
            return new Closing(ladder(lab, lab.trace().entries()), clientReason, serverReason, retransmissions);
        }
    }

    /** What one run of the "why three?" or "why four?" experiment showed. */
    private record Observed(String ladder, int accepted, String serverSaw, long responseBytes, String clientSaw) {}

    private boolean threeWay(PrintWriter out, EngineConfig base, boolean zh) throws SynackException {
        out.println(zh
                ? "为什么是三次握手而不是两次？为了防止一个早已失效的连接请求（在网络中滞留的旧 SYN）突然到达服务器，"
                        + "使服务器以为有人要建立连接而白白等待、浪费资源。三次握手时，客户端不会确认这个连接，服务器就知道没人要它。"
                : "Why three segments, not two? So that an old connection request that lingered in the network cannot "
                        + "open a connection nobody asked for. With three, the client never confirms the server's reply to "
                        + "the stale SYN, so the server learns that no connection was wanted.");
        out.println(zh
                ? "实验：客户端从 40000 端口发出的 SYN 被网络滞留到 3 秒；客户端 0.5 秒后放弃了这次连接。旧 SYN 随后到达服务器。"
                : "Staged: the client's SYN from port 40000 is held by the network until t=3s; the client gave up on "
                        + "that connection after 0.5 s. Then the stale SYN reaches the server.");
        out.println();
        Observed with = staleSyn(base);
        Observed without = staleSyn(base.withUnsafe(true, false));
        section(out, zh ? "== 三次握手 ==" : "== with the three-way handshake ==", with.ladder(),
                accepted(zh, with));
        section(out, zh ? "== 两次握手（synack.tcp.unsafe.two-way-handshake=true，不安全）=="
                : "== with a two-way handshake (synack.tcp.unsafe.two-way-handshake=true: UNSAFE) ==",
                without.ladder(), accepted(zh, without));
        boolean shown = with.accepted() == 0 && without.accepted() == 1;
        return verdict(out, zh, shown,
                "两次握手时，服务器应用接受了一个没有任何客户端请求的连接；三次握手时，客户端用 RST 回答，服务器回到 LISTEN，什么也没保留。",
                "with two segments the server application accepted a connection no client asked for; "
                                + "with three, the client answered the server's SYN,ACK with RST and the server went back to "
                                + "LISTEN holding nothing.",
                "accepted: "
                        + with.accepted() + " with three, " + without.accepted() + " with two");
    }

    private static String accepted(boolean zh, Observed o) {
        return zh ? "服务器应用接受的连接数：" + o.accepted() + "；" + o.serverSaw()
                : "connections the server application accepted: " + o.accepted() + "; " + o.serverSaw();
    }

    private Observed staleSyn(EngineConfig config) throws SynackException {
        ScriptedRule holdSyn = ScriptedRule.holdFirstWithFlags("SYN", Duration.ofSeconds(3));
        FaultPlan plain = FaultPlan.builder().delay(DelayDistribution.fixed(Duration.ofMillis(1))).build();
        FaultModel model = FaultModel.of(plain).withPath(Lab.CLIENT, Lab.SERVER, plain.toBuilder().script(holdSyn).build());
        try (Lab lab = new Lab(1, model, config, config, null)) {
            long release = Duration.ofSeconds(3).toNanos();
            lab.simulation().scheduler().schedule(release, () -> lab.trace().note(release,
                    "the network releases the stale SYN (sent at 0 ms)"));
            TcpListener listener = lab.server().listen(Lab.SERVER_PORT, 8);
            int[] accepted = {0};
            StringBuilder serverSaw = new StringBuilder();
            acceptAll(listener, accepted, serverSaw);
            CompletableFuture<TcpConnection> attempt = ((io.synack.core.driver.DrivenStack) lab.client())
                    .connectAsync(new InetSocketAddress(Lab.SERVER, Lab.SERVER_PORT), CLIENT_PORT, Duration.ofMillis(500));
            lab.simulation().runFor(Duration.ofSeconds(10));
            if (!attempt.isCompletedExceptionally()) {
                serverSaw.append(" (the client's own attempt did not time out)");
            }
            String saw = serverSaw.length() == 0 ? "the server holds no connection" : serverSaw.toString().trim();
            listener.close();
            lab.runUntilIdle();
            return new Observed(ladder(lab, lab.trace().entries()), accepted[0], saw, 0, "");
        }
    }

    /** Accepts every connection; records what the application then sees on it. */
    private static void acceptAll(TcpListener listener, int[] accepted, StringBuilder saw) {
        listener.acceptAsync().whenComplete((c, failure) -> {
            if (c == null) {
                return;
            }
            accepted[0]++;
            saw.append(" the application got a connection from ").append(c.id().remote())
                    .append(" and waited for a request;");
            c.closeFuture().thenAccept(reason -> saw.append(" it ended ").append(reason).append('.'));
            acceptAll(listener, accepted, saw);
        });
    }

    private boolean fourWay(PrintWriter out, EngineConfig base, boolean zh) throws SynackException {
        out.println(zh
                ? "为什么挥手是四次？TCP 是全双工的：FIN 只表示\"我没有数据要发了\"，对方还可以继续发送，直到它也发出 FIN。"
                        + "所以两个方向各自关闭：FIN + ACK，两次。"
                : "Why four segments to close? TCP is full duplex: a FIN only says \"I have nothing more to send\"; the "
                        + "other side may keep sending until it, too, sends its FIN. So each direction closes on its own: "
                        + "FIN + ACK, twice.");
        out.println(zh
                ? "实验：客户端发送请求 \"GET\" 后关闭自己的发送方向（FIN），然后读取回应；服务器读完请求后发送 " + RESPONSE_BYTES
                        + " 字节的回应，再关闭。"
                : "Staged: the client sends the request \"GET\" and shuts down its sending direction (FIN), then reads "
                        + "the response; the server reads the request to its end, sends a " + RESPONSE_BYTES
                        + "-byte response and closes.");
        out.println();
        Observed with = halfClose(base);
        Observed without = halfClose(base.withUnsafe(false, true));
        section(out, zh ? "== 四次挥手（半关闭）==" : "== with the four-way close (half-close) ==", with.ladder(),
                response(zh, with));
        section(out, zh ? "== 收到第一个 FIN 就关闭整个连接（synack.tcp.unsafe.close-on-first-fin=true，不安全）=="
                : "== closing the whole connection on the first FIN (synack.tcp.unsafe.close-on-first-fin=true: UNSAFE) ==",
                without.ladder(), response(zh, without));
        boolean shown = with.responseBytes() == RESPONSE_BYTES && without.responseBytes() < RESPONSE_BYTES;
        return verdict(out, zh, shown,
                "把第一个 FIN 当作关闭整个连接时，服务器的回应被截断（客户端只收到 " + without.responseBytes()
                        + " 字节）；四次挥手时，客户端收到了全部 " + RESPONSE_BYTES + " 字节。",
                "closing the whole connection on the first FIN cut the server's response off (the client "
                                + "received " + without.responseBytes() + " bytes); with the four-way close it received all "
                                + RESPONSE_BYTES + ".",
                "response bytes: "
                        + with.responseBytes() + " with four, " + without.responseBytes() + " without");
    }

    private static final int RESPONSE_BYTES = 65_536;

    private static String response(boolean zh, Observed o) {
        return zh ? "客户端收到回应 " + o.responseBytes() + " 字节；服务器：" + o.serverSaw()
                : "the client received " + o.responseBytes() + " response bytes; the server: " + o.serverSaw();
    }

    private Observed halfClose(EngineConfig config) throws SynackException {
        FaultModel model = FaultModel.of(FaultPlan.builder().delay(DelayDistribution.fixed(Duration.ofMillis(1))).build());
        try (Lab lab = new Lab(1, model, config, config, null)) {
            TcpListener listener = lab.server().listen(Lab.SERVER_PORT, 8);
            CompletableFuture<TcpConnection> accepted = listener.acceptAsync().toCompletableFuture();
            TcpConnection client = lab.await(lab.client().connectAsync(new InetSocketAddress(Lab.SERVER, Lab.SERVER_PORT)),
                    LIMIT);
            TcpConnection server = lab.await(accepted, LIMIT);
            lab.await(StreamPumps.write(client, "GET".getBytes(StandardCharsets.US_ASCII), true), LIMIT);
            CompletableFuture<StreamPumps.Received> response = StreamPumps.read(client, Long.MAX_VALUE);
            lab.await(StreamPumps.read(server, Long.MAX_VALUE), LIMIT);
            String serverSaw;
            try {
                lab.await(StreamPumps.write(server, 7, RESPONSE_BYTES, false), LIMIT);
                serverSaw = "sent its whole response";
            } catch (SynackException e) {
                serverSaw = "could not send its response: " + e.getMessage();
            }
            server.close();
            long received = lab.await(response, LIMIT).bytes();
            client.close();
            listener.close();
            lab.runUntilIdle();
            return new Observed(ladder(lab, lab.trace().summarised(3)), 1, serverSaw, received, "");
        }
    }

    private static void section(PrintWriter out, String title, String ladder, String result) {
        out.println(title);
        out.print(ladder);
        out.println(result);
        out.println();
    }

    private String ladder(Lab lab, java.util.List<io.synack.core.trace.TraceEntry> entries) {
        return new LadderDiagram(!noColor && System.console() != null, false).render(
                "client " + Lab.CLIENT.getHostAddress(), "server " + Lab.SERVER.getHostAddress() + ":" + Lab.SERVER_PORT,
                entries);
    }

    private final class Result {
        String msl;
        String ladder;
        String received = "";
        int refusedAttempts;
        double reconnectedAtSeconds;

        String describe(boolean zh) {
            if (zh) {
                return "新连接收到：\"" + received + "\"；同一端口的重连被拒绝（地址占用）" + refusedAttempts + " 次，于 "
                        + String.format(java.util.Locale.ROOT, "%.1f", reconnectedAtSeconds) + " 秒建立。";
            }
            return "the new connection read: \"" + received + "\"; reconnecting from port " + CLIENT_PORT + " was refused "
                    + "(address in use) " + refusedAttempts + " times; it succeeded at t="
                    + String.format(java.util.Locale.ROOT, "%.1f", reconnectedAtSeconds) + "s";
        }
    }

    private Result run(EngineConfig config) throws SynackException {
        Result r = new Result();
        r.msl = io.synack.spi.Setting.formatDuration(Duration.ofNanos(config.mslNanos()));
        // The server's first segment with data is held until t=2s; everything else takes 1 ms.
        ScriptedRule holdOld = ScriptedRule.hold(ExplainCommand::carriesData, "hold the first data segment", 1,
                Duration.ofSeconds(2));
        FaultPlan plain = FaultPlan.builder().delay(DelayDistribution.fixed(Duration.ofMillis(1))).build();
        FaultModel model = FaultModel.of(plain).withPath(Lab.SERVER, Lab.CLIENT, plain.toBuilder().script(holdOld).build());
        try (Lab lab = new Lab(1, model, (address, seed) -> new TcpEngine(address, config,
                (local, localPort, remote, remotePort, now) -> address.equals(Lab.CLIENT) ? 1000 : 5000,
                new EphemeralPortSelector(config.ephemeralLow(), config.ephemeralHigh(), seed, ~seed)), null)) {
            long release = Duration.ofSeconds(2).toNanos();
            lab.simulation().scheduler().schedule(release, () -> lab.trace().note(release,
                    "the network releases the old OLD DATA segment (sent at 3 ms)"));
            InetSocketAddress server = new InetSocketAddress(Lab.SERVER, Lab.SERVER_PORT);
            TcpListener listener = lab.server().listen(Lab.SERVER_PORT, 8);
            // The old incarnation: the server sends OLD DATA; the client reads it and closes first.
            CompletableFuture<TcpConnection> accepted = listener.acceptAsync().toCompletableFuture();
            TcpConnection c1 = lab.await(connect(lab, server), LIMIT);
            TcpConnection s1 = lab.await(accepted, LIMIT);
            lab.await(StreamPumps.write(s1, OLD, false), LIMIT);
            lab.await(StreamPumps.read(c1, OLD.length), LIMIT);
            c1.close();
            lab.await(StreamPumps.read(s1, Long.MAX_VALUE), LIMIT);
            s1.close();
            lab.await(s1.closeFuture(), LIMIT);
            // The new incarnation from the same port, retried each second while the 4-tuple is in use.
            accepted = listener.acceptAsync().toCompletableFuture();
            TcpConnection c2 = null;
            while (c2 == null) {
                try {
                    c2 = lab.await(connect(lab, server), LIMIT);
                } catch (AddressInUseException e) {
                    r.refusedAttempts++;
                    lab.simulation().runFor(Duration.ofSeconds(1));
                }
            }
            r.reconnectedAtSeconds = lab.simulation().now() / 1e9;
            TcpConnection s2 = lab.await(accepted, LIMIT);
            lab.simulation().runFor(Duration.ofSeconds(3)); // the new server thinks before answering
            lab.await(StreamPumps.write(s2, NEW, false), LIMIT);
            StreamPumps.Received got = lab.await(StreamPumps.read(c2, NEW.length), LIMIT);
            r.received = new String(got.prefix(), StandardCharsets.US_ASCII);
            c2.abort();
            s2.abort();
            listener.close();
            lab.runUntilIdle();
            r.ladder = new LadderDiagram(!noColor && System.console() != null, false).render(
                    "client 127.0.0.1:" + CLIENT_PORT, "server 127.0.0.2:" + Lab.SERVER_PORT, lab.trace().entries());
        }
        return r;
    }

    private static CompletableFuture<TcpConnection> connect(Lab lab, InetSocketAddress server) {
        return ((io.synack.core.driver.DrivenStack) lab.client()).connectAsync(server, CLIENT_PORT, Duration.ofMinutes(3));
    }

    /** Whether a raw TCP segment carries payload (data offset below its length). */
    private static boolean carriesData(ByteBuffer segment) {
        int headerLength = ((segment.get(segment.position() + 12) >> 4) & 0xf) * 4;
        return segment.remaining() > headerLength;
    }
}
