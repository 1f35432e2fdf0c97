package io.synack.conformance.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

class SysctlMappingTest {

    @Test
    void sysctlAssignmentsBecomeSettings() {
        SysctlMapping.Mapped m = SysctlMapping.map(
                "sysctl -q net.ipv4.tcp_timestamps=0 net.ipv4.tcp_sack=1; sysctl -w net.ipv4.tcp_fin_timeout=5", Execution.engineKeys());
        assertEquals(Map.of("synack.tcp.timestamps", "false", "synack.tcp.sack", "true", "synack.tcp.fin-timeout", "5s"),
                m.settings());
        assertTrue(m.notes().isEmpty(), m.notes().toString());
    }

    @Test
    void conversions() {
        SysctlMapping.Mapped m = SysctlMapping.map("sysctl -q net.ipv4.tcp_rmem=\"4096 131072 6291456\" "
                + "net.ipv4.tcp_syn_retries=2 net.ipv4.tcp_keepalive_time=7200", Execution.engineKeys());
        assertEquals("131072", m.settings().get("synack.tcp.receive-buffer"));
        assertEquals("7s", m.settings().get("synack.tcp.syn.r2"), "1 + 2 + 4 s: given up when the 2nd retransmission times out");
        assertEquals("7200s", m.settings().get("synack.tcp.keepalive.idle"));
    }

    @Test
    void everythingElseIsNotedAndSkipped() {
        SysctlMapping.Mapped m = SysctlMapping.map("tc qdisc add dev tun0 root netem delay 10ms && "
                + "sysctl -q net.ipv4.tcp_ecn=1 net.ipv4.tcp_rfc1337", Execution.engineKeys());
        assertTrue(m.settings().isEmpty());
        assertEquals(3, m.notes().size(), m.notes().toString());
        assertTrue(m.notes().get(0).startsWith("shell command skipped: tc qdisc"), m.notes().toString());
        assertTrue(m.notes().get(1).contains("net.ipv4.tcp_ecn skipped: no engine setting"), m.notes().toString());
        assertTrue(m.notes().get(2).contains("sysctl read skipped"), m.notes().toString());
    }

    @Test
    void everyMappedKeyExistsInTheEngine() {
        SysctlMapping.table().forEach((sysctl, key) ->
                assertTrue(Execution.engineKeys().contains(key), sysctl + " maps to unknown " + key));
    }
}
